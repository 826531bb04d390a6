use retry_core::retry;

#[derive(Debug)]
struct ApiError;

#[retry(stop = attempts(3), timeout = 5s)]
async fn f() -> Result<(), ApiError> {
    Ok(())
}

fn main() {
    let _ = f();
}
