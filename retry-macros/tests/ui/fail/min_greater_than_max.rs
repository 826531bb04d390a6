use retry_core::retry;

#[retry(
    wait = exponential(1, 10, 2) + random_exponential(1, 10s, 2s) + random(5, 1)
        + incrementing(10, 1, 5) + decorrelated_jitter(10, 500ms) + exponential_jitter(10, 5, 1),
)]
fn f() -> Result<(), ()> {
    Ok(())
}

fn main() {
    let _ = f();
}
