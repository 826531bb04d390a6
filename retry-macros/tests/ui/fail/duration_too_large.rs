use retry_core::retry;

#[retry(wait = fixed(1e300) + fixed(18446744073709551616) + fixed(300000000000000000h))]
fn f() -> Result<(), ()> {
    Ok(())
}

fn main() {
    let _ = f();
}
