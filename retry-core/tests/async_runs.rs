//! Async runs under paused tokio time: exact virtual durations, per-call state under concurrency,
//! per-attempt timeouts, and futures that stay `Send`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use retry_core::condition::transient;
use retry_core::stop::{attempts, before_delay};
use retry_core::wait::{exponential, fixed, random};
use retry_core::{Retrying, StopReason};
use tokio::time::Instant;

fn assert_send<T: Send>(value: T) -> T {
    value
}

#[tokio::test(start_paused = true)]
async fn exponential_one_two_ten_over_five_attempts_takes_sixteen_seconds() {
    let calls = AtomicU32::new(0);
    let policy = Retrying::new()
        .stop(attempts(5))
        .wait(exponential(1, 2, 10));
    let start = Instant::now();
    let result: Result<(), &str> = policy
        .call_async(|| async {
            calls.fetch_add(1, Ordering::Relaxed);
            Err("down")
        })
        .await;
    assert_eq!(result, Err("down"));
    assert_eq!(calls.load(Ordering::Relaxed), 5);
    assert_eq!(start.elapsed(), Duration::from_secs(2 + 2 + 4 + 8));
}

#[tokio::test(start_paused = true)]
async fn closures_may_mutate_captured_state_between_attempts() {
    let mut tries = Vec::new();
    let policy = Retrying::new().stop(attempts(4)).wait(fixed(0.5));
    let start = Instant::now();
    let result = policy
        .call_async(|| {
            tries.push(start.elapsed());
            let n = tries.len();
            async move { if n < 3 { Err(n) } else { Ok(n) } }
        })
        .await;
    assert_eq!(result, Ok(3));
    assert_eq!(tries, [0, 500, 1000].map(Duration::from_millis).to_vec());
}

#[tokio::test(start_paused = true)]
async fn spawned_calls_are_send_and_keep_separate_counts() {
    let policy = Arc::new(
        Retrying::new()
            .stop(attempts(6))
            .wait(fixed(1) + random(0, 1)),
    );
    let total = Arc::new(AtomicU32::new(0));
    let tasks: Vec<_> = (0..20u32)
        .map(|i| {
            let (policy, total) = (policy.clone(), total.clone());
            tokio::spawn(async move {
                let mine = Arc::new(AtomicU32::new(0));
                let result = policy
                    .call_async_detailed(|| {
                        let (mine, total) = (mine.clone(), total.clone());
                        async move {
                            total.fetch_add(1, Ordering::Relaxed);
                            let n = mine.fetch_add(1, Ordering::Relaxed) + 1;
                            tokio::task::yield_now().await;
                            if n < 1 + i % 5 { Err("again") } else { Ok(n) }
                        }
                    })
                    .await;
                (i, result.map_err(|e| e.attempts()))
            })
        })
        .collect();
    for task in tasks {
        let (i, result) = task.await.unwrap();
        assert_eq!(result, Ok(1 + i % 5));
    }
    assert_eq!(total.load(Ordering::Relaxed), 4 * (1 + 2 + 3 + 4 + 5));
    let borrowed = 7u32;
    let fut = assert_send(policy.call_async(|| async { Ok::<_, &str>(borrowed) }));
    assert_eq!(fut.await, Ok(7));
}

#[tokio::test(start_paused = true)]
async fn a_per_attempt_timeout_cancels_slow_attempts_and_retries_them() {
    let calls = AtomicU32::new(0);
    let policy = Retrying::new()
        .stop(attempts(3))
        .wait(fixed(1))
        .retry(transient())
        .timeout(Duration::from_secs(2));
    let start = Instant::now();
    let result: Result<u32, std::io::Error> = policy
        .call_async(|| async {
            let n = calls.fetch_add(1, Ordering::Relaxed) + 1;
            if n < 3 {
                tokio::time::sleep(Duration::from_secs(60)).await;
            }
            Ok(n)
        })
        .await;
    assert_eq!(result.unwrap(), 3);
    // Two attempts cut at 2 s, two 1 s sleeps, one instant success.
    assert_eq!(start.elapsed(), Duration::from_secs(2 + 1 + 2 + 1));

    let err = policy
        .call_async_detailed(|| async {
            tokio::time::sleep(Duration::from_secs(60)).await;
            Ok::<(), std::io::Error>(())
        })
        .await
        .unwrap_err();
    assert_eq!(err.attempts(), 3);
    assert_eq!(err.reason(), StopReason::Attempts);
    assert_eq!(err.error().kind(), std::io::ErrorKind::TimedOut);
}

#[tokio::test(start_paused = true)]
async fn before_delay_never_sleeps_past_the_deadline() {
    let policy = Retrying::new()
        .stop(before_delay(10))
        .wait(exponential(1, 0, 100));
    let start = Instant::now();
    let err = policy
        .call_async_detailed(|| async {
            tokio::time::sleep(Duration::from_millis(300)).await;
            Err::<(), _>("slow failure")
        })
        .await
        .unwrap_err();
    // Outcomes at 0.3, 1.6, 3.9, 8.2 s; the next sleep (8 s) would cross 10 s.
    assert_eq!(err.attempts(), 4);
    assert_eq!(err.reason(), StopReason::Deadline);
    assert_eq!(start.elapsed(), Duration::from_millis(8_200));
}

#[tokio::test(start_paused = true)]
async fn dropping_the_future_stops_further_attempts() {
    let calls = Arc::new(AtomicU32::new(0));
    let policy = Retrying::new().stop(attempts(100)).wait(fixed(10));
    let counted = calls.clone();
    let task = tokio::spawn(async move {
        policy
            .call_async(|| {
                counted.fetch_add(1, Ordering::Relaxed);
                async { Err::<(), _>("down") }
            })
            .await
    });
    tokio::time::sleep(Duration::from_secs(25)).await;
    task.abort();
    let _ = task.await;
    let seen = calls.load(Ordering::Relaxed);
    assert_eq!(seen, 3, "attempts at 0, 10 and 20 s");
    tokio::time::sleep(Duration::from_secs(100)).await;
    assert_eq!(calls.load(Ordering::Relaxed), seen);
}
