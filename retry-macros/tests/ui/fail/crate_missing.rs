use retry_core::retry;

#[retry(crate = "renamed_retry", stop = attempts(3))]
fn f() -> Result<(), ()> {
    Ok(())
}

fn main() {
    let _ = f();
}
