use retry_core::retry;

#[retry(retry = if_result(|v| v.is_none()) | if_error(|e| true) | transient)]
fn f() -> Option<u8> {
    None
}

fn main() {
    let _ = f();
}
