//! Properties of whole runs through `Retrying::call` and `Retrying::call_async` on a `TestClock`:
//! `before_delay` never sleeps past its deadline, `attempts(n)` makes exactly
//! `min(n, first accepted outcome)` calls, and the hooks run in tenacity's order, for arbitrary
//! outcome sequences, attempt durations and waits.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use proptest::prelude::*;
use proptest::test_runner::RngAlgorithm;
use retry_core::stop::{attempts, before_delay};
use retry_core::testing::TestClock;
use retry_core::wait::{from_fn, incrementing};
use retry_core::{RetryState, Retrying, StopReason};

/// Cases per property. A case is one to three whole runs of up to a few dozen attempts.
const CASES: u32 = 10_000;

/// `CASES` cases drawn with XorShift rather than proptest's default ChaCha: generation needs no
/// cryptographic strength, and XorShift is ten times faster in debug builds.
fn config() -> ProptestConfig {
    ProptestConfig {
        cases: CASES,
        rng_algorithm: RngAlgorithm::XorShift,
        ..ProptestConfig::default()
    }
}

/// Polls a future that never waits (every sleep goes through a `TestClock`) to completion.
fn ready<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("a run on a TestClock never waits"),
    }
}

/// What one attempt returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    /// `Ok` that the retry condition accepts.
    Accepted,
    /// `Ok` that the retry condition rejects (retried like an error).
    Rejected,
    /// `Err` that is retried.
    Retryable,
    /// `Err` that is returned at once.
    Fatal,
}

fn outcome() -> impl Strategy<Value = Outcome> {
    prop_oneof![
        1 => Just(Outcome::Accepted),
        1 => Just(Outcome::Rejected),
        4 => Just(Outcome::Retryable),
        1 => Just(Outcome::Fatal),
    ]
}

/// The outcome of attempt `i` (1-based) of the given kind; it carries `i`, so a returned outcome
/// names the attempt it came from.
fn produce(kind: Outcome, i: u32) -> Out {
    match kind {
        Outcome::Accepted => Ok((true, i)),
        Outcome::Rejected => Ok((false, i)),
        Outcome::Retryable => Err(Failure(true, i)),
        Outcome::Fatal => Err(Failure(false, i)),
    }
}

/// An error: retryable or not, and the attempt it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Failure(bool, u32);

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "failure {} (retryable: {})", self.1, self.0)
    }
}

/// An attempt's outcome: `Ok((accepted, attempt))` or `Err(Failure(retryable, attempt))`.
type Out = Result<(bool, u32), Failure>;

/// Retry rejected values and retryable errors.
fn should_retry(outcome: &Out) -> bool {
    match outcome {
        Ok((accepted, _)) => !accepted,
        Err(Failure(retryable, _)) => *retryable,
    }
}

/// The attempt's kind: the sequence, then retryable errors once it runs out.
fn kind_at(sequence: &[Outcome], i: u32) -> Outcome {
    sequence
        .get(i as usize - 1)
        .copied()
        .unwrap_or(Outcome::Retryable)
}

/// The reference: tenacity's loop written out, as the log of events it produces.
fn expected_log(sequence: &[Outcome], limit: u32) -> (Vec<String>, u32, Option<StopReason>) {
    let limit = limit.max(1);
    let mut log = Vec::new();
    let mut i = 0;
    loop {
        i += 1;
        log.push(format!("before {i} no-outcome"));
        log.push(format!("call {i}"));
        let kind = kind_at(sequence, i);
        match kind {
            Outcome::Accepted => return (log, i, None),
            Outcome::Fatal => return (log, i, Some(StopReason::NotRetryable)),
            Outcome::Rejected | Outcome::Retryable => {}
        }
        let failed = kind == Outcome::Retryable;
        log.push(format!("after {i} failed={failed}"));
        if i >= limit {
            return (log, i, Some(StopReason::Attempts));
        }
        log.push(format!("before_sleep {i} failed={failed} sleep={}", i * 10));
    }
}

proptest! {
    #![proptest_config(config())]

    /// The clock's own time at the end of every sleep stays below a `before_delay` limit, for
    /// arbitrary waits (zero, long, `Duration::MAX`) and attempts that take arbitrary time; and a
    /// run that stops on the deadline stops only because the next sleep would have crossed it.
    #[test]
    fn before_delay_never_sleeps_past_the_deadline(
        limit_ms in prop_oneof![Just(0u64), 1u64..=120_000, Just(86_400_000)],
        waits in prop::collection::vec(
            prop_oneof![
                3 => (0u64..=20_000).prop_map(Duration::from_millis),
                1 => Just(Duration::ZERO),
                1 => Just(Duration::MAX),
                1 => (0u64..=7 * 86_400).prop_map(Duration::from_secs),
            ],
            1..12,
        ),
        durations in prop::collection::vec((0u64..=8_000).prop_map(Duration::from_millis), 1..12),
        max_attempts in 1u32..=60,
    ) {
        let limit = Duration::from_millis(limit_ms);
        let clock = TestClock::new();
        let sleep_ends = RefCell::new(Vec::new());
        let picked = waits.clone();
        let policy = Retrying::new()
            .stop(attempts(max_attempts) | before_delay(limit))
            .wait(from_fn(move |s: &RetryState<(), u32>| {
                picked[s.attempt() as usize % picked.len()]
            }))
            .sleeper(clock.clone())
            .before_sleep(|s: &RetryState<(), u32>| {
                // The fake clock's time (from the first attempt's start) plus the sleep ahead.
                let end = clock.elapsed().saturating_add(s.next_sleep().unwrap());
                sleep_ends.borrow_mut().push(end);
            });
        let mut calls = 0u32;
        let err = policy
            .call_detailed(|| {
                calls += 1;
                clock.advance(durations[calls as usize % durations.len()]);
                Err::<(), _>(calls)
            })
            .unwrap_err();

        let ends = sleep_ends.into_inner();
        prop_assert_eq!(ends.len() as u32, calls - 1, "a sleep between every two attempts");
        prop_assert_eq!(clock.sleeps().len() as u32, calls - 1);
        for end in &ends {
            prop_assert!(*end < limit, "a sleep ends at {end:?}, past the {limit:?} deadline");
        }
        prop_assert!(clock.total_slept() < limit.max(Duration::from_nanos(1)));
        let stats = err.stats();
        match err.reason() {
            StopReason::Deadline => {
                let next = stats.next_sleep().unwrap();
                prop_assert_eq!(stats.elapsed(), clock.elapsed());
                prop_assert!(stats.elapsed().saturating_add(next) >= limit);
            }
            StopReason::Attempts => prop_assert_eq!(calls, max_attempts),
            other => prop_assert!(false, "unexpected reason {other:?}"),
        }
    }

    /// `attempts(n)` makes exactly `min(n, first accepted or fatal outcome)` calls and returns
    /// that attempt's outcome, sync and async.
    #[test]
    fn attempts_n_makes_exactly_min_n_first_success_calls(
        sequence in prop::collection::vec(outcome(), 0..40),
        n in 0u32..45,
    ) {
        let (_, expected_calls, expected_reason) = expected_log(&sequence, n);
        let expected_outcome = produce(kind_at(&sequence, expected_calls), expected_calls);

        let clock = TestClock::new();
        let policy = Retrying::new()
            .stop(attempts(n))
            .wait(incrementing(0, 1, 5))
            .retry(should_retry as fn(&Out) -> bool)
            .sleeper(clock.clone());
        let mut calls = 0;
        let detailed = policy.call_detailed(|| {
            calls += 1;
            produce(kind_at(&sequence, calls), calls)
        });
        prop_assert_eq!(calls, expected_calls);
        prop_assert_eq!(clock.sleeps().len() as u32, calls - 1);
        match (&detailed, expected_reason) {
            (Ok(v), _) => prop_assert_eq!(Ok(*v), expected_outcome),
            (Err(e), Some(reason)) => {
                prop_assert_eq!(Err(*e.error()), expected_outcome);
                prop_assert_eq!(e.reason(), reason);
                prop_assert_eq!(e.attempts(), expected_calls);
            }
            (Err(e), None) => prop_assert!(false, "unexpected error {:?}", e.error()),
        }
        // A rejected value that exhausts the attempts comes back as the `Ok` it was.
        if let (Ok((false, _)), reason) = (&expected_outcome, expected_reason) {
            prop_assert_eq!(reason, Some(StopReason::Attempts));
        }

        let mut calls = 0;
        let plain = policy.call(|| {
            calls += 1;
            produce(kind_at(&sequence, calls), calls)
        });
        prop_assert_eq!((plain, calls), (expected_outcome, expected_calls));

        let mut calls = 0;
        let awaited = ready(policy.call_async(|| {
            calls += 1;
            let outcome = produce(kind_at(&sequence, calls), calls);
            async move { outcome }
        }));
        prop_assert_eq!((awaited, calls), (expected_outcome, expected_calls));
    }

    /// before -> call -> (retry condition) -> after -> wait -> stop -> before_sleep -> sleep, for
    /// any sequence of accepted, rejected, retryable and fatal outcomes; `after` never follows the
    /// final success; `before` never sees an outcome; `before_sleep` sees the sleep ahead.
    #[test]
    fn hooks_run_in_tenacitys_order_for_any_outcome_sequence(
        sequence in prop::collection::vec(outcome(), 0..30),
        n in 1u32..35,
    ) {
        let (expected, expected_calls, _) = expected_log(&sequence, n);
        let clock = TestClock::new();
        let log = RefCell::new(Vec::new());
        let policy = Retrying::new()
            .stop(attempts(n))
            .wait(incrementing(Duration::from_millis(10), Duration::from_millis(10), 3600))
            .retry(should_retry as fn(&Out) -> bool)
            .sleeper(clock.clone())
            .before(|s: &RetryState<(bool, u32), Failure>| {
                let seen = if s.outcome().is_some() { "outcome" } else { "no-outcome" };
                log.borrow_mut().push(format!("before {} {seen}", s.attempt()));
            })
            .after(|s: &RetryState<(bool, u32), Failure>| {
                log.borrow_mut()
                    .push(format!("after {} failed={}", s.attempt(), s.failed()));
            })
            .before_sleep(|s: &RetryState<(bool, u32), Failure>| {
                let sleep = s.next_sleep().unwrap_or_default().as_millis();
                log.borrow_mut().push(format!(
                    "before_sleep {} failed={} sleep={sleep}",
                    s.attempt(),
                    s.failed()
                ));
            });
        let mut calls = 0;
        let _ = policy.call(|| {
            calls += 1;
            log.borrow_mut().push(format!("call {calls}"));
            produce(kind_at(&sequence, calls), calls)
        });
        prop_assert_eq!(calls, expected_calls);
        prop_assert_eq!(&*log.borrow(), &expected);
        let sleeps: Vec<_> = (1..expected_calls).map(|i| Duration::from_millis(u64::from(i) * 10)).collect();
        prop_assert_eq!(clock.sleeps(), sleeps);

        log.borrow_mut().clear();
        let mut calls = 0;
        let _ = ready(policy.call_async(|| {
            calls += 1;
            log.borrow_mut().push(format!("call {calls}"));
            let outcome = produce(kind_at(&sequence, calls), calls);
            async move { outcome }
        }));
        prop_assert_eq!(&*log.borrow(), &expected);
    }
}
