use retry_core::retry;

#[retry(wiat = fixed(1), befor_sleep = |_| (), color = "blue", reraise = true)]
fn f() -> Result<(), ()> {
    Ok(())
}

fn main() {
    let _ = f();
}
