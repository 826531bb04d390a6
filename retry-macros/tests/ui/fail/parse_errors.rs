use retry_core::retry;

#[retry(stop = 5)]
fn number() -> Result<(), ()> {
    Ok(())
}

#[retry(stop = attempts(3) |)]
fn dangling() -> Result<(), ()> {
    Ok(())
}

#[retry(wait = fixed(1) fixed(2))]
fn juxtaposed() -> Result<(), ()> {
    Ok(())
}

#[retry(stop attempts(3))]
fn missing_equals() -> Result<(), ()> {
    Ok(())
}

#[retry(= 3)]
fn no_key() -> Result<(), ()> {
    Ok(())
}

#[retry(stop = , wait = fixed(1))]
fn empty_value() -> Result<(), ()> {
    Ok(())
}

#[retry(stop = after_delay(5 sec))]
fn spaced_unit() -> Result<(), ()> {
    Ok(())
}

#[retry(stop = attempts(2) && after_delay(1))]
fn doubled_and() -> Result<(), ()> {
    Ok(())
}

fn main() {
    let _ = (number(), dangling(), juxtaposed(), missing_equals(), no_key(), empty_value());
    let _ = (spaced_unit(), doubled_and());
}
