use retry_core::retry;

#[retry(stop = attempts(1, 2) | attempts, wait = exponential(1, 2) + fixed() + none(1))]
fn f() -> Result<(), ()> {
    Ok(())
}

#[retry(stop = never(3), retry = transient(true))]
fn g() -> std::io::Result<()> {
    Ok(())
}

fn main() {
    let _ = (f(), g());
}
