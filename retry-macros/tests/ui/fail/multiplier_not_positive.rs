use retry_core::retry;

#[retry(
    wait = exponential(0, 0, 10) + random_exponential(0ms, 0, 1) + equal_jitter(0, 10)
        + exponential_jitter(0, 10, 1) + decorrelated_jitter(0, 10),
)]
fn f() -> Result<(), ()> {
    Ok(())
}

fn main() {
    let _ = f();
}
