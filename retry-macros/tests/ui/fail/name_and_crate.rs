use retry_core::retry;

#[retry(name = fetch, crate = "not a path")]
fn f() -> Result<(), ()> {
    Ok(())
}

#[retry(crate = retry_core)]
fn g() -> Result<(), ()> {
    Ok(())
}

fn main() {
    let _ = (f(), g());
}
