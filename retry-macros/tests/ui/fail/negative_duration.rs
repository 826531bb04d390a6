use retry_core::retry;

#[retry(stop = after_delay(-0.5ms), wait = fixed(-1))]
fn f() -> Result<(), ()> {
    Ok(())
}

fn main() {
    let _ = f();
}
