#![deny(unused_must_use)]
use retry_core::retry;

#[must_use = "the reply must be read"]
#[retry(stop = attempts(2), wait = none)]
fn fetch() -> Result<u8, ()> {
    Ok(1)
}

fn main() {
    fetch();
}
