use retry_core::retry;

#[retry(stop = attempts(0))]
fn f() -> Result<(), ()> {
    Ok(())
}

fn main() {
    let _ = f();
}
