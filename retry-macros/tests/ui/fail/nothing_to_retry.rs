use retry_core::retry;

type Fallible = Result<(), ()>;

#[retry(stop = attempts(3))]
fn option() -> Option<u8> {
    None
}

#[retry]
fn unit() {}

#[retry]
fn alias() -> Fallible {
    Ok(())
}

fn main() {
    let _ = (option(), unit(), alias());
}
