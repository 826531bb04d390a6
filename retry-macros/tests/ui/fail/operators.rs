use retry_core::retry;

#[retry(stop = attempts(3) + after_delay(1) & !never, wait = fixed(1) | fixed(2), retry = always + never)]
fn f() -> Result<(), ()> {
    Ok(())
}

#[retry(stop = attempts(3) || after_delay(1))]
fn g() -> Result<(), ()> {
    Ok(())
}

fn main() {
    let _ = (f(), g());
}
