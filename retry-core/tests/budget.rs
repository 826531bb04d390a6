//! Budgets shared across threads and tasks (no lost updates), and budgets driving the engine.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use retry_core::budget::{FailureKind, RetryBudget, RetryPermit, RetryQuota, TokenBucket};
use retry_core::stop::attempts;
use retry_core::testing::TestClock;
use retry_core::wait::{fixed, none};
use retry_core::{RetryError, RetryState, Retrying, StopReason};

const THREADS: u32 = 8;

fn on_threads(f: impl Fn() + Sync) {
    std::thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(&f);
        }
    });
}

#[test]
fn token_bucket_loses_no_update_across_threads() {
    let bucket = TokenBucket::new(1000, 0.25).unwrap();
    // 8 x 100 failures: 800 tokens taken, none clamped.
    on_threads(|| {
        for _ in 0..100 {
            bucket.on_failure(FailureKind::Error);
        }
    });
    assert_eq!(bucket.milli_tokens(), 200_000);
    // 8 x 200 successes of 0.25: 400 tokens back.
    on_threads(|| {
        for _ in 0..200 {
            bucket.on_success(None);
        }
    });
    assert_eq!(bucket.milli_tokens(), 600_000);
    // Mixed: each thread takes 50 and gives back 4 x 50 x 0.25 = 50: no net change.
    on_threads(|| {
        for _ in 0..50 {
            bucket.on_failure(FailureKind::Error);
            for _ in 0..4 {
                bucket.on_success(None);
            }
        }
    });
    assert_eq!(bucket.milli_tokens(), 600_000);
    // 8 x 1000 failures empty it and clamp at zero.
    on_threads(|| {
        for _ in 0..1000 {
            bucket.on_failure(FailureKind::Error);
        }
    });
    assert_eq!(bucket.milli_tokens(), 0);
}

#[test]
fn retry_quota_grants_exactly_its_capacity_across_threads() {
    let quota = RetryQuota::new();
    let granted = AtomicU32::new(0);
    let permits = std::sync::Mutex::new(Vec::new());
    // 8 x 50 requests for 400 retries: 500 / 5 = 100 are granted, whatever the interleaving.
    on_threads(|| {
        let mut mine = Vec::new();
        for _ in 0..50 {
            if let Some(p) = quota.try_retry(FailureKind::Error) {
                granted.fetch_add(1, Ordering::Relaxed);
                mine.push(p);
            }
        }
        permits.lock().unwrap().extend(mine);
    });
    assert_eq!(granted.load(Ordering::Relaxed), 100);
    assert_eq!(quota.available(), 0);
    // Pay every permit back concurrently: exactly full again.
    let permits = permits.into_inner().unwrap();
    let chunks: Vec<&[RetryPermit]> = permits.chunks(13).collect();
    std::thread::scope(|s| {
        for chunk in &chunks {
            s.spawn(|| {
                for p in *chunk {
                    quota.on_success(Some(*p));
                }
            });
        }
    });
    assert_eq!(quota.available(), 500);
    // 8 threads x (20 timeout retries refunded by successes): no net change.
    on_threads(|| {
        for _ in 0..20 {
            let p = quota.try_retry(FailureKind::Timeout).unwrap();
            quota.on_success(Some(p));
        }
    });
    assert_eq!(quota.available(), 500);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn budgets_lose_no_update_across_tasks() {
    let bucket = Arc::new(TokenBucket::new(1000, 0.5).unwrap());
    let quota = Arc::new(RetryQuota::new());
    let granted = Arc::new(AtomicU32::new(0));
    let tasks: Vec<_> = (0..200)
        .map(|_| {
            let (bucket, quota, granted) = (bucket.clone(), quota.clone(), granted.clone());
            tokio::spawn(async move {
                for _ in 0..4 {
                    bucket.on_failure(FailureKind::Error);
                    tokio::task::yield_now().await;
                    if quota.try_retry(FailureKind::Error).is_some() {
                        granted.fetch_add(1, Ordering::Relaxed);
                    }
                    tokio::task::yield_now().await;
                }
                bucket.on_success(None);
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    // 800 failures, 200 successes of 0.5: 1000 - 800 + 100.
    assert_eq!(bucket.milli_tokens(), 300_000);
    assert_eq!(granted.load(Ordering::Relaxed), 100);
    assert_eq!(quota.available(), 0);
}

/// 64 concurrent calls that always fail, 3 attempts each, share one AWS quota: exactly 100
/// retries are granted (500 / 5), so exactly 164 attempts run, whatever the interleaving.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_calls_share_one_quota() {
    let quota = Arc::new(RetryQuota::new());
    let attempts_made = Arc::new(AtomicU32::new(0));
    let policy = Arc::new(
        Retrying::new()
            .stop(attempts(3))
            .wait(none())
            .budget(quota.clone()),
    );
    let calls: Vec<_> = (0..64)
        .map(|_| {
            let (policy, attempts_made) = (policy.clone(), attempts_made.clone());
            tokio::spawn(async move {
                policy
                    .call_async_detailed(|| {
                        attempts_made.fetch_add(1, Ordering::Relaxed);
                        async {
                            tokio::task::yield_now().await;
                            Err::<(), _>("down")
                        }
                    })
                    .await
                    .unwrap_err()
            })
        })
        .collect();
    let mut by_budget = 0;
    let mut retries = 0;
    for call in calls {
        let err = call.await.unwrap();
        retries += err.attempts() - 1;
        match err.reason() {
            StopReason::Budget => by_budget += 1,
            StopReason::Attempts => assert_eq!(err.attempts(), 3),
            other => panic!("unexpected reason {other:?}"),
        }
    }
    assert_eq!(attempts_made.load(Ordering::Relaxed), 164);
    assert_eq!(retries, 100);
    assert_eq!(quota.available(), 0);
    // 100 retries among 64 calls of at most 2: at least 14 calls were refused.
    assert!(by_budget >= 14, "{by_budget}");
}

static SHARED_BUCKET: TokenBucket = match TokenBucket::new(10, 0.5) {
    Ok(bucket) => bucket,
    Err(e) => panic!("{}", e.message()),
};

/// A `static` bucket (max 10, ratio 0.5) across sequential calls: the engine charges each failed
/// attempt, stops with `Budget` once the bucket is at half, returns the last outcome as it is,
/// and refills on success.
#[test]
fn a_static_token_bucket_stops_calls_with_budget() {
    let clock = TestClock::new();
    let policy = Retrying::new()
        .stop(attempts(3))
        .wait(fixed(1))
        .sleeper(clock.clone())
        .budget(&SHARED_BUCKET);
    let mut n = 0;
    let mut failing = || {
        n += 1;
        Err::<(), _>(format!("failure {n}"))
    };
    // Call 1: 10 -> 9 (retry) -> 8 (retry) -> 7, attempts exhausted.
    let err = policy.call_detailed(&mut failing).unwrap_err();
    assert_eq!((err.attempts(), err.reason()), (3, StopReason::Attempts));
    assert_eq!(SHARED_BUCKET.milli_tokens(), 7_000);
    // Call 2: 7 -> 6 (retry) -> 5: not above half, refused after attempt 2.
    let err: RetryError<String> = policy.call_detailed(&mut failing).unwrap_err();
    assert_eq!((err.attempts(), err.reason()), (2, StopReason::Budget));
    assert_eq!(err.error(), "failure 5");
    assert_eq!(
        err.to_string(),
        "gave up after 2 attempts in 1s (retry budget exhausted): failure 5"
    );
    assert_eq!(SHARED_BUCKET.milli_tokens(), 5_000);
    // Plain `call` returns the last error unchanged: 5 -> 4, refused at once.
    assert_eq!(policy.call(&mut failing), Err("failure 6".to_string()));
    assert_eq!(SHARED_BUCKET.milli_tokens(), 4_000);
    // Four first-try successes refill 2 tokens: 6 > 5, so a retry is allowed again.
    for _ in 0..4 {
        assert_eq!(policy.call(|| Ok::<_, String>(1)), Ok(1));
    }
    assert_eq!(SHARED_BUCKET.milli_tokens(), 6_000);
    let mut tries = 0;
    let result = policy.call(|| {
        tries += 1;
        if tries < 2 {
            Err("flaky".to_string())
        } else {
            Ok(tries)
        }
    });
    // 6 -> 5 is not above half: the retry is refused even though the next attempt would work.
    assert_eq!(result, Err("flaky".to_string()));
    assert_eq!(SHARED_BUCKET.milli_tokens(), 5_000);
    assert_eq!(clock.sleeps(), [Duration::from_secs(1); 3]);
}

/// The AWS quota through the engine: retries are charged, a success after retries returns the
/// last retry's cost, and a retry after a timed-out attempt is charged 10.
#[tokio::test(start_paused = true)]
async fn the_retry_quota_through_the_engine() {
    let quota = Arc::new(RetryQuota::with_costs(12, 5, 10, 1).unwrap());
    let failed = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = failed.clone();
    let policy = Retrying::new()
        .stop(attempts(5))
        .wait(fixed(1))
        .timeout(Duration::from_secs(2))
        .budget(quota.clone())
        .after(move |s: &RetryState<u32, std::io::Error>| {
            seen.lock().unwrap().push(s.attempt());
        });

    // Fails twice, then succeeds: 12 -> 7 -> 2, then the last retry's 5 comes back: 7.
    let mut n = 0;
    let result = policy
        .call_async(|| {
            n += 1;
            let n = n;
            async move {
                if n < 3 {
                    Err(std::io::Error::other("busy"))
                } else {
                    Ok(n)
                }
            }
        })
        .await;
    assert_eq!(result.unwrap(), 3);
    assert_eq!(quota.available(), 7);

    // A timed-out attempt costs 10, which 7 cannot pay: refused after the first attempt.
    let started = tokio::time::Instant::now();
    let err = policy
        .call_async_detailed(|| async {
            tokio::time::sleep(Duration::from_secs(60)).await;
            Ok(0)
        })
        .await
        .unwrap_err();
    assert_eq!((err.attempts(), err.reason()), (1, StopReason::Budget));
    assert_eq!(err.error().kind(), std::io::ErrorKind::TimedOut);
    assert_eq!(started.elapsed(), Duration::from_secs(2));
    assert_eq!(quota.available(), 7);
    // The `after` hook saw attempts 1 and 2 of the first call and the timed-out attempt.
    assert_eq!(*failed.lock().unwrap(), [1, 2, 1]);
}

/// `Engine::with_budget` (what `#[retry(budget = ..)]` expands to) overrides the policy's.
#[test]
fn the_engine_takes_a_budget_by_reference() {
    use retry_core::Step;
    let policy = Retrying::new().stop(attempts(10)).wait(none());
    let quota = RetryQuota::with_costs(10, 5, 5, 0).unwrap();
    let mut engine = policy.start().with_budget(&quota);
    let mut attempt = 0;
    let outcome: Result<(), u32> = loop {
        engine.before_attempt();
        attempt += 1;
        match engine.on_outcome(Err(attempt)) {
            Step::Retry(d) => assert_eq!(d, Duration::ZERO),
            Step::Done(outcome) => break outcome,
        }
    };
    assert_eq!(outcome, Err(3));
    assert_eq!(engine.retry_error(3).reason(), StopReason::Budget);
    assert!(engine.is_exhausted());
    assert_eq!(quota.available(), 0);
}
