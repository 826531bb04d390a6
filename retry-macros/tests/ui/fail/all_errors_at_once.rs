//! One compile reports every mistake of the attribute, and the function is still emitted:
//! `main` below compiles against it without further errors.
use retry_core::retry;

#[retry(
    stop = attempts(0) | after_delay(5sec),
    wait = exponential(1, 30, 10) + chain(),
    retry = if_eror(|e| true),
    befor = |s| (),
    timeout = 5s,
)]
fn fetch(id: u32) -> Result<u32, std::io::Error> {
    Ok(id)
}

fn main() {
    let _: Result<u32, std::io::Error> = fetch(1);
}
