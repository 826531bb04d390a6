//! Trait default methods, sync and async, and methods in trait implementations.
use retry_core::retry;
use std::sync::atomic::{AtomicU32, Ordering};

#[derive(Debug, PartialEq)]
struct Unavailable;

trait Source {
    fn calls(&self) -> &AtomicU32;

    #[retry(stop = attempts(3), wait = none)]
    fn fetch(&self) -> Result<u32, Unavailable> {
        let n = self.calls().fetch_add(1, Ordering::SeqCst) + 1;
        if n < 3 { Err(Unavailable) } else { Ok(n) }
    }

    #[retry(stop = attempts(3), wait = none)]
    async fn fetch_async(&self) -> Result<u32, Unavailable> {
        let n = self.calls().fetch_add(1, Ordering::SeqCst) + 1;
        if n < 6 { Err(Unavailable) } else { Ok(n) }
    }

    fn overridden(&self) -> Result<u32, Unavailable>;
}

struct Db(AtomicU32);

impl Source for Db {
    fn calls(&self) -> &AtomicU32 {
        &self.0
    }

    #[retry(stop = attempts(2), wait = none)]
    fn overridden(&self) -> Result<u32, Unavailable> {
        Err(Unavailable)
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let db = Db(AtomicU32::new(0));
    assert_eq!(db.fetch(), Ok(3));
    assert_eq!(db.fetch_async().await, Ok(6));
    assert_eq!(db.overridden(), Err(Unavailable));
}
