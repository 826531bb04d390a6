//! Methods: `&mut self` async with `RetryError`, and `&self` sync with `if_result` on `Option`.
use retry_core::{RetryError, retry};

pub struct Client {
    pub calls: u32,
}

impl Client {
    #[retry(stop = attempts(3), wait = none)]
    pub async fn call(&mut self, prompt: &str) -> Result<String, RetryError<String>> {
        self.calls += 1;
        Err(format!("{prompt}: unavailable"))
    }

    #[retry(stop = attempts(2), wait = none, retry = if_result(|r| r.is_none()))]
    pub fn lookup(&self, key: u32) -> Option<u32> {
        (key > 10).then_some(key)
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut client = Client { calls: 0 };
    let err = client.call("hi").await.unwrap_err();
    assert_eq!((err.attempts(), client.calls), (3, 3));
    assert_eq!(client.lookup(3), None);
}
