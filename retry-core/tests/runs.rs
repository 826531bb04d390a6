//! Whole retry runs through `Retrying::call` and the `Engine`, on a fake clock: call counts, hook
//! counts and order, time-based stops, rejected values, non-retryable errors, statistics.

use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::Duration;

use retry_core::budget::{FailureKind, RetryBudget, RetryPermit};
use retry_core::condition::{if_error, if_result, never as retry_never};
use retry_core::sleep::Clock;
use retry_core::stop::{after_delay, attempts, before_delay, never, on_flag};
use retry_core::testing::TestClock;
use retry_core::wait::{decorrelated_jitter, exponential, fixed, none, random_exponential};
use retry_core::{RetryState, Retrying, Step, StopReason};

fn secs(v: &[Duration]) -> Vec<f64> {
    v.iter().map(Duration::as_secs_f64).collect()
}

#[test]
fn always_failing_with_three_attempts_runs_every_hook_the_right_number_of_times() {
    let clock = TestClock::new();
    let log = RefCell::new(Vec::new());
    let policy = Retrying::new()
        .stop(attempts(3))
        .wait(fixed(1))
        .sleeper(clock.clone())
        .before(|s: &RetryState<(), &str>| log.borrow_mut().push(format!("before {}", s.attempt())))
        .after(|s: &RetryState<(), &str>| log.borrow_mut().push(format!("after {}", s.attempt())))
        .before_sleep(|s: &RetryState<(), &str>| {
            log.borrow_mut()
                .push(format!("before_sleep {} {:?}", s.attempt(), s.next_sleep()))
        });
    let calls = Cell::new(0);
    let result = policy.call(|| {
        calls.set(calls.get() + 1);
        log.borrow_mut().push(format!("call {}", calls.get()));
        Err("down")
    });
    assert_eq!(result, Err("down"));
    assert_eq!(calls.get(), 3);
    assert_eq!(clock.sleeps(), [Duration::from_secs(1); 2]);
    assert_eq!(
        log.into_inner(),
        [
            "before 1",
            "call 1",
            "after 1",
            "before_sleep 1 Some(1s)",
            "before 2",
            "call 2",
            "after 2",
            "before_sleep 2 Some(1s)",
            "before 3",
            "call 3",
            "after 3",
        ]
    );
}

#[test]
fn after_never_runs_after_the_final_success() {
    let afters = Cell::new(0);
    let befores = Cell::new(0);
    let policy = Retrying::new()
        .stop(attempts(5))
        .wait(none())
        .sleeper(TestClock::new())
        .before(|_: &RetryState<u32, &str>| befores.set(befores.get() + 1))
        .after(|_: &RetryState<u32, &str>| afters.set(afters.get() + 1));
    let mut n = 0;
    let result = policy.call(|| {
        n += 1;
        if n < 3 { Err("flaky") } else { Ok(n) }
    });
    assert_eq!(result, Ok(3));
    assert_eq!((befores.get(), afters.get()), (3, 2));
}

#[test]
fn after_delay_three_with_fixed_one_makes_four_attempts() {
    let clock = TestClock::new();
    let policy = Retrying::new()
        .stop(after_delay(3))
        .wait(fixed(1))
        .sleeper(clock.clone());
    let mut calls = 0;
    let result: Result<(), u32> = policy.call(|| {
        calls += 1;
        Err(calls)
    });
    // Outcomes arrive at 0, 1, 2 and 3 s; the one at 3 s reaches the limit.
    assert_eq!(result, Err(4));
    assert_eq!(secs(&clock.sleeps()), [1.0, 1.0, 1.0]);
}

/// A `Duration::MAX` sleep moves the test clock as far as it goes, never back to its origin:
/// the time limit still fires.
#[test]
fn a_saturating_sleep_keeps_the_test_clock_ahead() {
    let clock = TestClock::new();
    let origin = clock.now();
    let policy = Retrying::new()
        .stop(after_delay(3600))
        .wait(fixed(Duration::MAX))
        .sleeper(clock.clone());
    let mut calls = 0;
    let result: Result<(), u32> = policy.call(|| {
        calls += 1;
        Err(calls)
    });
    assert_eq!(result, Err(2));
    assert_eq!(clock.sleeps(), [Duration::MAX]);
    assert!(clock.now().duration_since(origin) > Duration::from_secs(99 * 365 * 24 * 3600));
}

#[test]
fn before_delay_three_with_fixed_one_makes_three_attempts() {
    let clock = TestClock::new();
    let policy = Retrying::new()
        .stop(before_delay(3))
        .wait(fixed(1))
        .sleeper(clock.clone());
    let mut calls = 0;
    let result: Result<(), u32> = policy.call(|| {
        calls += 1;
        Err(calls)
    });
    // After the outcome at 2 s, sleeping 1 s would reach the 3 s deadline: stop instead.
    assert_eq!(result, Err(3));
    assert_eq!(secs(&clock.sleeps()), [1.0, 1.0]);
    assert!(clock.elapsed() < Duration::from_secs(3));
}

#[test]
fn attempts_that_take_time_count_towards_time_limits() {
    let clock = TestClock::new();
    let policy = Retrying::new()
        .stop(after_delay(10))
        .wait(fixed(1))
        .sleeper(clock.clone());
    let mut calls = 0;
    let result: Result<(), u32> = policy.call(|| {
        calls += 1;
        clock.advance(Duration::from_secs(3));
        Err(calls)
    });
    // Outcomes at 3, 7, 11 s.
    assert_eq!(result, Err(3));
    assert_eq!(clock.elapsed(), Duration::from_secs(11));
}

#[test]
fn rejected_values_are_retried_and_the_last_one_returned_when_exhausted() {
    let clock = TestClock::new();
    let policy = Retrying::new()
        .stop(attempts(4))
        .wait(exponential(1, 0, 10))
        .retry(if_result(|v: &Option<u32>| v.is_none()))
        .sleeper(clock.clone());
    let mut calls = 0;
    let result: Result<Option<u32>, String> = policy.call(|| {
        calls += 1;
        Ok(None)
    });
    assert_eq!(result, Ok(None));
    assert_eq!(calls, 4);
    assert_eq!(secs(&clock.sleeps()), [1.0, 2.0, 4.0]);

    let mut calls = 0;
    let result: Result<Option<u32>, String> = policy.call(|| {
        calls += 1;
        Ok((calls == 2).then_some(7))
    });
    assert_eq!(result, Ok(Some(7)));
    assert_eq!(calls, 2);
}

#[test]
fn a_non_retryable_error_is_returned_after_one_attempt() {
    let clock = TestClock::new();
    let policy = Retrying::new()
        .stop(attempts(10))
        .retry(if_error(|e: &&str| *e != "unauthorized"))
        .sleeper(clock.clone());
    let mut calls = 0;
    let result: Result<(), &str> = policy.call(|| {
        calls += 1;
        Err("unauthorized")
    });
    assert_eq!((result, calls), (Err("unauthorized"), 1));
    assert!(clock.sleeps().is_empty());

    let err = policy
        .call_detailed(|| Err::<(), _>("unauthorized"))
        .unwrap_err();
    assert_eq!(err.reason(), StopReason::NotRetryable);
    assert_eq!(err.attempts(), 1);

    let nothing_retried = Retrying::new()
        .retry(retry_never())
        .sleeper(TestClock::new());
    let mut calls = 0;
    let _ = nothing_retried.call(|| {
        calls += 1;
        Err::<(), _>("x")
    });
    assert_eq!(calls, 1);
}

#[test]
fn retry_error_reports_attempts_elapsed_and_reason() {
    let clock = TestClock::new();
    let policy = Retrying::new()
        .stop(attempts(5) | after_delay(6))
        .wait(fixed(2))
        .sleeper(clock.clone())
        .name("fetch");
    let err = policy.call_detailed(|| Err::<(), _>("503")).unwrap_err();
    assert_eq!(err.attempts(), 4);
    assert_eq!(err.elapsed(), Duration::from_secs(6));
    assert_eq!(err.reason(), StopReason::Deadline);
    assert_eq!(err.stats().idle_for(), Duration::from_secs(6));
    assert_eq!(err.stats().name(), "fetch");
    assert_eq!(err.into_inner(), "503");
}

#[test]
fn the_manual_loop_exposes_each_decision() {
    let clock = TestClock::new();
    let policy = Retrying::new()
        .stop(attempts(3))
        .wait(exponential(1, 0, 10))
        .sleeper(clock.clone());
    let mut engine = policy.start::<u8, &str>().measure_from_start();
    engine.before_attempt();
    assert_eq!(
        engine.on_outcome(Err("a")),
        Step::Retry(Duration::from_secs(1))
    );
    assert_eq!(engine.stats().idle_for(), Duration::from_secs(1));
    engine.sleep_blocking(Duration::from_secs(1));
    engine.before_attempt();
    assert_eq!(
        engine.on_outcome(Err("b")),
        Step::Retry(Duration::from_secs(2))
    );
    engine.sleep_blocking(Duration::from_secs(2));
    engine.before_attempt();
    assert_eq!(engine.on_outcome(Err("c")), Step::Done(Err("c")));
    assert!(engine.is_exhausted());
    assert_eq!(engine.stats().attempt(), 3);
    assert_eq!(engine.stats().elapsed(), Duration::from_secs(3));
    assert_eq!(engine.stats().stop_reason(), Some(StopReason::Attempts));
    let state = engine.into_state(Err("c"));
    assert_eq!(state.error(), Some(&"c"));
}

#[test]
fn concurrent_calls_of_one_policy_keep_separate_counts() {
    let policy = Retrying::new()
        .stop(attempts(4))
        .wait(none())
        .sleeper(TestClock::new());
    let total = AtomicU32::new(0);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let (policy, total) = (&policy, &total);
                scope.spawn(move || {
                    let mut mine = 0;
                    let result = policy.call_detailed(|| {
                        mine += 1;
                        total.fetch_add(1, Ordering::Relaxed);
                        if mine < 1 + i % 4 {
                            Err("again")
                        } else {
                            Ok(mine)
                        }
                    });
                    (i, result.unwrap())
                })
            })
            .collect();
        for handle in handles {
            let (i, attempts_made) = handle.join().unwrap();
            assert_eq!(attempts_made, 1 + i % 4);
        }
    });
    assert_eq!(total.load(Ordering::Relaxed), 2 * (1 + 2 + 3 + 4));
}

#[test]
fn a_call_made_from_inside_a_hook_has_its_own_state() {
    let inner_attempts = Cell::new(0);
    let clock = TestClock::new();
    let inner = Retrying::new()
        .stop(attempts(2))
        .wait(none())
        .sleeper(clock.clone());
    let outer = Retrying::new()
        .stop(attempts(3))
        .wait(none())
        .sleeper(clock.clone())
        .after(|s: &RetryState<(), &str>| {
            let err = inner.call_detailed(|| Err::<(), _>("inner")).unwrap_err();
            inner_attempts.set(inner_attempts.get() + err.attempts());
            assert!(s.attempt() <= 3);
        });
    let err = outer.call_detailed(|| Err::<(), _>("outer")).unwrap_err();
    assert_eq!(err.attempts(), 3);
    assert_eq!(inner_attempts.get(), 3 * 2);
}

#[test]
fn a_seeded_policy_is_reproducible_and_seeds_differ() {
    let run = |seed| {
        let clock = TestClock::new();
        let policy = Retrying::new()
            .stop(attempts(6))
            .wait(random_exponential(1, 0, 60) + decorrelated_jitter(0.1, 5))
            .sleeper(clock.clone())
            .seed(seed);
        let _ = policy.call(|| Err::<(), _>("x"));
        clock.sleeps()
    };
    assert_eq!(run(1), run(1));
    assert_ne!(run(1), run(2));
    assert_eq!(run(3).len(), 5);
}

#[test]
fn a_flag_stops_a_never_ending_loop() {
    let flag = AtomicBool::new(false);
    let policy = Retrying::new()
        .stop(never() | on_flag(&flag))
        .wait(none())
        .sleeper(TestClock::new());
    let mut calls = 0;
    let err = policy
        .call_detailed(|| {
            calls += 1;
            if calls == 50 {
                flag.store(true, Ordering::Release);
            }
            Err::<(), _>(calls)
        })
        .unwrap_err();
    assert_eq!((err.attempts(), err.reason()), (50, StopReason::Cancelled));
}

/// Counts `now()` calls to prove the happy path never reads the clock unless the policy needs it.
#[derive(Clone, Default)]
struct CountingClock {
    reads: std::rc::Rc<Cell<u32>>,
    inner: TestClock,
}

impl Clock for CountingClock {
    fn now(&self) -> std::time::Instant {
        self.reads.set(self.reads.get() + 1);
        self.inner.now()
    }
}

impl retry_core::sleep::Sleeper for CountingClock {
    fn sleep(&self, d: Duration) {
        retry_core::sleep::Sleeper::sleep(&self.inner, d)
    }
}

#[test]
fn the_clock_is_read_only_when_needed() {
    let clock = CountingClock::default();
    let plain = Retrying::new().sleeper(clock.clone());
    assert_eq!(plain.call(|| Ok::<_, &str>(1)), Ok(1));
    assert_eq!(clock.reads.get(), 0, "a first-try success reads no clock");

    let timed = Retrying::new().stop(after_delay(5)).sleeper(clock.clone());
    assert_eq!(timed.call(|| Ok::<_, &str>(1)), Ok(1));
    assert_eq!(clock.reads.get(), 2, "start and end of a timed call");

    clock.reads.set(0);
    let _ = plain.call(|| Err::<(), _>("x"));
    assert_eq!(
        clock.reads.get(),
        0,
        "nothing in the default policy looks at time"
    );

    clock.reads.set(0);
    // The start, then one read per failed outcome (attempts at 0, ~0.1, ~0.3 s ... until 5 s).
    let attempts_made = timed
        .call_detailed(|| Err::<(), _>("x"))
        .unwrap_err()
        .attempts();
    assert_eq!(clock.reads.get(), 1 + attempts_made);

    clock.reads.set(0);
    let _ = plain.call_detailed(|| Err::<(), _>("x"));
    assert_eq!(
        clock.reads.get(),
        1 + 3,
        "a detailed call measures its elapsed time"
    );
}

/// A budget that grants `n` retries and records every call the engine makes.
struct Recorder {
    grants: AtomicU32,
    log: std::sync::Mutex<Vec<String>>,
}

impl RetryBudget for Recorder {
    fn on_failure(&self, kind: FailureKind) {
        self.log.lock().unwrap().push(format!("failure {kind:?}"));
    }
    fn try_retry(&self, _: FailureKind) -> Option<RetryPermit> {
        let granted = self
            .grants
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1))
            .is_ok();
        self.log
            .lock()
            .unwrap()
            .push(format!("try_retry {granted}"));
        granted.then_some(RetryPermit::new(5))
    }
    fn on_success(&self, permit: Option<RetryPermit>) {
        self.log.lock().unwrap().push(format!("success {permit:?}"));
    }
}

#[test]
fn a_budget_is_consulted_after_the_stop_check_and_can_end_the_loop() {
    let budget = std::sync::Arc::new(Recorder {
        grants: AtomicU32::new(1),
        log: Default::default(),
    });
    let policy = Retrying::new()
        .stop(attempts(5))
        .wait(none())
        .sleeper(TestClock::new())
        .budget(budget.clone());
    let err = policy.call_detailed(|| Err::<(), _>("down")).unwrap_err();
    assert_eq!((err.attempts(), err.reason()), (2, StopReason::Budget));
    let mut n = 0;
    budget.grants.store(1, Ordering::Release);
    let ok = policy.call(|| {
        n += 1;
        if n == 1 { Err("flaky") } else { Ok(n) }
    });
    assert_eq!(ok, Ok(2));
    assert_eq!(
        *budget.log.lock().unwrap(),
        [
            "failure Error",
            "try_retry true",
            "failure Error",
            "try_retry false",
            "failure Error",
            "try_retry true",
            "success Some(RetryPermit { cost: 5 })",
        ]
    );
    // The last attempt allowed by the stop strategy never asks the budget.
    let budget = std::sync::Arc::new(Recorder {
        grants: AtomicU32::new(10),
        log: Default::default(),
    });
    let policy = Retrying::new()
        .stop(attempts(2))
        .wait(none())
        .sleeper(TestClock::new())
        .budget(budget.clone());
    let _ = policy.call(|| Err::<(), _>("x"));
    assert_eq!(
        *budget.log.lock().unwrap(),
        ["failure Error", "try_retry true", "failure Error"]
    );
}
