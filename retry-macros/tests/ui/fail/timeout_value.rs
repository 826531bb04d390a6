use retry_core::retry;

#[retry(timeout = 0, retry = if_result(|v| v.is_none()))]
async fn f() -> Option<u8> {
    None
}

fn main() {
    let _ = f();
}
