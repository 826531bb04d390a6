use retry_core::retry;

#[retry(stop = attempts(3), timeout = 5s)]
fn f() -> std::io::Result<()> {
    Ok(())
}

fn main() {
    let _ = f();
}
