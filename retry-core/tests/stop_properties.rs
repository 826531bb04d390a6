//! Properties of the stop strategies and their combinations: each decides exactly by its formula,
//! and once a strategy says stop it keeps saying stop for later attempts, later times and longer
//! upcoming sleeps (monotonicity in `attempt`, `elapsed` and `next_sleep`).

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use proptest::prelude::*;
use proptest::test_runner::RngAlgorithm;
use retry_core::stop::{
    Stop, after_delay, all as all_of, any as any_of, attempts, before_delay, never, on_cancel,
    on_flag, stop_if,
};
use retry_core::{RetryStats, StopReason};

/// Cases per property.
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

fn any_duration() -> impl Strategy<Value = Duration> {
    prop_oneof![
        2 => Just(Duration::ZERO),
        1 => Just(Duration::MAX),
        4 => (0u64..=10_000).prop_map(Duration::from_millis),
        3 => (0u64..=30 * 86_400_000).prop_map(Duration::from_millis),
        2 => (any::<u64>(), 0u32..1_000_000_000).prop_map(|(s, n)| Duration::new(s, n)),
    ]
}

/// Increments that are often zero, so each dimension also moves alone.
fn any_step() -> impl Strategy<Value = Duration> {
    prop_oneof![3 => Just(Duration::ZERO), 2 => any_duration()]
}

fn any_attempt() -> impl Strategy<Value = u32> {
    prop_oneof![
        6 => 0u32..=20,
        1 => Just(u32::MAX),
        2 => any::<u32>(),
    ]
}

fn any_stats() -> impl Strategy<Value = RetryStats> {
    (
        any_attempt(),
        any_duration(),
        any_duration(),
        proptest::option::of(any_duration()),
    )
        .prop_map(|(attempt, elapsed, idle_for, next_sleep)| {
            RetryStats::new("p")
                .with_attempt(attempt)
                .with_elapsed(elapsed)
                .with_idle_for(idle_for)
                .with_next_sleep(next_sleep)
        })
}

/// A later point of the same call: more attempts, more time, a longer (or newly known) sleep.
fn later(
    s: &RetryStats,
    more_attempts: u32,
    more_time: Duration,
    more_idle: Duration,
    more_sleep: Option<Duration>,
) -> RetryStats {
    let next_sleep = match (s.next_sleep(), more_sleep) {
        (None, None) => None,
        (Some(d), None) => Some(d),
        (None, Some(extra)) => Some(extra),
        (Some(d), Some(extra)) => Some(d.saturating_add(extra)),
    };
    RetryStats::new("p")
        .with_attempt(s.attempt().saturating_add(more_attempts))
        .with_elapsed(s.elapsed().saturating_add(more_time))
        .with_idle_for(s.idle_for().saturating_add(more_idle))
        .with_next_sleep(next_sleep)
}

/// A stop strategy chosen at run time, so combinations can be generated as trees.
#[derive(Clone, Debug)]
enum Tree {
    Attempts(u32),
    AfterDelay(Duration),
    BeforeDelay(Duration),
    Never,
    Flag(bool),
    Cancel(bool),
    /// `stop_if` with a closure that is itself monotone (idle time reached a threshold).
    IdleAtLeast(Duration),
    Any(Box<Tree>, Box<Tree>),
    All(Box<Tree>, Box<Tree>),
}

/// The boxed strategies a [`Tree`] builds, combined with the library's own `any` / `all`.
struct Boxed(Box<dyn Stop>);

impl Stop for Boxed {
    fn stop_reason(&self, stats: &RetryStats) -> Option<StopReason> {
        self.0.stop_reason(stats)
    }
    fn needs_clock(&self) -> bool {
        self.0.needs_clock()
    }
}

impl Tree {
    fn build(&self) -> Boxed {
        Boxed(match self {
            Tree::Attempts(n) => Box::new(attempts(*n)),
            Tree::AfterDelay(d) => Box::new(after_delay(*d)),
            Tree::BeforeDelay(d) => Box::new(before_delay(*d)),
            Tree::Never => Box::new(never()),
            Tree::Flag(set) => Box::new(on_flag(Arc::new(AtomicBool::new(*set)))),
            Tree::Cancel(set) => {
                let set = *set;
                Box::new(on_cancel(move || set))
            }
            Tree::IdleAtLeast(d) => {
                let d = *d;
                Box::new(stop_if(move |s: &RetryStats| s.idle_for() >= d))
            }
            Tree::Any(a, b) => Box::new(any_of(a.build(), b.build())),
            Tree::All(a, b) => Box::new(all_of(a.build(), b.build())),
        })
    }

    /// The reference decision, straight from the documented formulas.
    fn decides(&self, s: &RetryStats) -> bool {
        match self {
            Tree::Attempts(n) => s.attempt() >= *n,
            Tree::AfterDelay(d) => s.elapsed() >= *d,
            Tree::BeforeDelay(d) => {
                s.elapsed()
                    .saturating_add(s.next_sleep().unwrap_or_default())
                    >= *d
            }
            Tree::Never => false,
            Tree::Flag(set) | Tree::Cancel(set) => *set,
            Tree::IdleAtLeast(d) => s.idle_for() >= *d,
            Tree::Any(a, b) => a.decides(s) || b.decides(s),
            Tree::All(a, b) => a.decides(s) && b.decides(s),
        }
    }
}

fn leaf() -> impl Strategy<Value = Tree> {
    prop_oneof![
        any_attempt().prop_map(Tree::Attempts),
        any_duration().prop_map(Tree::AfterDelay),
        any_duration().prop_map(Tree::BeforeDelay),
        Just(Tree::Never),
        any::<bool>().prop_map(Tree::Flag),
        any::<bool>().prop_map(Tree::Cancel),
        any_duration().prop_map(Tree::IdleAtLeast),
    ]
}

fn tree() -> impl Strategy<Value = Tree> {
    leaf().prop_recursive(4, 16, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Tree::Any(Box::new(a), Box::new(b))),
            (inner.clone(), inner).prop_map(|(a, b)| Tree::All(Box::new(a), Box::new(b))),
        ]
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn each_strategy_decides_by_its_formula(n in any_attempt(), limit in any_duration(), s in any_stats()) {
        let expect = |stop: bool, reason| if stop { Some(reason) } else { None };
        prop_assert_eq!(
            attempts(n).stop_reason(&s),
            expect(s.attempt() >= n, StopReason::Attempts)
        );
        prop_assert_eq!(
            after_delay(limit).stop_reason(&s),
            expect(s.elapsed() >= limit, StopReason::Deadline)
        );
        let upcoming = s.next_sleep().unwrap_or(Duration::ZERO);
        prop_assert_eq!(
            before_delay(limit).stop_reason(&s),
            expect(s.elapsed().saturating_add(upcoming) >= limit, StopReason::Deadline)
        );
        prop_assert_eq!(never().stop_reason(&s), None);
    }

    #[test]
    fn once_a_stop_fires_it_keeps_firing(
        t in tree(),
        s in any_stats(),
        more_attempts in prop_oneof![2 => Just(0u32), 1 => 1u32..5, 1 => any::<u32>()],
        more_time in any_step(),
        more_idle in any_step(),
        more_sleep in proptest::option::of(any_step()),
    ) {
        let stop = t.build();
        let fired = stop.should_stop(&s);
        prop_assert_eq!(fired, t.decides(&s), "{:?} at {:?}", t, s);
        let l = later(&s, more_attempts, more_time, more_idle, more_sleep);
        prop_assert_eq!(stop.should_stop(&l), t.decides(&l), "{:?} at {:?}", t, l);
        if fired {
            prop_assert!(stop.should_stop(&l), "{:?} stopped at {:?} but not at {:?}", t, s, l);
        }
    }

    #[test]
    fn operators_build_the_same_decisions_as_any_and_all(
        n in any_attempt(),
        a in any_duration(),
        b in any_duration(),
        s in any_stats(),
    ) {
        let flag = AtomicBool::new(false);
        let ored = attempts(n) | after_delay(a) | before_delay(b) | on_flag(&flag);
        let anded = attempts(n) & (after_delay(a) | before_delay(b));
        let reference_or = s.attempt() >= n
            || s.elapsed() >= a
            || s.elapsed().saturating_add(s.next_sleep().unwrap_or_default()) >= b;
        prop_assert_eq!(ored.should_stop(&s), reference_or);
        let reference_and = s.attempt() >= n
            && (s.elapsed() >= a
                || s.elapsed().saturating_add(s.next_sleep().unwrap_or_default()) >= b);
        prop_assert_eq!(anded.should_stop(&s), reference_and);
        // `|` reports the first strategy that fired, in order.
        if s.attempt() >= n {
            prop_assert_eq!(ored.stop_reason(&s), Some(StopReason::Attempts));
        }
        flag.store(true, std::sync::atomic::Ordering::Release);
        prop_assert!(ored.should_stop(&s), "a set flag always stops");
        if !reference_or {
            prop_assert_eq!(ored.stop_reason(&s), Some(StopReason::Cancelled));
        }
    }
}
