//! A hook must take `&RetryState<T, E>`; `on_exhausted` must build the function's return value.
use retry_core::retry;

#[retry(before_sleep = 5, on_exhausted = |s| s.attempt())]
fn f() -> Result<u32, std::io::Error> {
    Ok(1)
}

fn main() {
    let _ = f();
}
