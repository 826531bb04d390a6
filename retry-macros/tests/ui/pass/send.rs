//! Retried futures are `Send` whenever their bodies are, hooks and all, so they can be spawned.
use retry_core::retry;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

#[derive(Debug)]
struct Error(String);

struct Service {
    calls: AtomicU32,
}

impl Service {
    #[retry(
        stop = attempts(3),
        wait = exponential(1ms, 0, 10ms) + random(0, 1ms),
        retry = if_error(|e| !e.0.is_empty()),
        before_sleep = |s| tracing::warn!(attempt = s.attempt(), "retrying"),
        timeout = 1s,
    )]
    async fn call(&self, prompt: &str) -> Result<usize, Error> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        tokio::task::yield_now().await;
        if n < 2 { Err(Error(prompt.to_owned())) } else { Ok(prompt.len()) }
    }
}

impl From<retry_core::AttemptTimedOut> for Error {
    fn from(e: retry_core::AttemptTimedOut) -> Self {
        Error(e.to_string())
    }
}

#[tokio::main]
async fn main() {
    let service = Arc::new(Service { calls: AtomicU32::new(0) });
    let s = service.clone();
    let handle = tokio::spawn(async move { s.call("hello").await });
    assert_eq!(handle.await.unwrap().unwrap(), 5);
    assert_eq!(service.calls.load(Ordering::SeqCst), 3);
}
