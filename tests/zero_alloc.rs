//! Zero allocations on the paths retry-core's own `zero_alloc` tests leave out: async calls
//! through the default tokio sleeper (paused time), the async `Engine` driven by hand, per-attempt
//! timeouts, `call_async_detailed`, calls sharing a retry budget (`static` and `Arc`), and
//! `#[retry]`-annotated sync and async fns on the happy and the retry paths.

use std::cell::Cell;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use retry_core::budget::{RetryQuota, TokenBucket};
use retry_core::stop::attempts;
use retry_core::wait::{exponential, fixed, none, random_exponential};
use retry_core::{RetryError, Retrying, Step, StopReason, retry};

#[path = "../retry-core/tests/support/counting_alloc.rs"]
mod counting_alloc;

use counting_alloc::{allocations, count};

/// A current-thread runtime with paused time: sleeps finish at once, on this thread, so the
/// thread-local counter sees everything the call does.
fn paused_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap()
}

#[derive(Debug, PartialEq)]
struct Busy(u32);

impl std::fmt::Display for Busy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "busy {}", self.0)
    }
}

impl From<retry_core::AttemptTimedOut> for Busy {
    fn from(_: retry_core::AttemptTimedOut) -> Self {
        Busy(0)
    }
}

#[test]
fn the_counter_counts() {
    let (n, boxed) = allocations(|| Box::new(std::hint::black_box(1u64)));
    assert_eq!((n, *boxed), (1, 1));
}

#[test]
fn async_calls_through_the_tokio_sleeper_allocate_nothing() {
    let rt = paused_runtime();
    rt.block_on(async {
        let policy = Retrying::new()
            .stop(attempts(4))
            .wait(random_exponential(0.1, 0, 2));
        // Warm up the thread RNG, tracing's callsites and the timer wheel.
        let _ = policy.call_async(|| async { Err::<(), _>(Busy(1)) }).await;

        let before = count();
        let result = policy.call_async(|| async { Ok::<_, Busy>(5) }).await;
        assert_eq!((count() - before, result), (0, Ok(5)));

        let mut calls = 0;
        let started = tokio::time::Instant::now();
        let before = count();
        let result = policy
            .call_async(|| {
                calls += 1;
                let n = calls;
                async move { if n < 4 { Err(Busy(n)) } else { Ok(n) } }
            })
            .await;
        assert_eq!((count() - before, result), (0, Ok(4)));
        assert!(started.elapsed() > Duration::ZERO);

        let before = count();
        let err = policy
            .call_async_detailed(|| async { Err::<(), _>(Busy(9)) })
            .await
            .unwrap_err();
        assert_eq!(count() - before, 0);
        assert_eq!((err.attempts(), err.reason()), (4, StopReason::Attempts));
    });
}

#[test]
fn the_async_engine_driven_by_hand_allocates_nothing() {
    let rt = paused_runtime();
    rt.block_on(async {
        let policy = Retrying::new()
            .stop(attempts(5))
            .wait(exponential(0.5, 0, 5));
        let _ = policy.call_async(|| async { Err::<(), _>(Busy(1)) }).await;
        let before = count();
        let mut engine = policy.start();
        let mut tries = 0;
        let result = loop {
            engine.before_attempt();
            tries += 1;
            let n = tries;
            let raw = engine
                .guard_attempt(async move { if n < 5 { Err(Busy(n)) } else { Ok(n) } })
                .await;
            let outcome = engine.finish_attempt(raw);
            match engine.on_outcome(outcome) {
                Step::Retry(delay) => engine.sleep(delay).await,
                Step::Done(outcome) => break outcome,
            }
        };
        assert_eq!((count() - before, result), (0, Ok(5)));
        // 0.5 + 1 + 2 + 4 seconds of (paused) sleep.
        assert_eq!(engine.stats().idle_for(), Duration::from_millis(7500));
    });
}

#[test]
fn per_attempt_timeouts_allocate_nothing() {
    let rt = paused_runtime();
    rt.block_on(async {
        let policy = Retrying::new()
            .stop(attempts(3))
            .wait(fixed(1))
            .timeout(Duration::from_secs(2));
        let _ = policy.call_async(|| async { Err::<(), _>(Busy(1)) }).await;

        let before = count();
        let result = policy.call_async(|| async { Ok::<_, Busy>(1) }).await;
        assert_eq!((count() - before, result), (0, Ok(1)));

        // Two attempts time out, the third answers in time.
        let mut calls = 0;
        let before = count();
        let result = policy
            .call_async(|| {
                calls += 1;
                let n = calls;
                async move {
                    let takes = if n < 3 { 60 } else { 1 };
                    tokio::time::sleep(Duration::from_secs(takes)).await;
                    Ok::<_, Busy>(n)
                }
            })
            .await;
        assert_eq!((count() - before, result), (0, Ok(3)));
    });
}

static BUCKET: TokenBucket = match TokenBucket::new(100, 0.5) {
    Ok(bucket) => bucket,
    Err(e) => panic!("{}", e.message()),
};

#[test]
fn calls_sharing_a_budget_allocate_nothing() {
    let with_static = Retrying::new()
        .stop(attempts(3))
        .wait(none())
        .budget(&BUCKET);
    let quota = Arc::new(RetryQuota::new());
    let with_arc = Retrying::new()
        .stop(attempts(3))
        .wait(none())
        .budget(quota.clone());
    let _ = with_static.call(|| Err::<(), _>(Busy(0)));
    let _ = with_arc.call(|| Err::<(), _>(Busy(0)));

    let (n, result) = allocations(|| with_static.call(|| Ok::<_, Busy>(1)));
    assert_eq!((n, result), (0, Ok(1)));
    let (n, result) = allocations(|| with_arc.call(|| Ok::<_, Busy>(2)));
    assert_eq!((n, result), (0, Ok(2)));

    let mut calls = 0;
    let (n, result) = allocations(|| {
        with_arc.call(|| {
            calls += 1;
            if calls < 3 {
                Err(Busy(calls))
            } else {
                Ok(calls)
            }
        })
    });
    assert_eq!((n, result), (0, Ok(3)));
    // The warm-up's 2 retries (10) and this call's 2 (10), with this call's last 5 paid back;
    // the first-try success refunded 1.
    assert_eq!(quota.available(), 500 - 10 + 1 - 10 + 5);

    // The async path with a budget, through the tokio sleeper.
    let rt = paused_runtime();
    rt.block_on(async {
        let before = count();
        let err = with_static
            .call_async_detailed(|| async { Err::<(), _>(Busy(7)) })
            .await
            .unwrap_err();
        assert_eq!(count() - before, 0);
        assert_eq!(err.attempts(), 3);
    });
}

// ---------------------------------------------------------------------------------------------
// `#[retry]`-annotated functions: the expansion (policy built in the fn, engine, loop, sleeps
// awaited in place) allocates nothing either.

/// Fails until the `succeed_at`-th call, counting calls.
fn flaky(calls: &Cell<u32>, succeed_at: u32) -> Result<u32, Busy> {
    calls.set(calls.get() + 1);
    if calls.get() < succeed_at {
        Err(Busy(calls.get()))
    } else {
        Ok(calls.get())
    }
}

/// The bare default: 3 attempts, full jitter from 100 ms (real sleeps, so only its happy path is
/// run in sync code).
#[retry]
fn bare_sync(calls: &Cell<u32>, succeed_at: u32) -> Result<u32, Busy> {
    flaky(calls, succeed_at)
}

/// 1 ms between attempts: the retry path sleeps for real, briefly, through `std::thread::sleep`.
#[retry(stop = attempts(3), wait = fixed(1ms))]
fn fixed_sync(calls: &Cell<u32>, succeed_at: u32) -> Result<u32, Busy> {
    flaky(calls, succeed_at)
}

static DETAILED_BUCKET: TokenBucket = match TokenBucket::new(100, 0.5) {
    Ok(bucket) => bucket,
    Err(e) => panic!("{}", e.message()),
};

/// Every per-call extra a sync fn can have: hooks, a budget, and the final error wrapped.
#[retry(
    stop = attempts(3),
    wait = none,
    before = |_| (),
    after = |s| assert!(s.error().is_some()),
    before_sleep = |s| assert_eq!(s.next_sleep(), Some(Duration::ZERO)),
    budget = &DETAILED_BUCKET,
    name = "detailed_sync",
)]
fn detailed_sync(calls: &Cell<u32>, succeed_at: u32) -> Result<u32, RetryError<Busy>> {
    flaky(calls, succeed_at)
}

#[test]
fn annotated_sync_fns_allocate_nothing() {
    let calls = Cell::new(0);
    // Warm up the thread RNG and tracing's callsites.
    let _ = fixed_sync(&calls, 99);
    let _ = detailed_sync(&calls, 99);

    calls.set(0);
    let (n, result) = allocations(|| bare_sync(&calls, 1));
    assert_eq!((n, result, calls.get()), (0, Ok(1), 1));

    calls.set(0);
    let (n, result) = allocations(|| fixed_sync(&calls, 1));
    assert_eq!((n, result, calls.get()), (0, Ok(1), 1));

    calls.set(0);
    let (n, result) = allocations(|| fixed_sync(&calls, 3));
    assert_eq!((n, result, calls.get()), (0, Ok(3), 3));

    calls.set(0);
    let (n, result) = allocations(|| fixed_sync(&calls, 99));
    assert_eq!((n, result, calls.get()), (0, Err(Busy(3)), 3));

    calls.set(0);
    let (n, result) = allocations(|| detailed_sync(&calls, 2));
    assert_eq!((n, result.ok(), calls.get()), (0, Some(2), 2));

    calls.set(0);
    let (n, result) = allocations(|| detailed_sync(&calls, 99));
    let err = result.unwrap_err();
    assert_eq!(n, 0);
    assert_eq!(
        (
            err.attempts(),
            err.reason(),
            err.stats().name(),
            calls.get()
        ),
        (3, StopReason::Attempts, "detailed_sync", 3)
    );
}

/// The bare default through the tokio sleeper.
#[retry]
async fn bare_async(calls: &AtomicU32, succeed_at: u32) -> Result<u32, Busy> {
    tokio::task::yield_now().await;
    let n = calls.fetch_add(1, Ordering::Relaxed) + 1;
    if n < succeed_at { Err(Busy(n)) } else { Ok(n) }
}

/// Exponential waits and a per-attempt timeout, with the final error wrapped.
#[retry(stop = attempts(4), wait = exponential(1, 2, 10), timeout = 5s)]
async fn timed_async(calls: &AtomicU32, succeed_at: u32) -> Result<u32, RetryError<Busy>> {
    let n = calls.fetch_add(1, Ordering::Relaxed) + 1;
    // The first attempt hangs past its timeout; the others answer at once.
    if n == 1 {
        tokio::time::sleep(Duration::from_secs(60)).await;
    }
    if n < succeed_at { Err(Busy(n)) } else { Ok(n) }
}

#[test]
fn annotated_async_fns_allocate_nothing() {
    let rt = paused_runtime();
    rt.block_on(async {
        let calls = AtomicU32::new(0);
        // Warm up the thread RNG, tracing's callsites and the timer wheel.
        let _ = bare_async(&calls, 99).await;
        let _ = timed_async(&calls, 99).await;

        calls.store(0, Ordering::Relaxed);
        let before = count();
        let result = bare_async(&calls, 1).await;
        assert_eq!((count() - before, result), (0, Ok(1)));

        calls.store(0, Ordering::Relaxed);
        let started = tokio::time::Instant::now();
        let before = count();
        let result = bare_async(&calls, 3).await;
        assert_eq!((count() - before, result), (0, Ok(3)));
        // Two full-jitter sleeps, at most 100 ms and 200 ms.
        assert!(started.elapsed() <= Duration::from_millis(300));

        calls.store(0, Ordering::Relaxed);
        let before = count();
        let result = bare_async(&calls, 99).await;
        assert_eq!((count() - before, result), (0, Err(Busy(3))));

        calls.store(0, Ordering::Relaxed);
        let started = tokio::time::Instant::now();
        let before = count();
        let result = timed_async(&calls, 3).await;
        assert_eq!((count() - before, result.ok()), (0, Some(3)));
        // A 5 s timeout, then sleeps of 2 s and 2 s: clamp(1 * 2^(n-1), 2, 10).
        assert_eq!(started.elapsed(), Duration::from_secs(5 + 2 + 2));

        calls.store(0, Ordering::Relaxed);
        let before = count();
        let err = timed_async(&calls, 99).await.unwrap_err();
        assert_eq!(count() - before, 0);
        assert_eq!(
            (err.attempts(), err.reason(), err.error()),
            (4, StopReason::Attempts, &Busy(4))
        );
    });
}
