//! Static guarantees of `#[retry]`: the future of an annotated async fn is `Send` whenever its
//! body's is, for every shape (free fn, `&self` and `&mut self` methods, generic fn) and with the
//! keys that put more state in the future (`timeout`, `policy = expr`, `budget`, hooks,
//! `on_exhausted`, `sleep`). Each future is checked by `assert_send` (a compile error if it is
//! not `Send`), then spawned on a multi-threaded runtime and run to its exact result.
//!
//! The converse, that a body holding an `Rc` across an `.await` makes the future not `Send`, is
//! the compile-fail case `tests/ui/fail/not_send.rs`.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use retry_core::budget::RetryQuota;
use retry_core::stop::{Attempts, attempts};
use retry_core::testing::TestClock;
use retry_core::wait::{Fixed, fixed};
use retry_core::{AttemptTimedOut, RetryState, Retrying, retry};

#[derive(Debug, Clone, PartialEq, Eq)]
struct Error(u32);

impl From<AttemptTimedOut> for Error {
    fn from(_: AttemptTimedOut) -> Self {
        Error(408)
    }
}

/// A compile-time check: this only type-checks when `T: Send`.
fn assert_send<T: Send>(value: T) -> T {
    value
}

/// Fails until the counter reaches `succeed_at`, yielding across an `.await` first (so the
/// future really is suspended with its state inside).
async fn step(calls: &AtomicU32, succeed_at: u32) -> Result<u32, Error> {
    let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
    tokio::task::yield_now().await;
    if n >= succeed_at {
        Ok(n)
    } else {
        Err(Error(n))
    }
}

#[retry(stop = attempts(3), wait = fixed(1ms))]
async fn free(calls: &AtomicU32) -> Result<u32, Error> {
    step(calls, 2).await
}

#[retry(stop = attempts(4), wait = fixed(1ms), timeout = 1s)]
async fn with_timeout(calls: &AtomicU32) -> Result<u32, Error> {
    step(calls, 3).await
}

static POLICY: LazyLock<Retrying<Attempts, Fixed>> = LazyLock::new(|| {
    Retrying::new()
        .stop(attempts(5))
        .wait(fixed(Duration::from_millis(1)))
});

#[retry(policy = &*POLICY)]
async fn with_policy(calls: &AtomicU32) -> Result<u32, Error> {
    step(calls, 4).await
}

static QUOTA: RetryQuota = RetryQuota::new();

#[retry(
    stop = attempts(3),
    wait = fixed(1ms),
    budget = &QUOTA,
    before = |s| assert!(s.attempt() >= 1),
    after = |s| assert!(s.error().is_some()),
    before_sleep = |s: &RetryState<u32, Error>| assert!(s.next_sleep().is_some()),
    on_exhausted = |s| Err(Error(s.attempt() * 100)),
    sleep = clock.clone(),
)]
async fn with_hooks(clock: &TestClock, calls: &AtomicU32) -> Result<u32, Error> {
    step(calls, 10).await
}

#[retry(stop = attempts(3), wait = fixed(1ms))]
async fn generic<T: Clone + Send + Sync>(value: &T, calls: &AtomicU32) -> Result<T, Error> {
    step(calls, 2).await.map(|_| value.clone())
}

struct Service {
    calls: AtomicU32,
    total: u32,
}

impl Service {
    #[retry(stop = attempts(3), wait = fixed(1ms), timeout = 1s)]
    async fn by_ref(&self, prompt: &str) -> Result<usize, Error> {
        step(&self.calls, 2).await.map(|_| prompt.len())
    }

    #[retry(stop = attempts(3), wait = fixed(1ms))]
    async fn by_mut(&mut self, by: u32) -> Result<u32, Error> {
        self.total += by;
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        tokio::task::yield_now().await;
        if n < 3 { Err(Error(n)) } else { Ok(self.total) }
    }
}

/// For every `T` the bounds allow, not just the one the test runs with.
fn generic_future_is_send<T: Clone + Send + Sync>(value: &T, calls: &AtomicU32) {
    // Made and dropped unpolled: the check is the type's.
    drop(assert_send(generic(value, calls)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn annotated_futures_are_send_and_run_on_any_worker() {
    // Borrowing futures: checked, then awaited here.
    let calls = AtomicU32::new(0);
    assert_eq!(assert_send(free(&calls)).await, Ok(2));
    let calls = AtomicU32::new(0);
    assert_eq!(assert_send(with_timeout(&calls)).await, Ok(3));
    let calls = AtomicU32::new(0);
    assert_eq!(assert_send(with_policy(&calls)).await, Ok(4));
    let (clock, calls) = (TestClock::new(), AtomicU32::new(0));
    assert_eq!(
        assert_send(with_hooks(&clock, &calls)).await,
        Err(Error(300))
    );
    assert_eq!(clock.sleeps(), [Duration::from_millis(1); 2]);
    let calls = AtomicU32::new(0);
    generic_future_is_send(&"x".to_string(), &calls);
    assert_eq!(
        assert_send(generic(&vec![1u8, 2], &calls)).await,
        Ok(vec![1, 2])
    );
    let mut service = Service {
        calls: AtomicU32::new(0),
        total: 0,
    };
    assert_eq!(assert_send(service.by_ref("hello")).await, Ok(5));
    service.calls.store(0, Ordering::SeqCst);
    assert_eq!(assert_send(service.by_mut(2)).await, Ok(6));

    // Owned futures: spawned, so they move between worker threads.
    let shared = Arc::new(Service {
        calls: AtomicU32::new(0),
        total: 0,
    });
    let task = {
        let shared = shared.clone();
        tokio::spawn(async move { shared.by_ref("spawned").await })
    };
    assert_eq!(task.await.unwrap(), Ok(7));
    assert_eq!(shared.calls.load(Ordering::SeqCst), 2);
    let task = tokio::spawn(async {
        let calls = AtomicU32::new(0);
        let mut service = Service {
            calls: AtomicU32::new(0),
            total: 10,
        };
        (with_policy(&calls).await, service.by_mut(1).await)
    });
    assert_eq!(task.await.unwrap(), (Ok(4), Ok(13)));
}
