use retry_core::Retrying;
use std::fmt;
use std::time::Duration;

#[derive(Debug)]
struct ApiError;

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("api error")
    }
}

async fn fetch() -> Result<u32, ApiError> {
    Retrying::new()
        .timeout(Duration::from_secs(30))
        .call_async(|| async { Err(ApiError) })
        .await
}

fn main() {
    let _ = fetch();
}
