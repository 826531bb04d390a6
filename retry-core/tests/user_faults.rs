//! Faults in user code: a panic in a hook, a retry predicate, a wait or stop closure, or the
//! operation itself propagates unchanged to the caller. It is never swallowed and never turned
//! into a retry: the call counts below show that no attempt and no sleep follows a panic, and
//! the policy works normally for the next call.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind, panic_any};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use retry_core::condition::{if_error, retry_if};
use retry_core::hooks::Hooks;
use retry_core::stop::{attempts, stop_if};
use retry_core::testing::TestClock;
use retry_core::timeout::NoTimeout;
use retry_core::wait::{fixed, from_fn};
use retry_core::{RetryState, RetryStats, Retrying};

type State = RetryState<u32, String>;

/// The payload of a panic, as text.
fn message(payload: Box<dyn Any + Send>) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        panic!("unexpected panic payload")
    }
}

#[track_caller]
fn panic_message<R>(f: impl FnOnce() -> R) -> String {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(_) => panic!("expected a panic"),
        Err(payload) => message(payload),
    }
}

/// A counter the operation bumps; fails until `succeed_at`.
fn op(calls: &AtomicU32, succeed_at: u32) -> impl FnMut() -> Result<u32, String> + '_ {
    move || {
        let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
        if n >= succeed_at {
            Ok(n)
        } else {
            Err(format!("failure {n}"))
        }
    }
}

#[test]
fn a_panicking_before_hook_propagates_before_the_attempt_runs() {
    let clock = TestClock::new();
    let policy = Retrying::new()
        .stop(attempts(5))
        .wait(fixed(1))
        .sleeper(clock.clone())
        .before(|s: &State| {
            if s.attempt() == 2 {
                panic!("before hook failed at {}", s.attempt());
            }
        });
    let calls = AtomicU32::new(0);
    assert_eq!(
        panic_message(|| policy.call(op(&calls, 10))),
        "before hook failed at 2"
    );
    // Attempt 1 ran and failed, the loop slept, and the hook panicked before attempt 2.
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(clock.sleeps(), [Duration::from_secs(1)]);
    // The policy holds no state from the aborted call.
    calls.store(0, Ordering::SeqCst);
    assert_eq!(policy.call(op(&calls, 1)), Ok(1));
}

#[test]
fn a_panicking_after_hook_propagates_instead_of_retrying() {
    let clock = TestClock::new();
    let sleeps_announced = AtomicU32::new(0);
    let policy = Retrying::new()
        .stop(attempts(5))
        .wait(fixed(1))
        .sleeper(clock.clone())
        .after(|_: &State| panic!("after hook failed"))
        .before_sleep(|_: &State| {
            sleeps_announced.fetch_add(1, Ordering::SeqCst);
        });
    let calls = AtomicU32::new(0);
    assert_eq!(
        panic_message(|| policy.call(op(&calls, 10))),
        "after hook failed"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(sleeps_announced.load(Ordering::SeqCst), 0);
    assert!(clock.sleeps().is_empty());
    // A first-try success never runs `after`, so it is unaffected.
    calls.store(0, Ordering::SeqCst);
    assert_eq!(policy.call(op(&calls, 1)), Ok(1));
}

#[test]
fn a_panicking_before_sleep_hook_propagates_before_the_sleep() {
    let clock = TestClock::new();
    let policy = Retrying::new()
        .stop(attempts(5))
        .wait(fixed(1))
        .sleeper(clock.clone())
        .before_sleep(|s: &State| panic_any(s.attempt()));
    let calls = AtomicU32::new(0);
    let payload = catch_unwind(AssertUnwindSafe(|| policy.call(op(&calls, 10)))).unwrap_err();
    // The payload is the hook's own, not a wrapper.
    assert_eq!(payload.downcast_ref::<u32>(), Some(&1));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert!(clock.sleeps().is_empty());
}

#[test]
fn a_panicking_retry_predicate_propagates_instead_of_deciding() {
    let clock = TestClock::new();
    let policy = Retrying::new()
        .stop(attempts(5))
        .wait(fixed(1))
        .sleeper(clock.clone())
        .retry(if_error(|e: &String| {
            assert_ne!(e, "failure 2", "predicate failed");
            true
        }));
    let calls = AtomicU32::new(0);
    let text = panic_message(|| policy.call(op(&calls, 10)));
    assert!(text.contains("predicate failed"), "{text}");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert_eq!(clock.sleeps(), [Duration::from_secs(1)]);

    // A predicate over whole outcomes that panics on a value.
    let policy = Retrying::new()
        .stop(attempts(5))
        .sleeper(TestClock::new())
        .retry(retry_if(|r: &Result<u32, String>| match r {
            Ok(_) => panic!("predicate saw a value"),
            Err(_) => true,
        }));
    let calls = AtomicU32::new(0);
    assert_eq!(
        panic_message(|| policy.call(op(&calls, 3))),
        "predicate saw a value"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[test]
fn a_panicking_wait_closure_propagates_before_any_sleep() {
    let clock = TestClock::new();
    let policy = Retrying::new()
        .stop(attempts(5))
        .wait(
            fixed(1)
                + from_fn(|s: &State| {
                    if s.attempt() == 2 {
                        panic!("wait failed");
                    }
                    Duration::ZERO
                }),
        )
        .sleeper(clock.clone());
    let calls = AtomicU32::new(0);
    assert_eq!(panic_message(|| policy.call(op(&calls, 10))), "wait failed");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert_eq!(clock.sleeps(), [Duration::from_secs(1)]);
}

#[test]
fn a_panicking_stop_closure_propagates_instead_of_stopping_or_retrying() {
    let clock = TestClock::new();
    let policy = Retrying::new()
        .stop(attempts(5) | stop_if(|s: &RetryStats| panic!("stop failed at {}", s.attempt())))
        .wait(fixed(1))
        .sleeper(clock.clone());
    let calls = AtomicU32::new(0);
    assert_eq!(
        panic_message(|| policy.call(op(&calls, 10))),
        "stop failed at 1"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert!(clock.sleeps().is_empty());
}

#[test]
fn a_panicking_operation_is_not_retried() {
    let clock = TestClock::new();
    let policy = Retrying::new()
        .stop(attempts(5))
        .wait(fixed(1))
        .sleeper(clock.clone());
    let calls = AtomicU32::new(0);
    let text = panic_message(|| {
        policy.call(|| -> Result<u32, String> {
            calls.fetch_add(1, Ordering::SeqCst);
            panic!("operation failed")
        })
    });
    assert_eq!(text, "operation failed");
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert!(clock.sleeps().is_empty());

    // A panic after a retryable failure: two calls, one sleep, nothing after.
    let calls = AtomicU32::new(0);
    let text = panic_message(|| {
        policy.call_detailed(|| -> Result<u32, String> {
            let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
            if n == 2 {
                panic!("operation failed on {n}");
            }
            Err("retry me".into())
        })
    });
    assert_eq!(text, "operation failed on 2");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert_eq!(clock.sleeps(), [Duration::from_secs(1)]);
}

// ---------------------------------------------------------------------------------------------
// Async: the panic comes back as the spawned task's JoinError.

type AsyncState = RetryState<u32, String>;

/// Spawns `call_async` of an operation that counts its calls and fails until `succeed_at`;
/// returns the panic message and the number of calls.
async fn spawned_panic<P: CallAsync + Send + Sync + 'static>(
    policy: P,
    succeed_at: u32,
) -> (String, u32) {
    let calls = Arc::new(AtomicU32::new(0));
    let counted = calls.clone();
    let joined = tokio::spawn(async move { policy.run(counted, succeed_at).await }).await;
    let error = joined.expect_err("the task should have panicked");
    assert!(error.is_panic());
    (message(error.into_panic()), calls.load(Ordering::SeqCst))
}

/// `call_async` for any of the policies below, with the counting operation.
trait CallAsync {
    fn run(
        &self,
        calls: Arc<AtomicU32>,
        succeed_at: u32,
    ) -> impl Future<Output = Result<u32, String>> + Send;
}

impl<S, W, R, B, A, BS, Z> CallAsync for Retrying<S, W, R, Hooks<B, A, BS>, Z, NoTimeout>
where
    Self: retry_core::Policy<u32, String, Timeout = NoTimeout> + Sync,
    <Self as retry_core::Policy<u32, String>>::Sleeper: retry_core::sleep::AsyncSleeper,
    <<Self as retry_core::Policy<u32, String>>::Sleeper as retry_core::sleep::AsyncSleeper>::Sleep:
        Send,
    <Self as retry_core::Policy<u32, String>>::WaitState: Send,
{
    fn run(
        &self,
        calls: Arc<AtomicU32>,
        succeed_at: u32,
    ) -> impl Future<Output = Result<u32, String>> + Send {
        self.call_async(move || {
            let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
            async move {
                tokio::task::yield_now().await;
                if n >= succeed_at {
                    Ok(n)
                } else {
                    Err(format!("failure {n}"))
                }
            }
        })
    }
}

#[tokio::test(start_paused = true)]
async fn async_panics_in_hooks_predicates_and_strategies_reach_the_join_handle() {
    let base = || Retrying::new().stop(attempts(5)).wait(fixed(1));

    let start = tokio::time::Instant::now();
    let (text, calls) = spawned_panic(
        base().before(|s: &AsyncState| assert!(s.attempt() < 3, "before failed")),
        10,
    )
    .await;
    assert_eq!((text.as_str(), calls), ("before failed", 2));
    assert_eq!(
        start.elapsed(),
        Duration::from_secs(2),
        "two sleeps, then the panic"
    );

    let (text, calls) =
        spawned_panic(base().after(|_: &AsyncState| panic!("after failed")), 10).await;
    assert_eq!((text.as_str(), calls), ("after failed", 1));

    let (text, calls) = spawned_panic(
        base().before_sleep(|_: &AsyncState| panic!("before_sleep failed")),
        10,
    )
    .await;
    assert_eq!((text.as_str(), calls), ("before_sleep failed", 1));

    let (text, calls) = spawned_panic(
        base().retry(if_error(|e: &String| {
            assert_ne!(e, "failure 3", "predicate failed");
            true
        })),
        10,
    )
    .await;
    assert!(text.contains("predicate failed"), "{text}");
    assert_eq!(calls, 3);

    let (text, calls) = spawned_panic(
        base().wait(|s: &AsyncState| {
            assert!(s.attempt() < 2, "wait failed");
            Duration::from_secs(1)
        }),
        10,
    )
    .await;
    assert_eq!((text.as_str(), calls), ("wait failed", 2));

    let (text, calls) = spawned_panic(
        base().stop(stop_if(|s: &RetryStats| {
            assert!(s.attempt() < 4, "stop failed");
            false
        })),
        10,
    )
    .await;
    assert_eq!((text.as_str(), calls), ("stop failed", 4));

    // Control: without a panic the same operation succeeds on its third call.
    let calls = Arc::new(AtomicU32::new(0));
    assert_eq!(base().run(calls.clone(), 3).await, Ok(3));
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[tokio::test(start_paused = true)]
async fn an_async_operation_that_panics_is_not_retried() {
    for timeout in [None, Some(Duration::from_secs(30))] {
        let calls = Arc::new(AtomicU32::new(0));
        let counted = calls.clone();
        let policy = Retrying::new()
            .stop(attempts(5))
            .wait(fixed(1))
            .timeout_opt(timeout);
        let joined = tokio::spawn(async move {
            policy
                .call_async(|| {
                    let n = counted.fetch_add(1, Ordering::SeqCst) + 1;
                    async move {
                        tokio::task::yield_now().await;
                        if n == 2 {
                            panic!("attempt {n} panicked");
                        }
                        Err::<(), _>(std::io::Error::other("retry me"))
                    }
                })
                .await
        })
        .await;
        let error = joined.unwrap_err();
        assert!(error.is_panic());
        assert_eq!(message(error.into_panic()), "attempt 2 panicked");
        assert_eq!(calls.load(Ordering::SeqCst), 2, "timeout {timeout:?}");
        tokio::time::sleep(Duration::from_secs(100)).await;
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    // The closure that makes the future panics.
    let calls = Arc::new(AtomicU32::new(0));
    let counted = calls.clone();
    let joined = tokio::spawn(async move {
        Retrying::new()
            .stop(attempts(5))
            .wait(fixed(1))
            .call_async(move || {
                let n = counted.fetch_add(1, Ordering::SeqCst) + 1;
                assert!(n > 1, "closure panicked");
                async { Ok::<(), String>(()) }
            })
            .await
    })
    .await;
    assert_eq!(
        message(joined.unwrap_err().into_panic()),
        "closure panicked"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

// ---------------------------------------------------------------------------------------------
// Budgets after a panic. A panic ends the call where it happens, and a shared budget is left
// exactly as if the call had ended there without one: every panicking call has a twin that ends
// at the same point normally (a non-retryable error, the stop strategy, or cancellation while
// sleeping), run on a second budget of the same kind. The two budgets hold the same count after
// the calls, and keep agreeing, call for call, through the same workload afterwards.

use retry_core::StopReason;
use retry_core::budget::{RetryBudget, RetryQuota, TokenBucket};

/// A budget whose whole state is one number.
trait Counted: RetryBudget + Sized + 'static {
    fn fresh() -> Self;
    fn count(&self) -> u32;
}

impl Counted for TokenBucket {
    fn fresh() -> Self {
        TokenBucket::new(10, 0.5).unwrap()
    }
    /// Thousandths of a token.
    fn count(&self) -> u32 {
        self.milli_tokens()
    }
}

impl Counted for RetryQuota {
    fn fresh() -> Self {
        RetryQuota::with_costs(50, 5, 10, 1).unwrap()
    }
    fn count(&self) -> u32 {
        self.available()
    }
}

/// Where the call panics. Attempts fail retryably until then.
#[derive(Clone, Copy, Debug)]
enum Site {
    /// The operation, on attempt 3.
    Operation,
    /// The retry predicate, on attempt 3's error.
    Predicate,
    /// The `after` hook, after attempt 3.
    After,
    /// The wait strategy, after attempt 3.
    Wait,
    /// The stop strategy, after attempt 3.
    Stop,
    /// The `before_sleep` hook, after attempt 2 (its retry already granted).
    BeforeSleep,
    /// The `before` hook, before attempt 3 (after the sleep that followed attempt 2).
    Before,
}

const SITES: [Site; 7] = [
    Site::Operation,
    Site::Predicate,
    Site::After,
    Site::Wait,
    Site::Stop,
    Site::BeforeSleep,
    Site::Before,
];

/// One call on `budget` that panics at `site`; returns the panic's message and the attempts made.
fn panicking_call<B: Counted>(budget: &Arc<B>, site: Site) -> (String, u32) {
    let calls = AtomicU32::new(0);
    let at_3 = |s: &State| assert!(s.attempt() != 3, "{site:?} panicked");
    let base = || {
        Retrying::new()
            .stop(attempts(10))
            .wait(fixed(1))
            .sleeper(TestClock::new())
            .budget(budget.clone())
    };
    let text = match site {
        Site::Operation => panic_message(|| {
            base().call(|| -> Result<u32, String> {
                let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
                assert!(n != 3, "{site:?} panicked");
                Err(format!("failure {n}"))
            })
        }),
        Site::Predicate => panic_message(|| {
            base()
                .retry(if_error(|e: &String| {
                    assert_ne!(e, "failure 3", "{site:?} panicked");
                    true
                }))
                .call(op(&calls, 100))
        }),
        Site::After => panic_message(|| base().after(at_3).call(op(&calls, 100))),
        Site::Wait => panic_message(|| {
            base()
                .wait(move |s: &State| {
                    at_3(s);
                    Duration::from_secs(1)
                })
                .call(op(&calls, 100))
        }),
        Site::Stop => panic_message(|| {
            base()
                .stop(
                    attempts(10)
                        | stop_if(|s: &RetryStats| {
                            assert!(s.attempt() != 3, "{site:?} panicked");
                            false
                        }),
                )
                .call(op(&calls, 100))
        }),
        Site::BeforeSleep => panic_message(|| {
            base()
                .before_sleep(|s: &State| assert!(s.attempt() != 2, "{site:?} panicked"))
                .call(op(&calls, 100))
        }),
        Site::Before => panic_message(|| base().before(at_3).call(op(&calls, 100))),
    };
    (text, calls.load(Ordering::SeqCst))
}

/// The twin of [`panicking_call`]: a call that ends at the same point without a panic. Returns
/// the attempts made.
async fn ending_call<B: Counted>(budget: &Arc<B>, site: Site) -> u32 {
    let calls = AtomicU32::new(0);
    let base = || {
        Retrying::new()
            .stop(attempts(10))
            .wait(fixed(1))
            .sleeper(TestClock::new())
            .budget(budget.clone())
    };
    match site {
        // Attempt 3 fails with an error that is not retryable: the budget is not touched.
        Site::Operation | Site::Predicate => {
            let outcome = base()
                .retry(if_error(|e: &String| e != "fatal"))
                .call_detailed(|| {
                    let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
                    Err::<u32, _>(if n == 3 {
                        "fatal".into()
                    } else {
                        format!("failure {n}")
                    })
                });
            assert_eq!(outcome.unwrap_err().reason(), StopReason::NotRetryable);
        }
        // The stop strategy ends the call after attempt 3's failure was charged.
        Site::After | Site::Wait | Site::Stop => {
            let outcome = base().stop(attempts(3)).call_detailed(op(&calls, 100));
            assert_eq!(outcome.unwrap_err().reason(), StopReason::Attempts);
        }
        // Dropped while sleeping after attempt 2, its retry granted: cancelled by a timeout.
        Site::BeforeSleep | Site::Before => {
            let policy = Retrying::new()
                .stop(attempts(10))
                .wait(fixed(1))
                .budget(budget.clone());
            let call = policy.call_async(|| {
                let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
                async move { Err::<u32, _>(format!("failure {n}")) }
            });
            let cancelled = tokio::time::timeout(Duration::from_millis(1500), call).await;
            assert!(cancelled.is_err());
        }
    }
    calls.load(Ordering::SeqCst)
}

/// The same calls after the panic, on either budget: a success on the second attempt, a
/// first-try success, then an outage until the budget refuses. The count after each, and how
/// the outage ended.
fn workload<B: Counted>(budget: &Arc<B>) -> Vec<(u32, u32, Option<StopReason>)> {
    let policy = Retrying::new()
        .stop(attempts(50))
        .wait(fixed(1))
        .sleeper(TestClock::new())
        .budget(budget.clone());
    let mut seen = Vec::new();
    for succeed_at in [2, 1, u32::MAX] {
        let calls = AtomicU32::new(0);
        let reason = policy
            .call_detailed(op(&calls, succeed_at))
            .err()
            .map(|e| e.reason());
        seen.push((budget.count(), calls.load(Ordering::SeqCst), reason));
    }
    seen
}

async fn a_panic_is_a_call_ending_there<B: Counted>(expected_after: [u32; 7]) {
    for (site, expected) in SITES.into_iter().zip(expected_after) {
        let panicked = Arc::new(B::fresh());
        let ended = Arc::new(B::fresh());
        let (text, attempts_made) = panicking_call(&panicked, site);
        assert!(text.contains(&format!("{site:?} panicked")), "{text}");
        let twin_attempts = ending_call(&ended, site).await;
        // Attempt 3 runs (and fails, or panics) unless the call stops while sleeping before it.
        let made = match site {
            Site::BeforeSleep | Site::Before => 2,
            _ => 3,
        };
        assert_eq!((attempts_made, twin_attempts), (made, made), "{site:?}");
        assert_eq!(panicked.count(), expected, "{site:?}: after the panic");
        assert_eq!(ended.count(), expected, "{site:?}: after its twin");
        let after_panic = workload(&panicked);
        assert_eq!(after_panic, workload(&ended), "{site:?}");
        // The outage really ran into the budget (so the workload tested it).
        assert_eq!(after_panic[2].2, Some(StopReason::Budget), "{site:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn a_panic_leaves_a_shared_token_bucket_as_a_call_ending_there_would() {
    // 10 tokens: two failures charged leave 8, three leave 7. A granted retry costs a bucket
    // nothing, so the two sleeping sites leave 8 too.
    a_panic_is_a_call_ending_there::<TokenBucket>([8000, 8000, 7000, 7000, 7000, 8000, 8000]).await;
}

#[tokio::test(start_paused = true)]
async fn a_panic_leaves_a_shared_retry_quota_as_a_call_ending_there_would() {
    // 50 units, 5 per retry: every site comes after two granted retries (a quota charges the
    // retry, not the failure), and a permit taken by a call that panics is never refunded,
    // exactly as for a call dropped while it sleeps.
    a_panic_is_a_call_ending_there::<RetryQuota>([40; 7]).await;
}
