//! Static guarantees: policies are `Send + Sync + Clone`, retrying futures are `Send` when the
//! operation's futures are, the engine's auto traits do not depend on the outcome types, and
//! neither crate contains `unsafe` code.

use std::fmt;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::Duration;

use retry_core::budget::{BudgetRef, FailureKind, RetryBudget, RetryPermit};
use retry_core::condition::{
    Anything, IfError, IfResult, if_error, if_result, on_error, transient,
};
use retry_core::hooks::{Hooks, NoHook};
use retry_core::policy::{NoTimeout, Timeout};
use retry_core::sleep::DefaultSleeper;
use retry_core::stop::{
    AfterDelay, Any, Attempts, BeforeDelay, OnFlag, after_delay, attempts, before_delay, on_cancel,
    on_flag,
};
use retry_core::testing::TestClock;
use retry_core::wait::{
    Chain, DecorrelatedJitter, Exponential, Fixed, Random, RetryAfterWait, Sum, chain,
    decorrelated_jitter, exponential, fixed, from_fn, random, retry_after,
};
use retry_core::{Engine, RetryAfter, RetryState, Retrying, Step};

fn shareable<T: Send + Sync + Clone + 'static>(value: T) -> T {
    value
}

fn sendable<T: Send>(value: T) -> T {
    value
}

/// A state type for hooks that names no closure.
type State = RetryState<String, std::io::Error>;

// Named policy types: checked without running anything.
const _: fn() = || {
    fn assert<T: Send + Sync + Clone>() {}
    // The default.
    assert::<Retrying>();
    // Strategies, combinators and a test clock.
    assert::<
        Retrying<
            Any<Attempts, Any<AfterDelay, BeforeDelay>>,
            Sum<Exponential, Random>,
            IfError<Anything>,
            Hooks,
            TestClock,
        >,
    >();
    assert::<Retrying<Attempts, Chain<(Fixed, Fixed, DecorrelatedJitter)>>>();
    assert::<Retrying<Any<Attempts, OnFlag<Arc<AtomicBool>>>, RetryAfterWait<Exponential>>>();
    assert::<Retrying<OnFlag<&'static AtomicBool>>>();
    // Function pointers as conditions and hooks, a timeout.
    assert::<
        Retrying<
            Attempts,
            Fixed,
            IfResult<fn(&String) -> bool>,
            Hooks<fn(&State), NoHook, fn(&State)>,
            DefaultSleeper,
            Timeout,
        >,
    >();
    assert::<Retrying<Attempts, Fixed, IfError<Anything>, Hooks, DefaultSleeper, NoTimeout>>();
    // The budget handle every policy stores.
    assert::<BudgetRef>();
};

// The engine holds no outcome: an engine whose outcome types are neither `Send` nor `Sync`
// is both. `Engine` stores the policy by reference, its own numbers, the jitter generator, the
// wait strategy's per-call state, the budget handle and a `fn` pointer to describe errors;
// `T` and `E` appear only in `PhantomData<fn() -> T>` and that `fn` pointer, which are `Send +
// Sync` whatever `T` and `E` are. An outcome passes through `on_outcome` and comes back in the
// `Step`; it is never kept across a sleep.
const _: fn() = || {
    fn assert<T: Send + Sync>() {}
    assert::<Engine<'static, Retrying, Rc<String>, Rc<str>>>();
    assert::<Engine<'static, Retrying<Attempts, DecorrelatedJitter>, Rc<u8>, *const u8>>();
    assert::<
        Engine<
            'static,
            Retrying<Attempts, Fixed, IfError<Anything>, Hooks, TestClock>,
            Rc<u8>,
            Rc<u8>,
        >,
    >();
};

struct Unlimited;

impl RetryBudget for Unlimited {
    fn try_retry(&self, _: FailureKind) -> Option<RetryPermit> {
        Some(RetryPermit::new(1))
    }
}

static UNLIMITED: Unlimited = Unlimited;

#[derive(Debug)]
struct Hinted(Option<Duration>);

impl fmt::Display for Hinted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("hinted")
    }
}

impl RetryAfter for Hinted {
    fn retry_after(&self) -> Option<Duration> {
        self.0
    }
}

#[test]
fn policies_with_closures_are_send_sync_clone() {
    let counter = Arc::new(AtomicU32::new(0));
    let flag = Arc::new(AtomicBool::new(false));
    let (c1, c2, c3, f1) = (
        counter.clone(),
        counter.clone(),
        counter.clone(),
        flag.clone(),
    );
    let full = shareable(
        Retrying::new()
            .stop(attempts(5) | after_delay(30) | before_delay(60) | on_flag(flag.clone()))
            .wait(
                exponential(1, 2, 10)
                    + random(0, 1)
                    + from_fn(|s: &State| Duration::from_millis(u64::from(s.attempt()))),
            )
            .retry(
                if_error(|e: &std::io::Error| e.kind() != std::io::ErrorKind::NotFound)
                    | if_result(|v: &String| v.is_empty()),
            )
            .before(move |_: &State| {
                c1.fetch_add(1, Ordering::Relaxed);
            })
            .after(move |_: &State| {
                c2.fetch_add(1, Ordering::Relaxed);
            })
            .before_sleep(move |_: &State| {
                c3.fetch_add(1, Ordering::Relaxed);
            })
            .timeout(Duration::from_secs(1))
            .name("full"),
    );
    let _ = shareable(Retrying::new().stop(on_cancel(move || f1.load(Ordering::Acquire))));
    let _ = shareable(Retrying::new().sleeper(TestClock::new()).seed(3));
    let _ = shareable(Retrying::new().budget(&UNLIMITED));
    let _ = shareable(Retrying::new().budget(Arc::new(Unlimited)));
    let _ = shareable(
        Retrying::new()
            .retry(transient())
            .wait(chain((fixed(1), decorrelated_jitter(1, 5)))),
    );
    let _ = shareable(
        Retrying::new()
            .wait(retry_after(exponential(1, 0, 30)))
            .retry(on_error()),
    );

    // A clone is a whole policy: it runs and shares the closures' captured state.
    let clock = TestClock::new();
    let copy = full.clone().sleeper(clock.clone()).stop(attempts(2));
    let result: Result<String, std::io::Error> = copy.call(|| Err(std::io::Error::other("down")));
    assert!(result.is_err());
    // before x2, after x2, before_sleep x1.
    assert_eq!(counter.load(Ordering::Relaxed), 5);
}

#[tokio::test(start_paused = true)]
async fn retrying_futures_are_send_when_the_operations_futures_are() {
    let calls = Arc::new(AtomicU32::new(0));
    let policy = Arc::new(
        Retrying::new()
            .stop(attempts(3))
            .wait(fixed(1))
            .before_sleep(|_: &RetryState<u32, std::io::Error>| {})
            .timeout(Duration::from_secs(5))
            .budget(&UNLIMITED),
    );
    let spawned = {
        let (policy, calls) = (policy.clone(), calls.clone());
        tokio::spawn(async move {
            policy
                .call_async(|| {
                    let calls = calls.clone();
                    async move {
                        let n = calls.fetch_add(1, Ordering::Relaxed) + 1;
                        tokio::task::yield_now().await;
                        if n < 3 {
                            Err(std::io::Error::other("busy"))
                        } else {
                            Ok(n)
                        }
                    }
                })
                .await
        })
    };
    assert_eq!(spawned.await.unwrap().unwrap(), 3);

    // call_async_detailed, a retry_after wait and a test clock.
    let clock = TestClock::new();
    let hinted = Retrying::new()
        .stop(attempts(2))
        .wait(retry_after(fixed(9)))
        .sleeper(clock.clone());
    let err = tokio::spawn(async move {
        hinted
            .call_async_detailed(|| async { Err::<(), _>(Hinted(Some(Duration::from_secs(2)))) })
            .await
    })
    .await
    .unwrap()
    .unwrap_err();
    assert_eq!(err.attempts(), 2);
    assert_eq!(clock.sleeps(), [Duration::from_secs(2)]);

    // The future itself, borrowing its environment, is Send.
    let borrowed = String::from("borrowed");
    let fut =
        sendable(policy.call_async(|| async { Ok::<_, std::io::Error>(borrowed.len() as u32) }));
    assert_eq!(fut.await.unwrap(), 8);
}

/// Drives the engine by hand with outcome types that are not `Send`: the loop's future is
/// still `Send`, because no outcome is held across an `.await`.
async fn hand_loop(calls: Arc<AtomicU32>) -> Result<u32, String> {
    let policy = Retrying::new().stop(attempts(4)).wait(fixed(2));
    let mut engine = policy.start::<Rc<u32>, Rc<String>>();
    loop {
        engine.before_attempt();
        let n = calls.fetch_add(1, Ordering::Relaxed) + 1;
        let attempt = async move {
            tokio::task::yield_now().await;
            if n < 3 {
                Err(Rc::new(format!("busy {n}")))
            } else {
                Ok(Rc::new(n))
            }
        };
        // The attempt's future holds no Rc across its await; its output is an Rc.
        let raw = engine.guard_attempt(attempt).await;
        let outcome = engine.finish_attempt(raw);
        let delay = match engine.on_outcome(outcome) {
            Step::Retry(delay) => delay,
            Step::Done(outcome) => return outcome.map(|v| *v).map_err(|e| (*e).clone()),
        };
        engine.sleep(delay).await;
    }
}

#[tokio::test(start_paused = true)]
async fn an_engine_loop_over_non_send_outcomes_is_send() {
    let calls = Arc::new(AtomicU32::new(0));
    let start = tokio::time::Instant::now();
    let result = tokio::spawn(hand_loop(calls.clone())).await.unwrap();
    assert_eq!(result, Ok(3));
    assert_eq!(calls.load(Ordering::Relaxed), 3);
    assert_eq!(start.elapsed(), Duration::from_secs(4));
}

#[tokio::test(start_paused = true)]
async fn call_async_over_non_send_outcomes_is_send() {
    // The operation's futures are Send (they create the Rc only in their last poll), so the
    // retrying future is Send too, even though its outcomes are not.
    let policy = Retrying::new().stop(attempts(3)).wait(fixed(1));
    let spawned = tokio::spawn(async move {
        let mut n = 0;
        let result = policy
            .call_async(|| {
                n += 1;
                let n = n;
                async move {
                    tokio::task::yield_now().await;
                    if n < 2 {
                        Err(Rc::new(NotSend(n)))
                    } else {
                        Ok(Rc::new(n))
                    }
                }
            })
            .await;
        result.map(|v| *v).map_err(|e| e.0)
    });
    assert_eq!(spawned.await.unwrap(), Ok(2));
}

/// An error that is neither `Send` nor `Sync` (it holds an `Rc`) but displays.
struct NotSend(u32);

impl fmt::Display for NotSend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "failure {}", self.0)
    }
}

#[test]
fn both_crates_forbid_unsafe_code() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for lib in ["src/lib.rs", "../retry-macros/src/lib.rs"] {
        let path = root.join(lib);
        let source = std::fs::read_to_string(&path).unwrap();
        let attribute = source
            .lines()
            .take_while(|line| {
                let line = line.trim_start();
                line.is_empty() || line.starts_with("//") || line.starts_with("#!")
            })
            .any(|line| line.trim() == "#![forbid(unsafe_code)]");
        assert!(
            attribute,
            "{} has no crate-level #![forbid(unsafe_code)]",
            path.display()
        );
        assert!(
            !source.contains("allow(unsafe_code)"),
            "{} allows unsafe code somewhere",
            path.display()
        );
    }
}
