use retry_core::retry;

#[retry(wait = exponential(multiplier = 1, min = 2, mx = 10) + random(1, min = 0) + fixed(d = 1, 2))]
fn f() -> Result<(), ()> {
    Ok(())
}

#[retry(wait = retry_after(none, cap = 0) + random(0, 1, seed = 4))]
fn g() -> Result<(), ()> {
    Ok(())
}

fn main() {
    let _ = (f(), g());
}
