use retry_core::retry;

#[retry(wait = fixed(f64::NAN) + random(0, std::f32::INFINITY), stop = before_delay(f64::NEG_INFINITY))]
fn f() -> Result<(), ()> {
    Ok(())
}

#[retry(wait = exponential(1, 0, 10, base = f64::INFINITY))]
fn g() -> Result<(), ()> {
    Ok(())
}

fn main() {
    let _ = (f(), g());
}
