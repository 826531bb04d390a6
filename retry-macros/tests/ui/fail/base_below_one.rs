use retry_core::retry;

#[retry(wait = exponential(1, 0, 10, base = 0.5) + random_exponential(1, 0, 10, base = 2s))]
fn f() -> Result<(), ()> {
    Ok(())
}

fn main() {
    let _ = f();
}
