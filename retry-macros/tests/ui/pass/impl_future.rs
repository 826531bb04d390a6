//! Functions that return a future built by a trailing `async` block, plain or boxed.
use retry_core::retry;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, Ordering};

#[derive(Debug, PartialEq)]
struct Unavailable;

struct Client {
    calls: AtomicU32,
}

impl Client {
    /// Setup runs once; the trailing block is retried.
    #[retry(stop = attempts(3), wait = none, timeout = 5s)]
    fn fetch(&self, id: u32) -> impl Future<Output = Result<u32, std::io::Error>> + Send + '_ {
        let base = id * 10;
        async move {
            let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
            if n < 3 {
                return Err(std::io::ErrorKind::ConnectionReset.into());
            }
            Ok(base + n)
        }
    }

    #[retry(stop = attempts(3), wait = none)]
    fn boxed(&self) -> Pin<Box<dyn Future<Output = Result<u32, Unavailable>> + Send + '_>> {
        Box::pin(async move {
            let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
            if n % 3 != 0 { Err(Unavailable) } else { Ok(n) }
        })
    }
}

#[retry(stop = attempts(2), wait = none, retry = if_result(|v| v.is_none()))]
fn free(name: &'static str) -> impl Future<Output = Option<usize>> {
    async move { Some(name.len()) }
}

fn require_send<T: Send>(value: T) -> T {
    value
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let client = Client { calls: AtomicU32::new(0) };
    assert_eq!(require_send(client.fetch(4)).await.unwrap(), 43);
    client.calls.store(0, Ordering::SeqCst);
    assert_eq!(client.boxed().await, Ok(3));
    assert_eq!(free("abc").await, Some(3));
}
