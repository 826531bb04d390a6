use retry_core::retry;

fn send(request: String) -> Result<usize, std::io::Error> {
    Ok(request.len())
}

#[retry(stop = attempts(3))]
fn sync_moves(request: String) -> Result<usize, std::io::Error> {
    send(request)
}

#[retry(stop = attempts(3))]
async fn async_moves(request: String) -> Result<usize, std::io::Error> {
    send(request)
}

fn main() {
    let _ = sync_moves(String::new());
    let _ = async_moves(String::new());
}
