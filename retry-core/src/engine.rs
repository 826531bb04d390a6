//! The engine: one retry loop, driven by its caller.
//!
//! The engine never runs the operation and never sleeps by itself. The caller reports each outcome
//! and gets back a [`Step`]: return this outcome, or sleep this long and try again. That makes one
//! engine serve every driver: `#[retry]` expands into a plain loop around it, [`Retrying::call`]
//! and [`Retrying::call_async`] are ten-line loops around it, and code that must drive attempts
//! itself (a connection pool, a state machine) can do the same.
//!
//! The happy path costs almost nothing: when the first attempt's outcome is accepted, the engine
//! makes no allocation, reads no clock (unless the policy looks at time) and draws no random
//! number.
//!
//! [`Retrying::call`]: crate::Retrying::call
//! [`Retrying::call_async`]: crate::Retrying::call_async

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::time::{Duration, Instant};

use crate::budget::{FailureKind, RetryBudget, RetryPermit};
use crate::duration::nanos_u64;
use crate::error::RetryError;
use crate::policy::Policy;
use crate::sleep::{AsyncSleeper, Clock, Sleeper};
use crate::state::{RetryState, RetryStats, StopReason};
use crate::timeout::AttemptTimeout;
use crate::wait::JitterRng;

/// What the caller does next.
///
/// ```
/// use retry_core::{Retrying, Step};
/// use retry_core::stop::attempts;
/// use retry_core::wait::fixed;
///
/// let policy = Retrying::new().stop(attempts(3)).wait(fixed(1));
/// let mut engine = policy.start();
/// engine.before_attempt();
/// assert_eq!(engine.on_outcome(Err("busy")), Step::Retry(std::time::Duration::from_secs(1)));
/// engine.before_attempt();
/// assert_eq!(engine.on_outcome(Ok::<u8, &str>(7)), Step::Done(Ok(7)));
/// ```
#[derive(Debug, PartialEq, Eq)]
#[must_use = "a step says whether to sleep and retry or to return the outcome"]
pub enum Step<T, E> {
    /// Sleep this long (through [`Engine::sleep`] or [`Engine::sleep_blocking`]), then run the
    /// next attempt.
    Retry(Duration),
    /// Return this outcome: accepted, not retryable, or the last one when the policy stopped.
    Done(Result<T, E>),
}

/// How errors are written in `tracing` events: a function, so the engine itself needs no bound
/// on `E`.
///
/// ```
/// use retry_core::engine::DescribeError;
/// use std::fmt;
///
/// struct Shown(u16, DescribeError<u16>);
/// impl fmt::Display for Shown {
///     fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { (self.1)(&self.0, f) }
/// }
/// let describe: DescribeError<u16> = |status, f| write!(f, "HTTP {status}");
/// assert_eq!(Shown(503, describe).to_string(), "HTTP 503");
/// ```
pub type DescribeError<E> = fn(&E, &mut fmt::Formatter<'_>) -> fmt::Result;

/// One call's retry loop: the policy plus the call's own state.
///
/// Create it with [`Retrying::start`](crate::Retrying::start) (or [`Engine::new`]), then per
/// attempt: [`before_attempt`](Self::before_attempt), run the operation, feed its outcome to
/// [`on_outcome`](Self::on_outcome) and follow the [`Step`].
///
/// ```
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// use retry_core::{Retrying, Step};
/// use retry_core::stop::attempts;
/// use retry_core::wait::exponential;
///
/// let policy = Retrying::new().stop(attempts(5)).wait(exponential(1, 2, 10));
/// let mut engine = policy.start();
/// let started = tokio::time::Instant::now();
/// let outcome: Result<(), &str> = loop {
///     engine.before_attempt();
///     let outcome = Err("always failing");
///     // Sleep after the match, so no `Step` (which may hold an outcome) lives across the
///     // `.await`: the loop's future is then `Send` even when the outcome types are not.
///     let delay = match engine.on_outcome(outcome) {
///         Step::Retry(delay) => delay,
///         Step::Done(outcome) => break outcome,
///     };
///     engine.sleep(delay).await;
/// };
/// assert_eq!(outcome, Err("always failing"));
/// assert_eq!(engine.stats().attempt(), 5);
/// assert_eq!(started.elapsed().as_secs(), 2 + 2 + 4 + 8);
/// # }
/// ```
pub struct Engine<'p, P: Policy<T, E>, T, E> {
    // Hot: touched by every call. A first-try success writes these and nothing else.
    policy: &'p P,
    describe: Option<DescribeError<E>>,
    attempt: u32,
    // The clock is to be read as the next attempt starts (the policy reads time, or the caller
    // asked for elapsed times); cleared once it has been.
    start_clock: bool,
    timed_out: bool,
    // An accepted outcome must be reported: to a budget, or to the cold part's statistics.
    settle: bool,
    // Cold: created when the clock starts, a budget is given, or the first attempt fails.
    cold: Option<Cold<'p, P::WaitState>>,
    // The engine never holds an outcome across a sleep: its auto traits do not depend on T or E.
    _outcome: PhantomData<fn() -> T>,
}

/// The part of a call's state that only a failure (or a policy that measures time) needs. Kept
/// small, in nanoseconds (statistics saturate at 584 years), because it lives inside every
/// retrying future.
struct Cold<'p, W> {
    start: Option<Instant>,
    elapsed_ns: u64,
    idle_ns: u64,
    next_sleep_ns: u64,
    budget: Option<&'p dyn RetryBudget>,
    permit: Option<RetryPermit>,
    rng: JitterRng,
    stop_reason: Option<StopReason>,
    has_next_sleep: bool,
    wait_state: W,
}

impl<'p, W: Default> Cold<'p, W> {
    fn new(seed: Option<u64>, budget: Option<&'p dyn RetryBudget>) -> Self {
        Cold {
            start: None,
            elapsed_ns: 0,
            idle_ns: 0,
            next_sleep_ns: 0,
            budget,
            permit: None,
            rng: JitterRng::with_seed(seed),
            stop_reason: None,
            has_next_sleep: false,
            wait_state: W::default(),
        }
    }

    fn set_next_sleep(&mut self, sleep: Option<Duration>) {
        self.has_next_sleep = sleep.is_some();
        self.next_sleep_ns = sleep.map_or(0, nanos_u64);
    }
}

impl<'p, P: Policy<T, E>, T, E> Engine<'p, P, T, E> {
    /// A fresh call of `policy`.
    ///
    /// ```
    /// use retry_core::{Engine, Retrying};
    /// let policy = Retrying::new();
    /// let engine: Engine<'_, _, (), ()> = Engine::new(&policy);
    /// assert_eq!(engine.stats().attempt(), 0);
    /// ```
    #[inline]
    pub fn new(policy: &'p P) -> Self {
        Engine {
            policy,
            describe: None,
            attempt: 0,
            start_clock: policy.needs_clock(),
            timed_out: false,
            settle: policy.budget().is_some(),
            cold: None,
            _outcome: PhantomData,
        }
    }

    /// Writes errors into `tracing` events with `describe` (`None`: events name no error).
    ///
    /// ```
    /// # use retry_core::{Engine, Retrying};
    /// let policy = Retrying::new();
    /// let engine: Engine<'_, _, (), u8> = Engine::new(&policy)
    ///     .describe_errors_with(Some(|e: &u8, f: &mut std::fmt::Formatter<'_>| write!(f, "code {e}")));
    /// # let _ = engine;
    /// ```
    #[inline]
    pub fn describe_errors_with(mut self, describe: Option<DescribeError<E>>) -> Self {
        self.describe = describe;
        self
    }

    /// Writes errors into `tracing` events with their `Display`.
    ///
    /// ```
    /// # use retry_core::{Engine, Retrying};
    /// let policy = Retrying::new();
    /// let _engine: Engine<'_, _, (), String> = Engine::new(&policy).display_errors();
    /// ```
    #[inline]
    pub fn display_errors(self) -> Self
    where
        E: fmt::Display,
    {
        self.describe_errors_with(Some(<E as fmt::Display>::fmt))
    }

    /// Reads the clock for this call even if the policy does not need it, so
    /// [`RetryStats::elapsed`] is measured from the first attempt's start (for [`RetryError`]s and
    /// reports). Without it, a policy that never looks at time never reads the clock, and its
    /// calls report zero elapsed time.
    ///
    /// ```
    /// # use retry_core::{Engine, Retrying};
    /// let policy = Retrying::new();
    /// let mut engine: Engine<'_, _, (), ()> = Engine::new(&policy).measure_from_start();
    /// engine.before_attempt();
    /// assert!(engine.stats().start().is_some());
    /// ```
    #[inline]
    pub fn measure_from_start(mut self) -> Self {
        self.start_clock = true;
        self
    }

    /// Uses `budget` instead of the policy's (for `#[retry(budget = ..)]`).
    ///
    /// ```
    /// use retry_core::{Engine, Retrying};
    /// use retry_core::budget::{FailureKind, RetryBudget, RetryPermit};
    /// struct Never;
    /// impl RetryBudget for Never {
    ///     fn try_retry(&self, _: FailureKind) -> Option<RetryPermit> { None }
    /// }
    /// let policy = Retrying::new();
    /// let budget = Never;
    /// let _engine: Engine<'_, _, (), ()> = Engine::new(&policy).with_budget(&budget);
    /// ```
    #[inline]
    pub fn with_budget(mut self, budget: &'p dyn RetryBudget) -> Self {
        self.cold().budget = Some(budget);
        self
    }

    /// The numbers of this call so far.
    ///
    /// ```
    /// # use retry_core::{Engine, Retrying};
    /// let policy = Retrying::new().name("job");
    /// let engine: Engine<'_, _, (), ()> = Engine::new(&policy);
    /// assert_eq!(engine.stats().name(), "job");
    /// ```
    #[inline]
    pub fn stats(&self) -> RetryStats {
        let mut stats = RetryStats::new(self.policy.name());
        stats.attempt = self.attempt;
        if let Some(cold) = &self.cold {
            stats.start = cold.start;
            stats.elapsed = Duration::from_nanos(cold.elapsed_ns);
            stats.idle_for = Duration::from_nanos(cold.idle_ns);
            stats.next_sleep = cold
                .has_next_sleep
                .then(|| Duration::from_nanos(cold.next_sleep_ns));
            stats.stop_reason = cold.stop_reason;
        }
        stats
    }

    /// The policy being driven.
    ///
    /// ```
    /// # use retry_core::{Engine, Retrying};
    /// let policy = Retrying::new();
    /// let engine: Engine<'_, _, (), ()> = Engine::new(&policy);
    /// assert_eq!(engine.policy().policy_name(), "retry");
    /// ```
    #[inline]
    pub const fn policy(&self) -> &'p P {
        self.policy
    }

    #[inline]
    fn active_budget(&self) -> Option<&'p dyn RetryBudget> {
        match self.cold.as_ref().and_then(|cold| cold.budget) {
            Some(budget) => Some(budget),
            None => self.policy.budget(),
        }
    }

    #[inline]
    fn cold(&mut self) -> &mut Cold<'p, P::WaitState> {
        self.settle = true;
        let seed = self.policy.seed();
        self.cold.get_or_insert_with(|| Cold::new(seed, None))
    }

    #[inline]
    fn now(&self) -> Instant {
        self.policy.sleeper().now()
    }

    /// Marks the start of the next attempt: counts it and runs the `before` hook.
    ///
    /// ```
    /// # use retry_core::{Engine, Retrying};
    /// let policy = Retrying::new();
    /// let mut engine: Engine<'_, _, (), ()> = Engine::new(&policy);
    /// engine.before_attempt();
    /// assert_eq!(engine.stats().attempt(), 1);
    /// ```
    #[inline]
    pub fn before_attempt(&mut self) {
        self.attempt = self.attempt.saturating_add(1);
        if self.start_clock {
            self.start_clock();
        }
        // Only the level check is inline (what `debug!` checks first), so this function stays
        // small enough to inline into every loop; the event itself is out of line.
        #[cfg(feature = "tracing")]
        if tracing::Level::DEBUG <= tracing::level_filters::STATIC_MAX_LEVEL
            && tracing::Level::DEBUG <= tracing::level_filters::LevelFilter::current()
        {
            self.trace_attempt_start();
        }
        if self.policy.has_before_hook() {
            self.policy.before(&RetryState::new(self.stats(), None));
        }
    }

    #[cfg(feature = "tracing")]
    #[cold]
    #[inline(never)]
    fn trace_attempt_start(&self) {
        tracing::debug!(
            target: "retry_core",
            name = self.policy.name(),
            attempt = self.attempt,
            "starting attempt"
        );
    }

    #[cold]
    #[inline(never)]
    fn start_clock(&mut self) {
        self.start_clock = false;
        let now = self.now();
        self.cold().start = Some(now);
    }

    /// Takes the outcome of the attempt that just ran and says what to do next: the whole of
    /// tenacity's order after an outcome (retry condition, `after`, wait, stop, budget,
    /// `before_sleep`).
    ///
    /// ```
    /// use retry_core::{Retrying, Step};
    /// use retry_core::stop::attempts;
    /// use retry_core::wait::fixed;
    ///
    /// let policy = Retrying::new().stop(attempts(2)).wait(fixed(3));
    /// let mut engine = policy.start();
    /// engine.before_attempt();
    /// assert_eq!(engine.on_outcome(Err::<(), _>("e1")), Step::Retry(std::time::Duration::from_secs(3)));
    /// engine.before_attempt();
    /// assert_eq!(engine.on_outcome(Err::<(), _>("e2")), Step::Done(Err("e2")));
    /// ```
    #[inline]
    pub fn on_outcome(&mut self, outcome: Result<T, E>) -> Step<T, E> {
        if self.policy.should_retry(&outcome) {
            return self.on_retryable(outcome);
        }
        match &outcome {
            Ok(_) => {
                if self.settle {
                    self.on_accepted();
                }
            }
            Err(_) => self.on_not_retryable(&outcome),
        }
        Step::Done(outcome)
    }

    /// Updates the elapsed time, if the call measures time.
    fn mark_outcome_time(&mut self) {
        let Some(start) = self.cold.as_ref().and_then(|cold| cold.start) else {
            return;
        };
        let now = self.now();
        self.cold().elapsed_ns = nanos_u64(now.saturating_duration_since(start));
    }

    #[cold]
    #[inline(never)]
    fn on_accepted(&mut self) {
        self.mark_outcome_time();
        let permit = self.cold.as_mut().and_then(|cold| {
            cold.set_next_sleep(None);
            cold.permit.take()
        });
        if let Some(budget) = self.active_budget() {
            budget.on_success(permit);
        }
        #[cfg(feature = "tracing")]
        if self.attempt > 1 {
            let stats = self.stats();
            tracing::info!(
                target: "retry_core",
                name = stats.name,
                attempts = stats.attempt,
                elapsed_ms = stats.start.map(|_| millis(stats.elapsed)),
                "succeeded after retrying"
            );
        }
    }

    #[cold]
    #[inline(never)]
    fn on_not_retryable(&mut self, outcome: &Result<T, E>) {
        self.mark_outcome_time();
        let cold = self.cold();
        cold.stop_reason = Some(StopReason::NotRetryable);
        cold.set_next_sleep(None);
        #[cfg(feature = "tracing")]
        tracing::debug!(
            target: "retry_core",
            name = self.policy.name(),
            attempt = self.attempt,
            error = %Described { outcome, describe: self.describe },
            "not retryable, returning the error"
        );
        #[cfg(not(feature = "tracing"))]
        let _ = outcome;
    }

    #[cold]
    #[inline(never)]
    fn on_retryable(&mut self, outcome: Result<T, E>) -> Step<T, E> {
        self.mark_outcome_time();
        self.cold().set_next_sleep(None);
        // The flag belongs to the attempt that just ended: read it and clear it for the next.
        let kind = if std::mem::take(&mut self.timed_out) {
            FailureKind::Timeout
        } else {
            FailureKind::Error
        };
        let budget = self.active_budget();
        if let Some(budget) = budget {
            budget.on_failure(kind);
        }

        let mut state = RetryState::new(self.stats(), Some(outcome));
        self.policy.after(&state);
        let policy = self.policy;
        let cold = self.cold();
        let delay = policy.next_wait(&mut cold.wait_state, &state, &mut cold.rng);
        cold.set_next_sleep(Some(delay));
        state.stats_mut().next_sleep = Some(delay);

        let mut reason = policy.stop_reason(state.stats());
        if reason.is_none()
            && let Some(budget) = budget
        {
            match budget.try_retry(kind) {
                Some(permit) => cold.permit = Some(permit),
                None => reason = Some(StopReason::Budget),
            }
        }

        if let Some(reason) = reason {
            cold.stop_reason = Some(reason);
            state.stats_mut().stop_reason = Some(reason);
            #[cfg(feature = "tracing")]
            if let Some(outcome) = state.outcome() {
                let stats = state.stats();
                tracing::error!(
                    target: "retry_core",
                    name = stats.name,
                    attempts = stats.attempt,
                    elapsed_ms = stats.start.map(|_| millis(stats.elapsed)),
                    reason = %reason,
                    error = %Described { outcome, describe: self.describe },
                    "giving up"
                );
            }
            return match state.into_outcome() {
                Some(outcome) => Step::Done(outcome),
                // The state was built with the outcome above and nothing takes it out.
                None => unreachable!("the engine's state always holds the outcome it was given"),
            };
        }

        cold.idle_ns = cold.idle_ns.saturating_add(nanos_u64(delay));
        state.stats_mut().idle_for = Duration::from_nanos(cold.idle_ns);
        policy.before_sleep(&state);
        #[cfg(feature = "tracing")]
        if let Some(outcome) = state.outcome() {
            tracing::warn!(
                target: "retry_core",
                name = policy.name(),
                attempt = self.attempt,
                delay_ms = millis(delay),
                error = %Described { outcome, describe: self.describe },
                "attempt failed, retrying"
            );
        }
        Step::Retry(delay)
    }

    /// Sleeps for `delay` by blocking the thread, through the policy's [`Sleeper`].
    ///
    /// ```
    /// # use retry_core::{Engine, Retrying};
    /// let policy = Retrying::new();
    /// let engine: Engine<'_, _, (), ()> = Engine::new(&policy);
    /// engine.sleep_blocking(std::time::Duration::ZERO);
    /// ```
    #[inline]
    pub fn sleep_blocking(&self, delay: Duration)
    where
        P::Sleeper: Sleeper,
    {
        Sleeper::sleep(self.policy.sleeper(), delay)
    }

    /// A future that sleeps for `delay` through the policy's [`AsyncSleeper`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// # use retry_core::{Engine, Retrying};
    /// let policy = Retrying::new();
    /// let engine: Engine<'_, _, (), ()> = Engine::new(&policy);
    /// engine.sleep(std::time::Duration::from_secs(1)).await;
    /// # }
    /// ```
    #[inline]
    pub fn sleep(&self, delay: Duration) -> <P::Sleeper as AsyncSleeper>::Sleep
    where
        P::Sleeper: AsyncSleeper,
    {
        AsyncSleeper::sleep(self.policy.sleeper(), delay)
    }

    /// Wraps one async attempt in the policy's per-attempt timeout. Await the result and turn it
    /// into the attempt's outcome with [`finish_attempt`](Self::finish_attempt). Without a timeout
    /// the attempt's future runs as it is: nothing is added to it.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// use retry_core::{Retrying, Step};
    /// use retry_core::stop::attempts;
    /// use std::time::Duration;
    ///
    /// let policy = Retrying::new().stop(attempts(1)).timeout(Duration::from_secs(1));
    /// let mut engine = policy.start();
    /// engine.before_attempt();
    /// let raw = engine
    ///     .guard_attempt(async { tokio::time::sleep(Duration::from_secs(5)).await; Ok(()) })
    ///     .await;
    /// let outcome: Result<(), std::io::Error> = engine.finish_attempt(raw);
    /// assert_eq!(outcome.as_ref().unwrap_err().kind(), std::io::ErrorKind::TimedOut);
    /// assert!(matches!(engine.on_outcome(outcome), Step::Done(Err(_))));
    /// # }
    /// ```
    #[inline]
    pub fn guard_attempt<F>(&self, attempt: F) -> <P::Timeout as AttemptTimeout<E>>::Guarded<F>
    where
        F: Future<Output = Result<T, E>>,
    {
        self.policy.attempt_timeout().guard(attempt)
    }

    /// The outcome of an attempt run through [`guard_attempt`](Self::guard_attempt): an attempt
    /// cut short by the timeout becomes `Err(E::from(AttemptTimedOut))` and counts as a timeout
    /// for budgets.
    ///
    /// ```
    /// use retry_core::Retrying;
    /// let policy = Retrying::new();
    /// let mut engine = policy.start::<u8, &str>();
    /// engine.before_attempt();
    /// assert_eq!(engine.finish_attempt(Ok(Ok(1))), Ok(1));
    /// ```
    #[inline]
    pub fn finish_attempt(
        &mut self,
        outcome: Result<Result<T, E>, <P::Timeout as AttemptTimeout<E>>::Expired>,
    ) -> Result<T, E> {
        match outcome {
            Ok(outcome) => outcome,
            Err(expired) => {
                self.timed_out = true;
                Err(self.policy.attempt_timeout().expired(expired))
            }
        }
    }

    /// Marks the attempt that just ran as timed out (for drivers with their own timeout), so a
    /// budget charges it as a timeout.
    ///
    /// ```
    /// # use retry_core::{Engine, Retrying};
    /// let policy = Retrying::new();
    /// let mut engine: Engine<'_, _, (), ()> = Engine::new(&policy);
    /// engine.before_attempt();
    /// engine.mark_timed_out();
    /// ```
    #[inline]
    pub fn mark_timed_out(&mut self) {
        self.timed_out = true;
    }

    /// Wraps the final error with this call's numbers.
    ///
    /// ```
    /// use retry_core::{Retrying, Step, StopReason};
    /// use retry_core::stop::attempts;
    /// let policy = Retrying::new().stop(attempts(1));
    /// let mut engine = policy.start();
    /// engine.before_attempt();
    /// let Step::Done(Err(e)) = engine.on_outcome(Err::<(), _>("x")) else { unreachable!() };
    /// assert_eq!(engine.retry_error(e).reason(), StopReason::Attempts);
    /// ```
    #[inline]
    pub fn retry_error(&self, error: E) -> RetryError<E> {
        RetryError::new(error, self.stats())
    }

    /// `true` when the policy stopped the loop (attempts, deadline, budget, cancellation): the
    /// case for `on_exhausted`.
    ///
    /// ```
    /// # use retry_core::{Engine, Retrying};
    /// let policy = Retrying::new();
    /// let engine: Engine<'_, _, (), ()> = Engine::new(&policy);
    /// assert!(!engine.is_exhausted());
    /// ```
    #[inline]
    pub fn is_exhausted(&self) -> bool {
        self.cold
            .as_ref()
            .and_then(|cold| cold.stop_reason)
            .is_some_and(StopReason::is_exhausted)
    }

    /// The final state, with the last outcome, for `on_exhausted`.
    ///
    /// ```
    /// # use retry_core::{Engine, Retrying};
    /// let policy = Retrying::new();
    /// let engine: Engine<'_, _, (), &str> = Engine::new(&policy);
    /// let state = engine.into_state(Err("last"));
    /// assert_eq!(state.error(), Some(&"last"));
    /// ```
    #[inline]
    pub fn into_state(self, outcome: Result<T, E>) -> RetryState<T, E> {
        RetryState::new(self.stats(), Some(outcome))
    }
}

impl<P: Policy<T, E>, T, E> fmt::Debug for Engine<'_, P, T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Engine")
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

#[cfg(feature = "tracing")]
fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// An outcome as an event field: the error through the describer, or a note for a rejected value.
#[cfg(feature = "tracing")]
struct Described<'a, T, E> {
    outcome: &'a Result<T, E>,
    describe: Option<DescribeError<E>>,
}

#[cfg(feature = "tracing")]
impl<T, E> fmt::Display for Described<'_, T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.outcome, self.describe) {
            (Err(e), Some(describe)) => describe(e, f),
            (Err(_), None) => f.write_str("<error>"),
            (Ok(_), _) => f.write_str("<rejected result>"),
        }
    }
}
