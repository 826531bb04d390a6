//! An async function: each attempt is an async block awaited in place, and so is each sleep.
use retry_core::retry;
use std::io;

#[retry(stop = attempts(3), wait = fixed(2s), retry = transient, timeout = 1s)]
async fn fetch(url: &str) -> io::Result<String> {
    if url.is_empty() {
        return Err(io::ErrorKind::InvalidInput.into());
    }
    let body = download(url).await?;
    Ok(body)
}

async fn download(url: &str) -> io::Result<String> {
    tokio::task::yield_now().await;
    Ok(format!("contents of {url}"))
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let err = fetch("").await.unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    assert_eq!(fetch("a").await.unwrap(), "contents of a");
}
