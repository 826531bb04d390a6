//! Closures infer their argument types from the function: mistakes in them are ordinary type
//! errors at the closure.
use retry_core::retry;

#[derive(Debug)]
struct ApiError {
    status: u16,
}

#[retry(
    retry = if_error(|e| e.code >= 500),
    before_sleep = |s| println!("{}", s.attempts()),
)]
fn f() -> Result<(), ApiError> {
    Err(ApiError { status: 500 })
}

#[retry(retry = if_error(|e: &std::io::Error| e.kind() == std::io::ErrorKind::TimedOut))]
fn g() -> Result<(), ApiError> {
    Err(ApiError { status: 500 })
}

fn main() {
    let _ = (f(), g());
}
