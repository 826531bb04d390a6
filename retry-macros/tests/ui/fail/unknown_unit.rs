use retry_core::retry;

#[retry(wait = fixed(5sec) + fixed(2mins) + fixed(3days) + fixed(1sx))]
fn f() -> Result<(), ()> {
    Ok(())
}

fn main() {
    let _ = f();
}
