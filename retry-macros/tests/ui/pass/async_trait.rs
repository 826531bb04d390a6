//! `async-trait` methods: the retry loop goes inside the boxed future, which stays `Send`.
use async_trait::async_trait;
use retry_core::retry;
use std::sync::atomic::{AtomicU32, Ordering};

#[derive(Debug, PartialEq)]
struct Unavailable;

#[async_trait]
trait Api {
    async fn get(&self, id: u32) -> Result<u32, Unavailable>;

    #[retry(stop = attempts(3), wait = none)]
    async fn get_default(&self, id: u32) -> Result<u32, Unavailable> {
        self.get(id).await
    }
}

struct Client {
    calls: AtomicU32,
}

#[async_trait]
impl Api for Client {
    #[retry(stop = attempts(3), wait = fixed(1ms), retry = if_error(|e| *e == Unavailable))]
    async fn get(&self, id: u32) -> Result<u32, Unavailable> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        if n < 3 {
            return Err(Unavailable);
        }
        Ok(id + n)
    }
}

struct Counter {
    calls: u32,
}

#[async_trait]
trait Bump {
    async fn bump(&mut self, by: u32, label: String) -> Result<u32, String>;
}

#[async_trait]
impl Bump for Counter {
    #[retry(stop = attempts(3), wait = none, clone(label))]
    async fn bump(&mut self, by: u32, label: String) -> Result<u32, String> {
        self.calls += by;
        if self.calls < 3 { Err(label) } else { Ok(self.calls) }
    }
}

fn require_send<T: Send>(value: T) -> T {
    value
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let client = Client { calls: AtomicU32::new(0) };
    assert_eq!(require_send(client.get(10)).await, Ok(13));
    client.calls.store(0, Ordering::SeqCst);
    // The default method retries the (already retrying) `get`: 3 + 0 calls.
    assert_eq!(client.get_default(1).await, Ok(4));
    let mut counter = Counter { calls: 0 };
    assert_eq!(counter.bump(1, "x".to_owned()).await, Ok(3));
}
