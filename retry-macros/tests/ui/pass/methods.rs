//! Methods: `&self`, `&mut self`, `self` by value, sync and async, and associated functions.
use retry_core::retry;

#[derive(Debug, Clone, Copy, PartialEq)]
struct Failed;

struct Client {
    calls: u32,
    name: String,
}

impl Client {
    #[retry(stop = attempts(3), wait = none)]
    fn new(name: &str) -> Result<Self, Failed> {
        Ok(Client { calls: 0, name: name.to_owned() })
    }

    #[retry(stop = attempts(3), wait = none)]
    fn name(&self) -> Result<&str, Failed> {
        Ok(&self.name)
    }

    #[retry(stop = attempts(3), wait = none)]
    fn bump(&mut self) -> Result<u32, Failed> {
        self.calls += 1;
        if self.calls < 3 { Err(Failed) } else { Ok(self.calls) }
    }

    #[retry(stop = attempts(3), wait = none)]
    async fn read(&self, key: &str) -> Result<usize, Failed> {
        Ok(key.len() + self.name.len())
    }

    #[retry(stop = attempts(3), wait = none)]
    async fn bump_async(&mut self, by: u32) -> Result<u32, Failed> {
        self.calls += by;
        tokio::task::yield_now().await;
        if self.calls < 10 { Err(Failed) } else { Ok(self.calls) }
    }

    /// `self` by value is fine as long as the body does not move it.
    #[retry(stop = attempts(2), wait = none)]
    fn into_calls(self) -> Result<u32, Failed> {
        Ok(self.calls)
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut client = Client::new("api").unwrap();
    assert_eq!(client.name(), Ok("api"));
    assert_eq!(client.bump(), Ok(3));
    assert_eq!(client.read("k").await, Ok(4));
    assert_eq!(client.bump_async(3).await, Ok(12));
    assert_eq!(client.into_calls(), Ok(12));
}
