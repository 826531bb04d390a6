use retry_core::retry;

#[retry(stop = atempts(3) | stop_after_attempt(2) | fixed(1), wait = exponetial(1, 2, 10) + jittery + never)]
fn f() -> Result<(), ()> {
    Ok(())
}

#[retry(stop = stop_any, retry = retry_if_exception_type(|e| true) | when(|e| true))]
fn g() -> Result<(), ()> {
    Ok(())
}

fn main() {
    let _ = (f(), g());
}
