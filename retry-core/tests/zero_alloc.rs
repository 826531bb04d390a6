//! The engine allocates nothing per call or per attempt: a counting global allocator proves it for
//! the sync and async drivers, on the happy path and on the retry path.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use retry_core::condition::if_error;
use retry_core::sleep;
use retry_core::stop::{after_delay, attempts};
use retry_core::wait::{decorrelated_jitter, exponential, random_exponential};
use retry_core::{Retrying, Step};

#[path = "support/counting_alloc.rs"]
mod counting_alloc;

use counting_alloc::allocations;

/// Polls a future that never waits for real (its sleeps are no-ops) to completion.
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
}

#[test]
fn the_counter_counts() {
    let (n, boxed) = allocations(|| Box::new(std::hint::black_box(1u64)));
    assert_eq!((n, *boxed), (1, 1));
}

#[test]
fn sync_calls_allocate_nothing() {
    let policy = Retrying::new()
        .stop(attempts(4) | after_delay(60))
        .wait(random_exponential(0.1, 0, 2) + decorrelated_jitter(0.01, 1))
        .retry(if_error(|e: &u32| *e != 0))
        .sleeper(sleep::from_fn(|_: Duration| {}))
        .before_sleep(|s: &retry_core::RetryState<u32, u32>| {
            std::hint::black_box(s.attempt());
        });
    // Warm up thread-locals (the thread RNG that seeds jitter, tracing's callsite cache).
    let _ = policy.call(|| Err::<u32, u32>(1));

    let (n, result) = allocations(|| policy.call(|| Ok::<u32, u32>(7)));
    assert_eq!((n, result), (0, Ok(7)));

    let mut calls = 0;
    let (n, result) = allocations(|| {
        policy.call(|| {
            calls += 1;
            if calls < 4 { Err(calls) } else { Ok(calls) }
        })
    });
    assert_eq!((n, result), (0, Ok(4)));

    let (n, result) = allocations(|| policy.call(|| Err::<u32, u32>(9)));
    assert_eq!((n, result), (0, Err(9)));

    let (n, err) = allocations(|| policy.call_detailed(|| Err::<u32, u32>(3)));
    assert_eq!(n, 0);
    assert_eq!(err.unwrap_err().attempts(), 4);
}

#[test]
fn async_calls_allocate_nothing() {
    let policy = Retrying::new()
        .stop(attempts(3))
        .wait(exponential(1, 0, 5))
        .sleeper(sleep::from_fn(|_: Duration| std::future::ready(())));
    let _ = block_on(policy.call_async(|| async { Err::<(), &str>("warm up") }));

    let (n, result) = allocations(|| block_on(policy.call_async(|| async { Ok::<_, &str>(1) })));
    assert_eq!((n, result), (0, Ok(1)));

    let mut calls = 0;
    let (n, result) = allocations(|| {
        block_on(policy.call_async(|| {
            calls += 1;
            let n = calls;
            async move { if n < 3 { Err("again") } else { Ok(n) } }
        }))
    });
    assert_eq!((n, result), (0, Ok(3)));
}

#[test]
fn the_manual_engine_allocates_nothing() {
    let policy = Retrying::new()
        .stop(attempts(5))
        .wait(exponential(0.5, 0, 5))
        .sleeper(sleep::from_fn(|_: Duration| {}));
    let _ = policy.call(|| Err::<(), &str>("warm up"));
    let (n, result) = allocations(|| {
        let mut engine = policy.start();
        let mut tries = 0;
        loop {
            engine.before_attempt();
            tries += 1;
            let outcome = if tries < 5 { Err("x") } else { Ok(tries) };
            match engine.on_outcome(outcome) {
                Step::Retry(d) => engine.sleep_blocking(d),
                Step::Done(o) => break o,
            }
        }
    });
    assert_eq!((n, result), (0, Ok(5)));
}
