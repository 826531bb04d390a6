use retry_core::retry;

#[retry(stop = attempts(3), wait = none, stop = attempts(5), clone(x), clone(x))]
fn f(x: String) -> Result<(), ()> {
    drop(x);
    Ok(())
}

fn main() {
    let _ = f(String::new());
}
