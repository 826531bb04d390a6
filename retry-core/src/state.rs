//! What a retry loop knows about itself: the per-call [`RetryState`] handed to strategies and hooks,
//! and the [`RetryStats`] it is built from.
//!
//! State is per call. Two concurrent calls of one policy, or a call made from inside another call's
//! hook, never share counters: the engine owns its [`RetryStats`] and hands out snapshots.

use std::fmt;
use std::time::{Duration, Instant};

/// Why a retry loop ended without a success it accepted.
///
/// ```
/// use retry_core::StopReason;
///
/// assert!(StopReason::Attempts.is_exhausted());
/// assert!(!StopReason::NotRetryable.is_exhausted());
/// assert_eq!(StopReason::Deadline.to_string(), "deadline reached");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StopReason {
    /// The attempt limit (`attempts(n)`) was reached.
    Attempts,
    /// A time limit (`after_delay`, `before_delay`) was reached, or the next sleep would cross it.
    Deadline,
    /// A shared retry budget refused another attempt.
    Budget,
    /// An external flag or cancellation token asked the loop to stop.
    Cancelled,
    /// A custom stop condition (a closure) fired.
    Condition,
    /// The retry condition did not ask for a retry: the outcome was returned after its attempt.
    NotRetryable,
}

impl StopReason {
    /// `true` when the stop condition or a budget ended the loop (everything but
    /// [`StopReason::NotRetryable`]): the case `on_exhausted` handles.
    ///
    /// ```
    /// assert!(retry_core::StopReason::Budget.is_exhausted());
    /// ```
    #[inline]
    pub const fn is_exhausted(self) -> bool {
        !matches!(self, StopReason::NotRetryable)
    }
}

impl fmt::Display for StopReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StopReason::Attempts => "attempts exhausted",
            StopReason::Deadline => "deadline reached",
            StopReason::Budget => "retry budget exhausted",
            StopReason::Cancelled => "cancelled",
            StopReason::Condition => "stop condition met",
            StopReason::NotRetryable => "not retryable",
        })
    }
}

/// The numbers of one call: attempts, timings, the upcoming sleep and, once it ended, why.
///
/// `RetryStats` is `Copy` and carries no outcome, so it can be kept after the call, logged or
/// compared. [`RetryState`] wraps it together with the last outcome.
///
/// ```
/// use retry_core::RetryStats;
///
/// let stats = RetryStats::new("fetch");
/// assert_eq!(stats.attempt(), 0);
/// assert_eq!(stats.name(), "fetch");
/// assert!(stats.stop_reason().is_none());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryStats {
    pub(crate) attempt: u32,
    pub(crate) start: Option<Instant>,
    pub(crate) elapsed: Duration,
    pub(crate) idle_for: Duration,
    pub(crate) next_sleep: Option<Duration>,
    pub(crate) stop_reason: Option<StopReason>,
    pub(crate) name: &'static str,
}

impl RetryStats {
    /// Fresh numbers for a call that has not started an attempt yet.
    ///
    /// ```
    /// assert_eq!(retry_core::RetryStats::new("x").idle_for(), std::time::Duration::ZERO);
    /// ```
    pub const fn new(name: &'static str) -> Self {
        RetryStats {
            attempt: 0,
            start: None,
            elapsed: Duration::ZERO,
            idle_for: Duration::ZERO,
            next_sleep: None,
            stop_reason: None,
            name,
        }
    }

    /// These numbers at attempt `attempt`: with [`with_elapsed`](Self::with_elapsed),
    /// [`with_idle_for`](Self::with_idle_for) and [`with_next_sleep`](Self::with_next_sleep), the
    /// way to ask a stop strategy (yours or the library's) what it decides at a given point of a
    /// call, the way [`RetryState::at_attempt`] does for wait strategies.
    ///
    /// ```
    /// use retry_core::stop::{before_delay, Stop};
    /// use retry_core::{RetryStats, StopReason};
    /// use std::time::Duration;
    ///
    /// let stats = RetryStats::new("x")
    ///     .with_attempt(3)
    ///     .with_elapsed(Duration::from_secs(8))
    ///     .with_next_sleep(Some(Duration::from_secs(2)));
    /// assert_eq!(before_delay(10).stop_reason(&stats), Some(StopReason::Deadline));
    /// ```
    #[inline]
    pub const fn with_attempt(mut self, attempt: u32) -> Self {
        self.attempt = attempt;
        self
    }

    /// These numbers with [`elapsed`](Self::elapsed) set to `elapsed`.
    ///
    /// ```
    /// # use retry_core::RetryStats;
    /// # use std::time::Duration;
    /// let stats = RetryStats::new("x").with_elapsed(Duration::from_secs(1));
    /// assert_eq!(stats.elapsed(), Duration::from_secs(1));
    /// ```
    #[inline]
    pub const fn with_elapsed(mut self, elapsed: Duration) -> Self {
        self.elapsed = elapsed;
        self
    }

    /// These numbers with [`idle_for`](Self::idle_for) set to `idle_for`.
    ///
    /// ```
    /// # use retry_core::RetryStats;
    /// # use std::time::Duration;
    /// let stats = RetryStats::new("x").with_idle_for(Duration::from_secs(4));
    /// assert_eq!(stats.idle_for(), Duration::from_secs(4));
    /// ```
    #[inline]
    pub const fn with_idle_for(mut self, idle_for: Duration) -> Self {
        self.idle_for = idle_for;
        self
    }

    /// These numbers with [`next_sleep`](Self::next_sleep) set to `next_sleep`.
    ///
    /// ```
    /// # use retry_core::RetryStats;
    /// # use std::time::Duration;
    /// let stats = RetryStats::new("x").with_next_sleep(Some(Duration::from_millis(250)));
    /// assert_eq!(stats.next_sleep(), Some(Duration::from_millis(250)));
    /// ```
    #[inline]
    pub const fn with_next_sleep(mut self, next_sleep: Option<Duration>) -> Self {
        self.next_sleep = next_sleep;
        self
    }

    /// The 1-based number of the attempt that ran last or is about to run (0 before the first).
    ///
    /// ```
    /// assert_eq!(retry_core::RetryStats::new("x").attempt(), 0);
    /// ```
    #[inline]
    pub const fn attempt(&self) -> u32 {
        self.attempt
    }

    /// When the first attempt began, if the clock was read for this call.
    ///
    /// The clock is read as the first attempt starts only when something in the policy looks at
    /// time (a time-based stop, a hook, a custom strategy) or the caller asked for elapsed times
    /// ([`Engine::measure_from_start`](crate::Engine::measure_from_start), which a
    /// `RetryError` return type and `on_exhausted` use). Otherwise it stays `None`, and the call,
    /// successful or not, never reads the clock.
    ///
    /// ```
    /// assert!(retry_core::RetryStats::new("x").start().is_none());
    /// ```
    #[inline]
    pub const fn start(&self) -> Option<Instant> {
        self.start
    }

    /// Time from [`start`](Self::start) to the moment the last outcome arrived (tenacity's
    /// `seconds_since_start`). Zero before the first outcome.
    ///
    /// ```
    /// assert_eq!(retry_core::RetryStats::new("x").elapsed(), std::time::Duration::ZERO);
    /// ```
    #[inline]
    pub const fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// The sum of all sleeps so far, including one that is about to start.
    ///
    /// ```
    /// assert_eq!(retry_core::RetryStats::new("x").idle_for(), std::time::Duration::ZERO);
    /// ```
    #[inline]
    pub const fn idle_for(&self) -> Duration {
        self.idle_for
    }

    /// The sleep computed after the last failure, once the wait strategy ran (tenacity's
    /// `upcoming_sleep`). `None` before that point and after a success.
    ///
    /// ```
    /// assert_eq!(retry_core::RetryStats::new("x").next_sleep(), None);
    /// ```
    #[inline]
    pub const fn next_sleep(&self) -> Option<Duration> {
        self.next_sleep
    }

    /// Why the call ended, once it ended without an accepted success.
    ///
    /// ```
    /// assert_eq!(retry_core::RetryStats::new("x").stop_reason(), None);
    /// ```
    #[inline]
    pub const fn stop_reason(&self) -> Option<StopReason> {
        self.stop_reason
    }

    /// The name given to the policy (the function's name under `#[retry]`).
    ///
    /// ```
    /// assert_eq!(retry_core::RetryStats::new("fetch").name(), "fetch");
    /// ```
    #[inline]
    pub const fn name(&self) -> &'static str {
        self.name
    }
}

/// The state of one call as strategies and hooks see it: [`RetryStats`] plus the last outcome.
///
/// Strategies, conditions and hooks get `&RetryState`; `on_exhausted` gets it by value so it can
/// take the last outcome apart. Before an attempt (the `before` hook) there is no outcome: like
/// tenacity, the previous attempt's outcome is dropped when the next attempt begins.
///
/// ```
/// use retry_core::{RetryState, RetryStats};
///
/// let state: RetryState<u32, String> = RetryState::new(RetryStats::new("demo"), Some(Err("boom".into())));
/// assert_eq!(state.error().map(String::as_str), Some("boom"));
/// assert_eq!(state.value(), None);
/// assert!(state.failed());
/// ```
pub struct RetryState<T, E> {
    stats: RetryStats,
    outcome: Option<Result<T, E>>,
}

impl<T, E> RetryState<T, E> {
    /// A state from its parts; useful to test strategies and hooks in isolation.
    ///
    /// ```
    /// use retry_core::{RetryState, RetryStats};
    /// let state = RetryState::<(), ()>::new(RetryStats::new("x"), None);
    /// assert!(state.outcome().is_none());
    /// ```
    #[inline]
    pub const fn new(stats: RetryStats, outcome: Option<Result<T, E>>) -> Self {
        RetryState { stats, outcome }
    }

    /// A state for the `n`-th attempt with the given outcome and no time elapsed: the shortest way
    /// to ask a strategy what it does at attempt `n`.
    ///
    /// ```
    /// use retry_core::RetryState;
    /// let state = RetryState::<(), &str>::at_attempt(4, Some(Err("x")));
    /// assert_eq!(state.attempt(), 4);
    /// ```
    #[inline]
    pub fn at_attempt(attempt: u32, outcome: Option<Result<T, E>>) -> Self {
        let mut stats = RetryStats::new("");
        stats.attempt = attempt;
        RetryState { stats, outcome }
    }

    /// The numbers of the call so far.
    ///
    /// ```
    /// # use retry_core::RetryState;
    /// let state = RetryState::<(), ()>::at_attempt(2, None);
    /// assert_eq!(state.stats().attempt(), 2);
    /// ```
    #[inline]
    pub const fn stats(&self) -> &RetryStats {
        &self.stats
    }

    /// The 1-based number of the attempt that just ran (or, in `before`, is about to run).
    ///
    /// ```
    /// # use retry_core::RetryState;
    /// assert_eq!(RetryState::<(), ()>::at_attempt(3, None).attempt(), 3);
    /// ```
    #[inline]
    pub const fn attempt(&self) -> u32 {
        self.stats.attempt
    }

    /// See [`RetryStats::start`].
    ///
    /// ```
    /// # use retry_core::RetryState;
    /// assert!(RetryState::<(), ()>::at_attempt(1, None).start().is_none());
    /// ```
    #[inline]
    pub const fn start(&self) -> Option<Instant> {
        self.stats.start
    }

    /// Time from the first attempt's start until the last outcome arrived; see [`RetryStats::elapsed`].
    ///
    /// ```
    /// # use retry_core::RetryState;
    /// assert_eq!(RetryState::<(), ()>::at_attempt(1, None).elapsed(), std::time::Duration::ZERO);
    /// ```
    #[inline]
    pub const fn elapsed(&self) -> Duration {
        self.stats.elapsed
    }

    /// The sum of sleeps so far; see [`RetryStats::idle_for`].
    ///
    /// ```
    /// # use retry_core::RetryState;
    /// assert_eq!(RetryState::<(), ()>::at_attempt(1, None).idle_for(), std::time::Duration::ZERO);
    /// ```
    #[inline]
    pub const fn idle_for(&self) -> Duration {
        self.stats.idle_for
    }

    /// The upcoming sleep once the wait strategy computed it; see [`RetryStats::next_sleep`].
    ///
    /// ```
    /// # use retry_core::RetryState;
    /// assert_eq!(RetryState::<(), ()>::at_attempt(1, None).next_sleep(), None);
    /// ```
    #[inline]
    pub const fn next_sleep(&self) -> Option<Duration> {
        self.stats.next_sleep
    }

    /// Why the loop ended, once it did; see [`RetryStats::stop_reason`].
    ///
    /// ```
    /// # use retry_core::RetryState;
    /// assert_eq!(RetryState::<(), ()>::at_attempt(1, None).stop_reason(), None);
    /// ```
    #[inline]
    pub const fn stop_reason(&self) -> Option<StopReason> {
        self.stats.stop_reason
    }

    /// The policy's name; see [`RetryStats::name`].
    ///
    /// ```
    /// # use retry_core::RetryState;
    /// assert_eq!(RetryState::<(), ()>::at_attempt(1, None).name(), "");
    /// ```
    #[inline]
    pub const fn name(&self) -> &'static str {
        self.stats.name
    }

    /// The last attempt's outcome; `None` before the first outcome and in the `before` hook.
    ///
    /// ```
    /// # use retry_core::RetryState;
    /// let state = RetryState::<u8, ()>::at_attempt(1, Some(Ok(7)));
    /// assert_eq!(state.outcome(), Some(&Ok(7)));
    /// ```
    #[inline]
    pub const fn outcome(&self) -> Option<&Result<T, E>> {
        self.outcome.as_ref()
    }

    /// The last error, if the last attempt failed with one.
    ///
    /// ```
    /// # use retry_core::RetryState;
    /// assert_eq!(RetryState::<u8, &str>::at_attempt(1, Some(Err("e"))).error(), Some(&"e"));
    /// ```
    #[inline]
    pub fn error(&self) -> Option<&E> {
        match &self.outcome {
            Some(Err(e)) => Some(e),
            _ => None,
        }
    }

    /// The last `Ok` value, if the last attempt returned one (possibly rejected by `if_result`).
    ///
    /// ```
    /// # use retry_core::RetryState;
    /// assert_eq!(RetryState::<u8, &str>::at_attempt(1, Some(Ok(3))).value(), Some(&3));
    /// ```
    #[inline]
    pub fn value(&self) -> Option<&T> {
        match &self.outcome {
            Some(Ok(v)) => Some(v),
            _ => None,
        }
    }

    /// `true` when the last outcome is an `Err`.
    ///
    /// ```
    /// # use retry_core::RetryState;
    /// assert!(!RetryState::<u8, &str>::at_attempt(1, Some(Ok(3))).failed());
    /// ```
    #[inline]
    pub fn failed(&self) -> bool {
        matches!(self.outcome, Some(Err(_)))
    }

    /// Takes the last outcome out of the state (for `on_exhausted`, which owns the final state).
    ///
    /// ```
    /// # use retry_core::RetryState;
    /// let state = RetryState::<u8, &str>::at_attempt(2, Some(Err("last")));
    /// assert_eq!(state.into_outcome(), Some(Err("last")));
    /// ```
    #[inline]
    pub fn into_outcome(self) -> Option<Result<T, E>> {
        self.outcome
    }

    /// Splits the state into its numbers and its outcome.
    ///
    /// ```
    /// # use retry_core::RetryState;
    /// let (stats, outcome) = RetryState::<u8, ()>::at_attempt(2, Some(Ok(1))).into_parts();
    /// assert_eq!((stats.attempt(), outcome), (2, Some(Ok(1))));
    /// ```
    #[inline]
    pub fn into_parts(self) -> (RetryStats, Option<Result<T, E>>) {
        (self.stats, self.outcome)
    }

    #[inline]
    pub(crate) fn stats_mut(&mut self) -> &mut RetryStats {
        &mut self.stats
    }
}

impl<T: fmt::Debug, E: fmt::Debug> fmt::Debug for RetryState<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryState")
            .field("stats", &self.stats)
            .field("outcome", &self.outcome)
            .finish()
    }
}
