use retry_core::retry;

#[retry(stop = attempts(3))]
const fn f() -> Result<(), ()> {
    Ok(())
}

fn main() {
    let _ = f();
}
