use retry_core::retry;

#[retry(policy = retry_core::Retrying::new(), stop = attempts(3), wait = none, retry = always, before_sleep = |_| (), name = "x")]
fn f() -> Result<(), ()> {
    Ok(())
}

fn main() {
    let _ = f();
}
