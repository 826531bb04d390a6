use retry_core::retry;

#[retry(wait = chain())]
fn empty() -> Result<(), ()> {
    Ok(())
}

#[retry(wait = chain)]
fn bare() -> Result<(), ()> {
    Ok(())
}

#[retry(wait = chain(none, none, none, none, none, none, none, none, none, none, none, none, fixed(1)))]
fn too_long() -> Result<(), ()> {
    Ok(())
}

#[retry(wait = chain(first = fixed(1), fixed(0)))]
fn named() -> Result<(), ()> {
    Ok(())
}

fn main() {
    let _ = (empty(), bare(), too_long(), named());
}
