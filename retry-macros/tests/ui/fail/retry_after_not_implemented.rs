use retry_core::retry;

#[derive(Debug)]
struct DbError;

#[retry(stop = attempts(3), wait = retry_after(fixed(1)))]
fn f() -> Result<(), DbError> {
    Ok(())
}

fn main() {
    let _ = f();
}
