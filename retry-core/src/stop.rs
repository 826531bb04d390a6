//! Stop strategies: when to give up.
//!
//! A stop strategy looks at the call's [`RetryStats`] after a failed attempt, once the next wait has
//! been computed, and says whether (and why) the loop should end. Combine strategies with `|` (stop
//! when any says stop) and `&` (stop when all do):
//!
//! ```
//! use retry_core::stop::{attempts, after_delay, Stop};
//! use retry_core::{RetryStats, StopReason};
//!
//! let stop = attempts(5) | after_delay(30);
//! let mut stats = RetryStats::new("demo");
//! assert_eq!(stop.stop_reason(&stats), None);
//! # let _ = &mut stats;
//! ```
//!
//! The semantics are tenacity's: `attempts(n)` stops when the attempt that just finished is the
//! n-th; `after_delay(d)` when the time since the first attempt began, measured when the last
//! outcome arrived, has reached `d`; `before_delay(d)` when that time plus the upcoming sleep would
//! reach `d`, so a sleep never runs past the deadline.

use std::ops::{BitAnd, BitOr, Deref};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::duration::IntoDuration;
use crate::state::{RetryStats, StopReason};

/// Decides, after a failed attempt, whether the loop ends.
///
/// Any `Fn(&RetryStats) -> bool` is a stop strategy too (its reason is [`StopReason::Condition`]):
///
/// ```
/// use retry_core::stop::Stop;
/// use retry_core::{RetryStats, StopReason};
///
/// let odd = |s: &RetryStats| s.attempt() % 2 == 1;
/// assert_eq!(odd.stop_reason(&RetryStats::new("x")), None);
/// ```
pub trait Stop {
    /// `Some(reason)` when the loop should stop now.
    ///
    /// ```
    /// use retry_core::stop::{attempts, Stop};
    /// use retry_core::{RetryStats, StopReason};
    ///
    /// let stats = RetryStats::new("x").with_attempt(3);
    /// assert_eq!(attempts(3).stop_reason(&stats), Some(StopReason::Attempts));
    /// assert_eq!(attempts(4).stop_reason(&stats), None);
    /// ```
    fn stop_reason(&self, stats: &RetryStats) -> Option<StopReason>;

    /// `true` when the strategy reads time ([`RetryStats::elapsed`]); the engine then reads the
    /// clock when the first attempt starts. Defaults to `true`, the safe answer.
    ///
    /// ```
    /// use retry_core::stop::{attempts, after_delay, Stop};
    /// assert!(!attempts(3).needs_clock());
    /// assert!(after_delay(3).needs_clock());
    /// ```
    fn needs_clock(&self) -> bool {
        true
    }

    /// `true` when [`stop_reason`](Self::stop_reason) says stop.
    ///
    /// ```
    /// use retry_core::stop::{never, Stop};
    /// assert!(!never().should_stop(&retry_core::RetryStats::new("x")));
    /// ```
    fn should_stop(&self, stats: &RetryStats) -> bool {
        self.stop_reason(stats).is_some()
    }
}

impl<F> Stop for F
where
    F: Fn(&RetryStats) -> bool,
{
    #[inline]
    fn stop_reason(&self, stats: &RetryStats) -> Option<StopReason> {
        self(stats).then_some(StopReason::Condition)
    }
}

/// Stops once `n` attempts have run. See [`attempts`].
///
/// ```
/// use retry_core::stop::{attempts, Attempts, Stop};
/// use retry_core::{RetryStats, StopReason};
///
/// let stop: Attempts = attempts(3);
/// assert_eq!(stop.stop_reason(&RetryStats::new("x").with_attempt(2)), None);
/// assert_eq!(stop.stop_reason(&RetryStats::new("x").with_attempt(3)), Some(StopReason::Attempts));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attempts {
    max: u32,
}

/// Stops once the attempt that just finished is the `n`-th (tenacity's `stop_after_attempt`).
///
/// `attempts(0)` behaves like `attempts(1)`: the first attempt always runs. (`#[retry]` refuses a
/// literal 0 at compile time.)
///
/// ```
/// use retry_core::stop::{attempts, Stop};
/// use retry_core::{RetryState, StopReason};
///
/// let stop = attempts(3);
/// let at = |n| *RetryState::<(), ()>::at_attempt(n, None).stats();
/// assert_eq!(stop.stop_reason(&at(2)), None);
/// assert_eq!(stop.stop_reason(&at(3)), Some(StopReason::Attempts));
/// ```
#[inline]
pub const fn attempts(n: u32) -> Attempts {
    Attempts { max: n }
}

impl Attempts {
    /// The attempt limit.
    ///
    /// ```
    /// assert_eq!(retry_core::stop::attempts(4).max_attempts(), 4);
    /// ```
    #[inline]
    pub const fn max_attempts(&self) -> u32 {
        self.max
    }
}

impl Stop for Attempts {
    #[inline]
    fn stop_reason(&self, stats: &RetryStats) -> Option<StopReason> {
        (stats.attempt() >= self.max).then_some(StopReason::Attempts)
    }

    #[inline]
    fn needs_clock(&self) -> bool {
        false
    }
}

/// Stops once the call has run for a given time. See [`after_delay`].
///
/// ```
/// use retry_core::stop::{after_delay, AfterDelay, Stop};
/// use retry_core::{RetryStats, StopReason};
/// use std::time::Duration;
///
/// let stop: AfterDelay = after_delay(10);
/// let after = |secs| RetryStats::new("x").with_elapsed(Duration::from_secs(secs));
/// assert_eq!(stop.stop_reason(&after(9)), None);
/// assert_eq!(stop.stop_reason(&after(10)), Some(StopReason::Deadline));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AfterDelay {
    limit: Duration,
}

/// Stops when the time from the first attempt's start to the last outcome is at least `d`
/// (tenacity's `stop_after_delay`). Bare numbers are seconds.
///
/// With `fixed(1)` waits and instant attempts, `after_delay(3)` makes 4 attempts (at 0, 1, 2 and
/// 3 s): the check runs after the outcome at 3 s.
///
/// ```
/// use retry_core::stop::{after_delay, Stop};
/// assert_eq!(after_delay(1.5).limit(), std::time::Duration::from_millis(1500));
/// ```
#[inline]
pub fn after_delay(d: impl IntoDuration) -> AfterDelay {
    AfterDelay::new(d.into_duration())
}

impl AfterDelay {
    /// [`after_delay`] as a `const fn` (for policies built at compile time).
    ///
    /// ```
    /// use retry_core::stop::{after_delay, AfterDelay};
    /// use std::time::Duration;
    /// const STOP: AfterDelay = AfterDelay::new(Duration::from_secs(30));
    /// assert_eq!(STOP, after_delay(30));
    /// ```
    #[inline]
    pub const fn new(limit: Duration) -> Self {
        AfterDelay { limit }
    }

    /// The time limit.
    ///
    /// ```
    /// assert_eq!(retry_core::stop::after_delay(2).limit().as_secs(), 2);
    /// ```
    #[inline]
    pub const fn limit(&self) -> Duration {
        self.limit
    }
}

impl Stop for AfterDelay {
    #[inline]
    fn stop_reason(&self, stats: &RetryStats) -> Option<StopReason> {
        (stats.elapsed() >= self.limit).then_some(StopReason::Deadline)
    }
}

/// Stops before a sleep that would reach a deadline. See [`before_delay`].
///
/// ```
/// use retry_core::stop::{before_delay, BeforeDelay, Stop};
/// use retry_core::{RetryStats, StopReason};
/// use std::time::Duration;
///
/// let stop: BeforeDelay = before_delay(10);
/// let stats = RetryStats::new("x").with_elapsed(Duration::from_secs(7));
/// let sleeping = |secs| stats.with_next_sleep(Some(Duration::from_secs(secs)));
/// assert_eq!(stop.stop_reason(&sleeping(2)), None); // would wake at 9 s
/// assert_eq!(stop.stop_reason(&sleeping(3)), Some(StopReason::Deadline)); // at 10 s
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BeforeDelay {
    limit: Duration,
}

/// Stops when the elapsed time plus the upcoming sleep is at least `d` (tenacity's
/// `stop_before_delay`): no sleep ever runs past the deadline. With `fixed(1)` waits and instant
/// attempts, `before_delay(3)` makes 3 attempts.
///
/// ```
/// use retry_core::stop::{before_delay, Stop};
/// assert_eq!(before_delay(3).limit().as_secs(), 3);
/// ```
#[inline]
pub fn before_delay(d: impl IntoDuration) -> BeforeDelay {
    BeforeDelay::new(d.into_duration())
}

impl BeforeDelay {
    /// [`before_delay`] as a `const fn` (for policies built at compile time).
    ///
    /// ```
    /// use retry_core::stop::{before_delay, BeforeDelay};
    /// use std::time::Duration;
    /// const STOP: BeforeDelay = BeforeDelay::new(Duration::from_secs(30));
    /// assert_eq!(STOP, before_delay(30));
    /// ```
    #[inline]
    pub const fn new(limit: Duration) -> Self {
        BeforeDelay { limit }
    }

    /// The deadline, measured from the first attempt's start.
    ///
    /// ```
    /// assert_eq!(retry_core::stop::before_delay(0.5).limit().as_millis(), 500);
    /// ```
    #[inline]
    pub const fn limit(&self) -> Duration {
        self.limit
    }
}

impl Stop for BeforeDelay {
    #[inline]
    fn stop_reason(&self, stats: &RetryStats) -> Option<StopReason> {
        let upcoming = stats.next_sleep().unwrap_or(Duration::ZERO);
        (stats.elapsed().saturating_add(upcoming) >= self.limit).then_some(StopReason::Deadline)
    }
}

/// Never stops. See [`never()`].
///
/// ```
/// use retry_core::stop::{never, Never, Stop};
/// use retry_core::RetryStats;
///
/// let stop: Never = never();
/// assert!(!stop.should_stop(&RetryStats::new("x").with_attempt(u32::MAX)));
/// assert!(!stop.needs_clock());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Never;

/// Never stops (tenacity's `stop_never`): the loop ends only on an accepted outcome, a
/// non-retryable error, or a budget. Combine it with a flag or a deadline in production code.
///
/// ```
/// use retry_core::stop::{never, Stop};
/// let stats = *retry_core::RetryState::<(), ()>::at_attempt(u32::MAX, None).stats();
/// assert_eq!(never().stop_reason(&stats), None);
/// ```
#[inline]
pub const fn never() -> Never {
    Never
}

impl Stop for Never {
    #[inline]
    fn stop_reason(&self, _: &RetryStats) -> Option<StopReason> {
        None
    }

    #[inline]
    fn needs_clock(&self) -> bool {
        false
    }
}

/// Stops when a shared flag is set. See [`on_flag`].
///
/// ```
/// use retry_core::stop::{on_flag, OnFlag, Stop};
/// use retry_core::{RetryStats, StopReason};
/// use std::sync::atomic::{AtomicBool, Ordering};
///
/// static SHUTDOWN: AtomicBool = AtomicBool::new(false);
/// let stop: OnFlag<&AtomicBool> = on_flag(&SHUTDOWN);
/// assert_eq!(stop.stop_reason(&RetryStats::new("x")), None);
/// SHUTDOWN.store(true, Ordering::Release);
/// assert_eq!(stop.stop_reason(&RetryStats::new("x")), Some(StopReason::Cancelled));
/// ```
#[derive(Clone, Copy, Debug)]
pub struct OnFlag<F> {
    flag: F,
}

/// Stops with [`StopReason::Cancelled`] once `flag` is `true`. Anything that dereferences to an
/// [`AtomicBool`] works: `&'static AtomicBool`, `Arc<AtomicBool>`, `&AtomicBool`.
///
/// The flag is checked after every failed attempt, so a loop notices it at its next failure: a
/// flag set during a sleep is seen after the sleep and the attempt that follows it (the engine
/// keeps no outcome across a sleep, so it has none to return mid-sleep). To stop at once, race
/// the call against the signal (`tokio::select!`) or drop its future; no further attempt starts.
///
/// ```
/// use retry_core::stop::{on_flag, Stop};
/// use retry_core::{RetryStats, StopReason};
/// use std::sync::{atomic::{AtomicBool, Ordering}, Arc};
///
/// let flag = Arc::new(AtomicBool::new(false));
/// let stop = on_flag(flag.clone());
/// assert_eq!(stop.stop_reason(&RetryStats::new("x")), None);
/// flag.store(true, Ordering::Release);
/// assert_eq!(stop.stop_reason(&RetryStats::new("x")), Some(StopReason::Cancelled));
/// ```
#[inline]
pub fn on_flag<F: Deref<Target = AtomicBool>>(flag: F) -> OnFlag<F> {
    OnFlag { flag }
}

impl<F: Deref<Target = AtomicBool>> Stop for OnFlag<F> {
    #[inline]
    fn stop_reason(&self, _: &RetryStats) -> Option<StopReason> {
        self.flag
            .load(Ordering::Acquire)
            .then_some(StopReason::Cancelled)
    }

    #[inline]
    fn needs_clock(&self) -> bool {
        false
    }
}

/// Stops when a cancellation check returns `true`. See [`on_cancel`].
///
/// ```
/// use retry_core::stop::{on_cancel, OnCancel, Stop};
/// use retry_core::{RetryStats, StopReason};
/// use std::cell::Cell;
///
/// let cancelled = Cell::new(false);
/// let stop: OnCancel<_> = on_cancel(|| cancelled.get());
/// assert_eq!(stop.stop_reason(&RetryStats::new("x")), None);
/// cancelled.set(true);
/// assert_eq!(stop.stop_reason(&RetryStats::new("x")), Some(StopReason::Cancelled));
/// ```
#[derive(Clone, Copy, Debug)]
pub struct OnCancel<F> {
    is_cancelled: F,
}

/// Stops with [`StopReason::Cancelled`] once `is_cancelled()` returns `true`: the bridge to
/// cancellation tokens (`on_cancel(move || token.is_cancelled())`).
///
/// ```
/// use retry_core::stop::{on_cancel, Stop};
/// use retry_core::{RetryStats, StopReason};
///
/// let stop = on_cancel(|| true);
/// assert_eq!(stop.stop_reason(&RetryStats::new("x")), Some(StopReason::Cancelled));
/// ```
#[inline]
pub fn on_cancel<F: Fn() -> bool>(is_cancelled: F) -> OnCancel<F> {
    OnCancel { is_cancelled }
}

impl<F: Fn() -> bool> Stop for OnCancel<F> {
    #[inline]
    fn stop_reason(&self, _: &RetryStats) -> Option<StopReason> {
        (self.is_cancelled)().then_some(StopReason::Cancelled)
    }

    #[inline]
    fn needs_clock(&self) -> bool {
        false
    }
}

/// A closure as a stop strategy that combines with `|` and `&`. See [`stop_if`].
///
/// ```
/// use retry_core::stop::{stop_if, Stop, StopIf};
/// use retry_core::{RetryStats, StopReason};
/// use std::time::Duration;
///
/// let stop: StopIf<_> = stop_if(|s: &RetryStats| s.next_sleep() > Some(Duration::from_secs(5)));
/// let stats = RetryStats::new("x").with_next_sleep(Some(Duration::from_secs(8)));
/// assert_eq!(stop.stop_reason(&stats), Some(StopReason::Condition));
/// ```
#[derive(Clone, Copy, Debug)]
pub struct StopIf<F> {
    condition: F,
}

/// Wraps a closure over [`RetryStats`] so it combines with other strategies; its reason is
/// [`StopReason::Condition`].
///
/// ```
/// use retry_core::stop::{attempts, stop_if, Stop};
/// use retry_core::{RetryStats, StopReason};
///
/// let stop = attempts(10) | stop_if(|s: &RetryStats| s.idle_for().as_secs() > 60);
/// assert_eq!(stop.stop_reason(&RetryStats::new("x")), None);
/// ```
#[inline]
pub fn stop_if<F: Fn(&RetryStats) -> bool>(condition: F) -> StopIf<F> {
    StopIf { condition }
}

impl<F: Fn(&RetryStats) -> bool> Stop for StopIf<F> {
    #[inline]
    fn stop_reason(&self, stats: &RetryStats) -> Option<StopReason> {
        (self.condition)(stats).then_some(StopReason::Condition)
    }
}

/// Stops when either strategy stops (`a | b`); the reason is the first one's that fired.
///
/// ```
/// use retry_core::stop::{after_delay, attempts, Any, Stop};
/// use retry_core::{RetryStats, StopReason};
/// use std::time::Duration;
///
/// let stop: Any<_, _> = attempts(5) | after_delay(30);
/// let late = RetryStats::new("x").with_attempt(2).with_elapsed(Duration::from_secs(31));
/// assert_eq!(stop.stop_reason(&late), Some(StopReason::Deadline));
/// assert_eq!(stop.stop_reason(&late.with_attempt(5)), Some(StopReason::Attempts)); // first wins
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Any<A, B> {
    first: A,
    second: B,
}

/// Stops when either strategy stops; the same as `a | b`.
///
/// ```
/// use retry_core::stop::{any, attempts, before_delay, Stop};
/// assert!(any(attempts(2), before_delay(5)).needs_clock());
/// ```
#[inline]
pub const fn any<A: Stop, B: Stop>(first: A, second: B) -> Any<A, B> {
    Any { first, second }
}

impl<A: Stop, B: Stop> Stop for Any<A, B> {
    #[inline]
    fn stop_reason(&self, stats: &RetryStats) -> Option<StopReason> {
        self.first
            .stop_reason(stats)
            .or_else(|| self.second.stop_reason(stats))
    }

    #[inline]
    fn needs_clock(&self) -> bool {
        self.first.needs_clock() || self.second.needs_clock()
    }
}

/// Stops when both strategies stop (`a & b`); the reason is the second one's.
///
/// ```
/// use retry_core::stop::{after_delay, attempts, All, Stop};
/// use retry_core::{RetryStats, StopReason};
/// use std::time::Duration;
///
/// let stop: All<_, _> = attempts(3) & after_delay(60);
/// let stats = RetryStats::new("x").with_attempt(3);
/// assert_eq!(stop.stop_reason(&stats), None); // 3 attempts, but not 60 s yet
/// let late = stats.with_elapsed(Duration::from_secs(60));
/// assert_eq!(stop.stop_reason(&late), Some(StopReason::Deadline));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct All<A, B> {
    first: A,
    second: B,
}

/// Stops when both strategies stop; the same as `a & b`.
///
/// ```
/// use retry_core::stop::{all, attempts, after_delay, Stop};
/// assert!(all(attempts(2), after_delay(5)).needs_clock());
/// ```
#[inline]
pub const fn all<A: Stop, B: Stop>(first: A, second: B) -> All<A, B> {
    All { first, second }
}

impl<A: Stop, B: Stop> Stop for All<A, B> {
    #[inline]
    fn stop_reason(&self, stats: &RetryStats) -> Option<StopReason> {
        self.first.stop_reason(stats)?;
        self.second.stop_reason(stats)
    }

    #[inline]
    fn needs_clock(&self) -> bool {
        self.first.needs_clock() || self.second.needs_clock()
    }
}

macro_rules! stop_operators {
    ($([$($g:tt)*] $t:ty),* $(,)?) => {$(
        impl<$($g)* Rhs: Stop> BitOr<Rhs> for $t where $t: Stop {
            type Output = Any<$t, Rhs>;
            #[inline]
            fn bitor(self, rhs: Rhs) -> Self::Output {
                Any { first: self, second: rhs }
            }
        }
        impl<$($g)* Rhs: Stop> BitAnd<Rhs> for $t where $t: Stop {
            type Output = All<$t, Rhs>;
            #[inline]
            fn bitand(self, rhs: Rhs) -> Self::Output {
                All { first: self, second: rhs }
            }
        }
    )*};
}

stop_operators!(
    [] Attempts,
    [] AfterDelay,
    [] BeforeDelay,
    [] Never,
    [F,] OnFlag<F>,
    [F,] OnCancel<F>,
    [F,] StopIf<F>,
    [A, B,] Any<A, B>,
    [A, B,] All<A, B>,
);

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(attempt: u32, elapsed_ms: u64, next_sleep_ms: Option<u64>) -> RetryStats {
        let mut s = RetryStats::new("t");
        s.attempt = attempt;
        s.elapsed = Duration::from_millis(elapsed_ms);
        s.next_sleep = next_sleep_ms.map(Duration::from_millis);
        s
    }

    #[test]
    fn attempts_fires_at_n_and_after() {
        let stop = attempts(3);
        let fired: Vec<_> = (1..=5)
            .map(|n| stop.stop_reason(&stats(n, 0, None)))
            .collect();
        assert_eq!(
            fired,
            [
                None,
                None,
                Some(StopReason::Attempts),
                Some(StopReason::Attempts),
                Some(StopReason::Attempts)
            ]
        );
        assert_eq!(
            attempts(0).stop_reason(&stats(1, 0, None)),
            Some(StopReason::Attempts)
        );
    }

    #[test]
    fn delays_compare_elapsed_and_upcoming_sleep() {
        assert_eq!(
            after_delay(3).stop_reason(&stats(3, 2_999, Some(1_000))),
            None
        );
        assert_eq!(
            after_delay(3).stop_reason(&stats(4, 3_000, None)),
            Some(StopReason::Deadline)
        );
        assert_eq!(
            before_delay(3).stop_reason(&stats(2, 1_000, Some(1_000))),
            None
        );
        assert_eq!(
            before_delay(3).stop_reason(&stats(3, 2_000, Some(1_000))),
            Some(StopReason::Deadline)
        );
        assert_eq!(
            before_delay(3).stop_reason(&stats(1, u64::MAX, Some(u64::MAX))),
            Some(StopReason::Deadline)
        );
    }

    #[test]
    fn combinators_follow_boolean_logic_and_report_reasons() {
        let any = attempts(5) | after_delay(10);
        assert_eq!(any.stop_reason(&stats(2, 0, None)), None);
        assert_eq!(
            any.stop_reason(&stats(5, 0, None)),
            Some(StopReason::Attempts)
        );
        assert_eq!(
            any.stop_reason(&stats(2, 10_000, None)),
            Some(StopReason::Deadline)
        );
        let all = attempts(5) & after_delay(10);
        assert_eq!(all.stop_reason(&stats(5, 0, None)), None);
        assert_eq!(all.stop_reason(&stats(2, 10_000, None)), None);
        assert_eq!(
            all.stop_reason(&stats(5, 10_000, None)),
            Some(StopReason::Deadline)
        );
        let nested = (attempts(2) & never()) | stop_if(|s: &RetryStats| s.attempt() == 7);
        assert_eq!(
            nested.stop_reason(&stats(7, 0, None)),
            Some(StopReason::Condition)
        );
        assert!(!(attempts(1) | never()).needs_clock());
        assert!((attempts(1) | before_delay(1)).needs_clock());
    }

    #[test]
    fn flags_and_tokens_cancel() {
        static FLAG: AtomicBool = AtomicBool::new(false);
        let stop = attempts(100) | on_flag(&FLAG);
        assert_eq!(stop.stop_reason(&stats(1, 0, None)), None);
        FLAG.store(true, Ordering::Release);
        assert_eq!(
            stop.stop_reason(&stats(1, 0, None)),
            Some(StopReason::Cancelled)
        );
        let cancelled = std::cell::Cell::new(false);
        let stop = on_cancel(|| cancelled.get());
        assert_eq!(stop.stop_reason(&stats(1, 0, None)), None);
        cancelled.set(true);
        assert_eq!(
            stop.stop_reason(&stats(1, 0, None)),
            Some(StopReason::Cancelled)
        );
    }
}
