use retry_core::retry;

/// Neither retries anything: an outcome is an error or a value, never both.
#[retry(retry = if_error(|e: &String| e.is_empty()) & if_result(|v: &u32| *v == 0))]
fn conjunction() -> Result<u32, String> {
    Ok(1)
}

#[retry(retry = !(transient | if_result(|v: &u32| *v == 0)))]
fn negated_alternatives() -> Result<u32, std::io::Error> {
    Ok(1)
}

/// Fine: each side negated, a negation within one domain, a mix under `&` with `always`.
#[retry(retry = !transient | !if_result(|v: &u32| *v == 0))]
fn each_side() -> Result<u32, std::io::Error> {
    Ok(1)
}

#[retry(retry = !(transient | if_error(|e: &std::io::Error| e.kind() == std::io::ErrorKind::Other)) & always)]
fn one_domain() -> Result<u32, std::io::Error> {
    Ok(1)
}

fn main() {
    let _ = (conjunction(), negated_alternatives(), each_side(), one_domain());
}
