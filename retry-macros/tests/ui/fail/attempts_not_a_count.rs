use retry_core::retry;

#[retry(stop = attempts(5s) | attempts(2.5) | attempts(-1) | attempts(4294967296))]
fn f() -> Result<(), ()> {
    Ok(())
}

fn main() {
    let _ = f();
}
