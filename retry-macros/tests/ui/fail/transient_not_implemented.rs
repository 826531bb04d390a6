use retry_core::retry;

#[derive(Debug)]
struct DbError;

#[retry(stop = attempts(3), retry = transient)]
fn f() -> Result<(), DbError> {
    Ok(())
}

fn main() {
    let _ = f();
}
