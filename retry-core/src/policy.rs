//! [`Retrying`]: a whole retry policy as a value, and the [`Policy`] trait the engine drives.

use std::fmt;
use std::fmt::Display;
use std::time::Duration;

use crate::budget::{BudgetRef, RetryBudget};
use crate::condition::{Anything, IfError, RetryCondition};
use crate::engine::{Engine, Step};
use crate::error::RetryError;
use crate::hooks::{Hook, Hooks, NoHook};
use crate::sleep::{AsyncSleeper, Clock, DefaultSleeper, Sleeper};
use crate::state::{RetryState, RetryStats, StopReason};
use crate::stop::{Attempts, Stop};
use crate::wait::{JitterRng, RandomExponential, Wait};

/// Everything the [`Engine`] needs from a policy. [`Retrying`] implements it; implement it
/// yourself only to drive the engine with a policy type of your own.
///
/// ```
/// use retry_core::{Engine, Policy, Retrying, Step};
/// use retry_core::{stop::attempts, wait::fixed};
///
/// fn first_step<P: Policy<(), &'static str>>(policy: &P) -> Step<(), &'static str> {
///     let mut engine = Engine::new(policy);
///     engine.before_attempt();
///     engine.on_outcome(Err("down"))
/// }
/// let policy = Retrying::new().stop(attempts(2)).wait(fixed(1));
/// assert_eq!(first_step(&policy), Step::Retry(std::time::Duration::from_secs(1)));
/// assert_eq!(first_step(&policy.stop(attempts(1))), Step::Done(Err("down")));
/// ```
pub trait Policy<T, E> {
    /// Per-call memory of the wait strategy.
    ///
    /// ```
    /// use retry_core::wait::DecorrelatedJitter;
    /// use retry_core::{stop::Attempts, Policy, Retrying};
    ///
    /// type P = Retrying<Attempts, DecorrelatedJitter>;
    /// let previous: <P as Policy<(), ()>>::WaitState = Default::default();
    /// assert_eq!(previous, None); // the previous sleep, none yet
    /// ```
    type WaitState: Default;
    /// The sleeper, which also provides the clock.
    ///
    /// ```
    /// use retry_core::{testing::TestClock, Policy, Retrying};
    ///
    /// let policy = Retrying::new().sleeper(TestClock::new());
    /// let clock: &TestClock = Policy::<(), ()>::sleeper(&policy);
    /// assert!(clock.sleeps().is_empty());
    /// ```
    type Sleeper: Clock;
    /// How async attempts are bounded in time.
    ///
    /// ```
    /// use retry_core::{timeout::Timeout, Policy, Retrying};
    /// use std::{io, time::Duration};
    ///
    /// let policy = Retrying::new().timeout(Duration::from_secs(5));
    /// let timeout: &Timeout = Policy::<(), io::Error>::attempt_timeout(&policy);
    /// assert_eq!(timeout.duration(), Some(Duration::from_secs(5)));
    /// ```
    type Timeout: AttemptTimeout<E>;

    /// Whether the outcome is retried.
    ///
    /// ```
    /// use retry_core::{condition::if_error, Policy, Retrying};
    ///
    /// let policy = Retrying::new().retry(if_error(|status: &u16| *status >= 500));
    /// assert!(Policy::<(), u16>::should_retry(&policy, &Err(503)));
    /// assert!(!Policy::<(), u16>::should_retry(&policy, &Err(404)));
    /// ```
    fn should_retry(&self, outcome: &Result<T, E>) -> bool;
    /// Whether (and why) to stop after a failure, once the next wait is known.
    ///
    /// ```
    /// use retry_core::{stop::attempts, Policy, Retrying, RetryStats, StopReason};
    ///
    /// let policy = Retrying::new().stop(attempts(2));
    /// let stats = RetryStats::new("x").with_attempt(2);
    /// assert_eq!(Policy::<(), ()>::stop_reason(&policy, &stats), Some(StopReason::Attempts));
    /// ```
    fn stop_reason(&self, stats: &RetryStats) -> Option<StopReason>;
    /// The sleep after a failure.
    ///
    /// ```
    /// use retry_core::wait::{fixed, JitterRng};
    /// use retry_core::{Policy, Retrying, RetryState};
    ///
    /// let policy = Retrying::new().wait(fixed(2));
    /// let state = RetryState::<(), ()>::at_attempt(1, None);
    /// let wait = policy.next_wait(&mut (), &state, &mut JitterRng::seeded(0));
    /// assert_eq!(wait, std::time::Duration::from_secs(2));
    /// ```
    fn next_wait(
        &self,
        wait_state: &mut Self::WaitState,
        state: &RetryState<T, E>,
        rng: &mut JitterRng,
    ) -> Duration;
    /// The `before` hook.
    ///
    /// ```
    /// use retry_core::{Policy, Retrying, RetryState};
    /// use std::cell::Cell;
    ///
    /// let started = Cell::new(0);
    /// let policy = Retrying::new().before(|s: &RetryState<(), ()>| started.set(s.attempt()));
    /// Policy::before(&policy, &RetryState::at_attempt(2, None));
    /// assert_eq!(started.get(), 2);
    /// ```
    fn before(&self, state: &RetryState<T, E>);
    /// The `after` hook.
    ///
    /// ```
    /// use retry_core::{Policy, Retrying, RetryState};
    /// use std::cell::Cell;
    ///
    /// let failed = Cell::new(false);
    /// let policy = Retrying::new().after(|s: &RetryState<(), &str>| failed.set(s.failed()));
    /// Policy::after(&policy, &RetryState::at_attempt(1, Some(Err("down"))));
    /// assert!(failed.get());
    /// ```
    fn after(&self, state: &RetryState<T, E>);
    /// The `before_sleep` hook.
    ///
    /// ```
    /// use retry_core::{Policy, Retrying, RetryState};
    /// use std::cell::Cell;
    ///
    /// let slept = Cell::new(false);
    /// let policy = Retrying::new().before_sleep(|_: &RetryState<(), ()>| slept.set(true));
    /// Policy::before_sleep(&policy, &RetryState::at_attempt(1, None));
    /// assert!(slept.get());
    /// ```
    fn before_sleep(&self, state: &RetryState<T, E>);
    /// `true` when a `before` hook is set.
    ///
    /// ```
    /// use retry_core::{Policy, Retrying, RetryState};
    ///
    /// assert!(!Policy::<(), ()>::has_before_hook(&Retrying::new()));
    /// let policy = Retrying::new().before(|_: &RetryState<(), ()>| {});
    /// assert!(Policy::<(), ()>::has_before_hook(&policy));
    /// ```
    fn has_before_hook(&self) -> bool;
    /// `true` when the clock must be read as the first attempt starts.
    ///
    /// ```
    /// use retry_core::{stop::after_delay, Policy, Retrying};
    ///
    /// assert!(!Policy::<(), ()>::needs_clock(&Retrying::new()));
    /// assert!(Policy::<(), ()>::needs_clock(&Retrying::new().stop(after_delay(30))));
    /// ```
    fn needs_clock(&self) -> bool;
    /// The sleeper and clock.
    ///
    /// ```
    /// use retry_core::{sleep::Sleeper, testing::TestClock, Policy, Retrying};
    /// use std::time::Duration;
    ///
    /// let clock = TestClock::new();
    /// let policy = Retrying::new().sleeper(clock.clone());
    /// Policy::<(), ()>::sleeper(&policy).sleep(Duration::from_secs(3));
    /// assert_eq!(clock.total_slept(), Duration::from_secs(3));
    /// ```
    fn sleeper(&self) -> &Self::Sleeper;
    /// The shared retry budget, if any.
    ///
    /// ```
    /// use retry_core::{budget::RetryQuota, Policy, Retrying};
    ///
    /// static QUOTA: RetryQuota = RetryQuota::new();
    /// assert!(Policy::<(), ()>::budget(&Retrying::new()).is_none());
    /// assert!(Policy::<(), ()>::budget(&Retrying::new().budget(&QUOTA)).is_some());
    /// ```
    fn budget(&self) -> Option<&dyn RetryBudget>;
    /// The policy's name, used in events and statistics.
    ///
    /// ```
    /// use retry_core::{Policy, Retrying};
    ///
    /// assert_eq!(Policy::<(), ()>::name(&Retrying::new()), "retry");
    /// assert_eq!(Policy::<(), ()>::name(&Retrying::new().name("users.lookup")), "users.lookup");
    /// ```
    fn name(&self) -> &'static str;
    /// A fixed seed for the jitter generator, for reproducible runs.
    ///
    /// ```
    /// use retry_core::{Policy, Retrying};
    ///
    /// assert_eq!(Policy::<(), ()>::seed(&Retrying::new()), None);
    /// assert_eq!(Policy::<(), ()>::seed(&Retrying::new().seed(7)), Some(7));
    /// ```
    fn seed(&self) -> Option<u64>;
    /// The per-attempt timeout setting of async attempts.
    ///
    /// ```
    /// use retry_core::policy::AttemptTimeout;
    /// use retry_core::{Policy, Retrying};
    /// use std::{io::Error, time::Duration};
    ///
    /// let policy = Retrying::new().timeout(Duration::from_secs(5));
    /// let timeout = Policy::<(), Error>::attempt_timeout(&policy);
    /// assert_eq!(AttemptTimeout::<Error>::limit(timeout), Some(Duration::from_secs(5)));
    /// ```
    fn attempt_timeout(&self) -> &Self::Timeout;
}

pub use crate::timeout::{AttemptTimeout, NoTimeout, Timeout};

/// The bare `#[retry]` default wait: full jitter, `random_exponential(100ms, 0, 20s).base(1.3)`.
///
/// Base 1.3 rather than 2: in a simulation of many clients contending for one resource (AWS's
/// "Exponential Backoff And Jitter" model, `docs/contention.md`) it does less work than the
/// study's full jitter (`random_exponential(10ms, 0, 2s)`) and finishes sooner than its
/// decorrelated jitter at 8 of 10 client counts, where base-2 full jitter from 100 ms does the
/// least work of all but finishes last of the jittered strategies.
///
/// ```
/// use retry_core::policy::DEFAULT_WAIT;
/// use retry_core::wait::{delays, random_exponential};
/// use std::time::Duration;
///
/// assert_eq!(DEFAULT_WAIT, random_exponential(Duration::from_millis(100), 0, 20).base(1.3));
/// assert!(delays(&DEFAULT_WAIT, 1, 0)[0] <= Duration::from_millis(100));
/// assert!(delays(&DEFAULT_WAIT, 100, 0).iter().all(|d| *d <= Duration::from_secs(20)));
/// ```
pub const DEFAULT_WAIT: RandomExponential = RandomExponential::BARE_DEFAULT;
/// The bare `#[retry]` default stop: 3 attempts.
///
/// ```
/// use retry_core::{policy::DEFAULT_STOP, stop::attempts, Retrying};
///
/// assert_eq!(DEFAULT_STOP, attempts(3));
/// assert_eq!(*Retrying::new().stop_strategy(), DEFAULT_STOP);
/// ```
pub const DEFAULT_STOP: Attempts = crate::stop::attempts(3);
/// The name of a policy that was not given one.
///
/// ```
/// use retry_core::{policy::DEFAULT_NAME, Retrying};
///
/// assert_eq!(Retrying::new().policy_name(), DEFAULT_NAME);
/// assert_eq!(Retrying::new().name("db").policy_name(), "db");
/// ```
pub const DEFAULT_NAME: &str = "retry";

/// A retry policy: stop, wait and retry strategies, hooks, sleeper, timeout and budget.
///
/// `Retrying::new()` is the bounded default of a bare `#[retry]`: 3 attempts, full-jitter
/// exponential waits from 100 ms (growing by 1.3 per attempt) capped at 20 s, every `Err` retried. Each builder method replaces
/// one part. A policy is cheap to build per call and, when its parts are, `Clone + Send + Sync`,
/// so it can also be built once and shared.
///
/// ```
/// use retry_core::Retrying;
/// use retry_core::stop::attempts;
/// use retry_core::wait::fixed;
/// use retry_core::testing::TestClock;
/// use std::time::Duration;
///
/// let clock = TestClock::new();
/// let policy = Retrying::new().stop(attempts(3)).wait(fixed(2)).sleeper(clock.clone());
///
/// let mut calls = 0;
/// let result = policy.call(|| {
///     calls += 1;
///     if calls < 3 { Err("busy") } else { Ok(calls) }
/// });
/// assert_eq!(result, Ok(3));
/// assert_eq!(clock.sleeps(), [Duration::from_secs(2); 2]);
/// ```
#[derive(Clone)]
pub struct Retrying<
    S = Attempts,
    W = RandomExponential,
    R = IfError<Anything>,
    H = Hooks,
    Z = DefaultSleeper,
    X = NoTimeout,
> {
    stop: S,
    wait: W,
    retry: R,
    hooks: H,
    sleeper: Z,
    timeout: X,
    budget: Option<BudgetRef>,
    name: &'static str,
    seed: Option<u64>,
}

impl Retrying {
    /// The bounded default policy (see the type's documentation).
    ///
    /// ```
    /// let policy = retry_core::Retrying::new();
    /// assert_eq!(policy.policy_name(), "retry");
    /// ```
    #[inline]
    pub const fn new() -> Self {
        Retrying::from_parts(
            DEFAULT_STOP,
            DEFAULT_WAIT,
            crate::condition::on_error(),
            NoTimeout,
            DEFAULT_NAME,
        )
    }
}

impl<S, W, R, X> Retrying<S, W, R, Hooks, DefaultSleeper, X> {
    /// A policy of these parts with no hooks, the default sleeper and no budget: what a `#[retry]`
    /// whose keys are all literals builds at compile time.
    #[inline]
    pub(crate) const fn from_parts(
        stop: S,
        wait: W,
        retry: R,
        timeout: X,
        name: &'static str,
    ) -> Self {
        Retrying {
            stop,
            wait,
            retry,
            hooks: Hooks {
                before: NoHook,
                after: NoHook,
                before_sleep: NoHook,
            },
            sleeper: DefaultSleeper,
            timeout,
            budget: None,
            name,
            seed: None,
        }
    }
}

impl Default for Retrying {
    fn default() -> Self {
        Retrying::new()
    }
}

impl<S, W, R, H, Z, X> Retrying<S, W, R, H, Z, X> {
    /// Replaces the stop strategy.
    ///
    /// ```
    /// use retry_core::stop::{attempts, after_delay};
    /// let _ = retry_core::Retrying::new().stop(attempts(5) | after_delay(30));
    /// ```
    #[inline]
    pub fn stop<S2: Stop>(self, stop: S2) -> Retrying<S2, W, R, H, Z, X> {
        Retrying {
            stop,
            wait: self.wait,
            retry: self.retry,
            hooks: self.hooks,
            sleeper: self.sleeper,
            timeout: self.timeout,
            budget: self.budget,
            name: self.name,
            seed: self.seed,
        }
    }

    /// Replaces the wait strategy.
    ///
    /// ```
    /// use retry_core::wait::{exponential, random};
    /// let _ = retry_core::Retrying::new().wait(exponential(1, 2, 10) + random(0, 0.5));
    /// ```
    #[inline]
    pub fn wait<W2>(self, wait: W2) -> Retrying<S, W2, R, H, Z, X> {
        Retrying {
            stop: self.stop,
            wait,
            retry: self.retry,
            hooks: self.hooks,
            sleeper: self.sleeper,
            timeout: self.timeout,
            budget: self.budget,
            name: self.name,
            seed: self.seed,
        }
    }

    /// Replaces the retry condition.
    ///
    /// ```
    /// use retry_core::condition::if_error;
    /// let _ = retry_core::Retrying::new().retry(if_error(|e: &std::io::Error| e.kind() != std::io::ErrorKind::NotFound));
    /// ```
    #[inline]
    pub fn retry<R2>(self, retry: R2) -> Retrying<S, W, R2, H, Z, X> {
        Retrying {
            stop: self.stop,
            wait: self.wait,
            retry,
            hooks: self.hooks,
            sleeper: self.sleeper,
            timeout: self.timeout,
            budget: self.budget,
            name: self.name,
            seed: self.seed,
        }
    }

    /// Replaces the sleeper (and with it the clock): a [`TestClock`](crate::testing::TestClock)
    /// in tests, another runtime's timer through [`sleep::from_fn`](crate::sleep::from_fn).
    ///
    /// ```
    /// let _ = retry_core::Retrying::new().sleeper(retry_core::testing::TestClock::new());
    /// ```
    #[inline]
    pub fn sleeper<Z2: Clock>(self, sleeper: Z2) -> Retrying<S, W, R, H, Z2, X> {
        Retrying {
            stop: self.stop,
            wait: self.wait,
            retry: self.retry,
            hooks: self.hooks,
            sleeper,
            timeout: self.timeout,
            budget: self.budget,
            name: self.name,
            seed: self.seed,
        }
    }

    /// Sets a per-attempt timeout for async calls: an attempt running longer is cancelled and
    /// fails with `E::from(AttemptTimedOut)`. Sync calls ignore it.
    ///
    /// The limit is kept by tokio's timer (`tokio::time::timeout`) whatever sleeper the policy
    /// sleeps with, so a [`TestClock`](crate::testing::TestClock) that skips the sleeps still
    /// bounds every attempt in real (or paused) time. Like `tokio::time::timeout` itself, it needs
    /// the call to run inside a tokio runtime with time enabled: with another runtime, bound the
    /// attempts with that runtime's own timeout inside the operation instead.
    ///
    /// ```
    /// let _ = retry_core::Retrying::new().timeout(std::time::Duration::from_secs(30));
    /// ```
    #[cfg(feature = "tokio")]
    #[inline]
    pub fn timeout(self, limit: Duration) -> Retrying<S, W, R, H, Z, Timeout> {
        self.timeout_opt(Some(limit))
    }

    /// Sets or clears the per-attempt timeout (for timeouts that come from configuration).
    ///
    /// ```
    /// let _ = retry_core::Retrying::new().timeout_opt(None);
    /// ```
    #[cfg(feature = "tokio")]
    #[inline]
    pub fn timeout_opt(self, limit: Option<Duration>) -> Retrying<S, W, R, H, Z, Timeout> {
        Retrying {
            stop: self.stop,
            wait: self.wait,
            retry: self.retry,
            hooks: self.hooks,
            sleeper: self.sleeper,
            timeout: Timeout::new(limit),
            budget: self.budget,
            name: self.name,
            seed: self.seed,
        }
    }

    /// Shares a retry budget with every other policy that uses it: `&'static` budgets and `Arc`s.
    ///
    /// ```
    /// use retry_core::budget::{FailureKind, RetryBudget, RetryPermit};
    /// struct NoRetries;
    /// impl RetryBudget for NoRetries {
    ///     fn try_retry(&self, _: FailureKind) -> Option<RetryPermit> { None }
    /// }
    /// static BUDGET: NoRetries = NoRetries;
    /// let _ = retry_core::Retrying::new().budget(&BUDGET);
    /// ```
    #[inline]
    pub fn budget(mut self, budget: impl Into<BudgetRef>) -> Self {
        self.budget = Some(budget.into());
        self
    }

    /// Names the policy; the name appears in events and statistics.
    ///
    /// ```
    /// assert_eq!(retry_core::Retrying::new().name("fetch").policy_name(), "fetch");
    /// ```
    #[inline]
    pub const fn name(mut self, name: &'static str) -> Self {
        self.name = name;
        self
    }

    /// Seeds the jitter generator: every call then draws the same sequence (for tests and
    /// simulations).
    ///
    /// ```
    /// let _ = retry_core::Retrying::new().seed(42);
    /// ```
    #[inline]
    pub const fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// The policy's name.
    ///
    /// ```
    /// assert_eq!(retry_core::Retrying::new().policy_name(), "retry");
    /// ```
    #[inline]
    pub const fn policy_name(&self) -> &'static str {
        self.name
    }

    /// The stop strategy.
    ///
    /// ```
    /// assert_eq!(retry_core::Retrying::new().stop_strategy().max_attempts(), 3);
    /// ```
    #[inline]
    pub const fn stop_strategy(&self) -> &S {
        &self.stop
    }

    /// The wait strategy.
    ///
    /// ```
    /// let _ = retry_core::Retrying::new().wait_strategy();
    /// ```
    #[inline]
    pub const fn wait_strategy(&self) -> &W {
        &self.wait
    }

    /// The retry condition.
    ///
    /// ```
    /// let _ = retry_core::Retrying::new().retry_condition();
    /// ```
    #[inline]
    pub const fn retry_condition(&self) -> &R {
        &self.retry
    }

    /// The sleeper.
    ///
    /// ```
    /// let _ = retry_core::Retrying::new().sleeper_ref();
    /// ```
    #[inline]
    pub const fn sleeper_ref(&self) -> &Z {
        &self.sleeper
    }

    /// Starts a call driven by the caller: see [`Engine`].
    ///
    /// ```
    /// use retry_core::{Retrying, Step};
    /// use retry_core::stop::attempts;
    /// use retry_core::wait::none;
    ///
    /// let policy = Retrying::new().stop(attempts(4)).wait(none());
    /// let mut engine = policy.start();
    /// let mut tries = 0;
    /// let result: Result<u32, &str> = loop {
    ///     engine.before_attempt();
    ///     tries += 1;
    ///     let outcome = if tries < 2 { Err("flaky") } else { Ok(tries) };
    ///     match engine.on_outcome(outcome) {
    ///         Step::Retry(delay) => engine.sleep_blocking(delay),
    ///         Step::Done(outcome) => break outcome,
    ///     }
    /// };
    /// assert_eq!(result, Ok(2));
    /// ```
    #[inline]
    pub fn start<T, E>(&self) -> Engine<'_, Self, T, E>
    where
        Self: Policy<T, E>,
    {
        Engine::new(self)
    }
}

impl<S, W, R, B, A, BS, Z, X> Retrying<S, W, R, Hooks<B, A, BS>, Z, X> {
    /// Sets the hook run before every attempt.
    ///
    /// ```
    /// let _ = retry_core::Retrying::new().before(|s: &retry_core::RetryState<(), ()>| println!("attempt {}", s.attempt()));
    /// ```
    #[inline]
    pub fn before<F>(self, hook: F) -> Retrying<S, W, R, Hooks<F, A, BS>, Z, X> {
        self.hooks_replaced(|h| Hooks {
            before: hook,
            after: h.after,
            before_sleep: h.before_sleep,
        })
    }

    /// Sets the hook run after every retryable failure.
    ///
    /// ```
    /// let _ = retry_core::Retrying::new().after(|s: &retry_core::RetryState<(), ()>| println!("attempt {} failed", s.attempt()));
    /// ```
    #[inline]
    pub fn after<F>(self, hook: F) -> Retrying<S, W, R, Hooks<B, F, BS>, Z, X> {
        self.hooks_replaced(|h| Hooks {
            before: h.before,
            after: hook,
            before_sleep: h.before_sleep,
        })
    }

    /// Sets the hook run before every sleep.
    ///
    /// ```
    /// let _ = retry_core::Retrying::new().before_sleep(|s: &retry_core::RetryState<(), ()>| {
    ///     println!("retrying in {:?}", s.next_sleep());
    /// });
    /// ```
    #[inline]
    pub fn before_sleep<F>(self, hook: F) -> Retrying<S, W, R, Hooks<B, A, F>, Z, X> {
        self.hooks_replaced(|h| Hooks {
            before: h.before,
            after: h.after,
            before_sleep: hook,
        })
    }

    #[inline]
    fn hooks_replaced<H2>(
        self,
        f: impl FnOnce(Hooks<B, A, BS>) -> H2,
    ) -> Retrying<S, W, R, H2, Z, X> {
        Retrying {
            stop: self.stop,
            wait: self.wait,
            retry: self.retry,
            hooks: f(self.hooks),
            sleeper: self.sleeper,
            timeout: self.timeout,
            budget: self.budget,
            name: self.name,
            seed: self.seed,
        }
    }
}

impl<S, W, R, B, A, BS, Z, X> Retrying<S, W, R, Hooks<B, A, BS>, Z, X> {
    /// Runs `op` until it succeeds, its error is not retryable, or the policy stops; returns the
    /// last outcome unchanged. Sleeps block the thread.
    ///
    /// The error type must implement `Display`, for the `tracing` events; use
    /// [`start`](Self::start) to drive the engine for error types that do not.
    ///
    /// ```
    /// use retry_core::Retrying;
    /// use retry_core::stop::attempts;
    /// use retry_core::wait::none;
    ///
    /// let mut calls = 0;
    /// let result: Result<(), String> = Retrying::new().stop(attempts(2)).wait(none()).call(|| {
    ///     calls += 1;
    ///     Err(format!("failure {calls}"))
    /// });
    /// assert_eq!(result, Err("failure 2".to_string()));
    /// ```
    // `#[inline]` makes the loop available to every codegen unit that calls it, so it can be
    // inlined like the hand-written loop it replaces (the failure paths stay out of line).
    #[inline]
    pub fn call<T, E, F>(&self, mut op: F) -> Result<T, E>
    where
        Self: Policy<T, E>,
        <Self as Policy<T, E>>::Sleeper: Sleeper,
        F: FnMut() -> Result<T, E>,
        E: Display,
    {
        let mut engine = Engine::new(self).display_errors();
        loop {
            engine.before_attempt();
            match engine.on_outcome(op()) {
                Step::Retry(delay) => engine.sleep_blocking(delay),
                Step::Done(outcome) => return outcome,
            }
        }
    }

    /// Like [`call`](Self::call), but a final error comes wrapped in a [`RetryError`] with the
    /// attempts, the elapsed time and the reason.
    ///
    /// ```
    /// use retry_core::{Retrying, StopReason};
    /// use retry_core::condition::if_error;
    ///
    /// let policy = Retrying::new().retry(if_error(|e: &&str| *e != "fatal"));
    /// let err = policy.call_detailed(|| Err::<(), _>("fatal")).unwrap_err();
    /// assert_eq!((err.attempts(), err.reason()), (1, StopReason::NotRetryable));
    /// ```
    pub fn call_detailed<T, E, F>(&self, mut op: F) -> Result<T, RetryError<E>>
    where
        Self: Policy<T, E>,
        <Self as Policy<T, E>>::Sleeper: Sleeper,
        F: FnMut() -> Result<T, E>,
        E: Display,
    {
        let mut engine = Engine::new(self).display_errors().measure_from_start();
        loop {
            engine.before_attempt();
            match engine.on_outcome(op()) {
                Step::Retry(delay) => engine.sleep_blocking(delay),
                Step::Done(outcome) => return outcome.map_err(|e| engine.retry_error(e)),
            }
        }
    }

    /// Runs an async operation until it succeeds, its error is not retryable, or the policy stops;
    /// returns the last outcome unchanged. Sleeps go through the policy's [`AsyncSleeper`] (tokio
    /// by default), and a [`timeout`](Self::timeout) bounds each attempt.
    ///
    /// `op` is called once per attempt and returns that attempt's future. It may read and mutate
    /// what it captures (a counter, a request builder) before it returns an `async move` block,
    /// as below; state that the attempts' futures themselves update goes through a shared
    /// reference (an atomic, a `Mutex`), since each future must outlive the call that made it.
    /// The returned future is `Send` when the operation's futures are.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// use retry_core::Retrying;
    /// use retry_core::stop::attempts;
    /// use retry_core::wait::fixed;
    ///
    /// let mut calls = 0;
    /// let started = tokio::time::Instant::now();
    /// let result = Retrying::new()
    ///     .stop(attempts(3))
    ///     .wait(fixed(1))
    ///     .call_async(|| {
    ///         calls += 1;
    ///         let n = calls;
    ///         async move { if n < 3 { Err("busy") } else { Ok(n) } }
    ///     })
    ///     .await;
    /// assert_eq!(result, Ok(3));
    /// assert_eq!(started.elapsed(), std::time::Duration::from_secs(2));
    /// # }
    /// ```
    pub async fn call_async<T, E, F, Fut>(&self, mut op: F) -> Result<T, E>
    where
        Self: Policy<T, E>,
        <Self as Policy<T, E>>::Sleeper: AsyncSleeper,
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, E>>,
        E: Display,
    {
        let mut engine = Engine::new(self).display_errors();
        loop {
            engine.before_attempt();
            let raw = engine.guard_attempt(op()).await;
            let outcome = engine.finish_attempt(raw);
            // Leave the match before sleeping: a `Step` kept alive across the `.await` would
            // make the future `Send` only when `T` and `E` are.
            let delay = match engine.on_outcome(outcome) {
                Step::Retry(delay) => delay,
                Step::Done(outcome) => return outcome,
            };
            engine.sleep(delay).await;
        }
    }

    /// Like [`call_async`](Self::call_async), but a final error comes wrapped in a [`RetryError`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// use retry_core::{Retrying, StopReason};
    /// use retry_core::stop::attempts;
    ///
    /// let err = Retrying::new().stop(attempts(2)).call_async_detailed(|| async { Err::<(), _>("down") }).await.unwrap_err();
    /// assert_eq!((err.attempts(), err.reason()), (2, StopReason::Attempts));
    /// # }
    /// ```
    pub async fn call_async_detailed<T, E, F, Fut>(&self, mut op: F) -> Result<T, RetryError<E>>
    where
        Self: Policy<T, E>,
        <Self as Policy<T, E>>::Sleeper: AsyncSleeper,
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, E>>,
        E: Display,
    {
        let mut engine = Engine::new(self).display_errors().measure_from_start();
        loop {
            engine.before_attempt();
            let raw = engine.guard_attempt(op()).await;
            let outcome = engine.finish_attempt(raw);
            let delay = match engine.on_outcome(outcome) {
                Step::Retry(delay) => delay,
                Step::Done(outcome) => return outcome.map_err(|e| engine.retry_error(e)),
            };
            engine.sleep(delay).await;
        }
    }
}

impl<T, E, S, W, R, B, A, BS, Z, X> Policy<T, E> for Retrying<S, W, R, Hooks<B, A, BS>, Z, X>
where
    S: Stop,
    W: Wait<T, E>,
    R: RetryCondition<T, E>,
    B: Hook<T, E>,
    A: Hook<T, E>,
    BS: Hook<T, E>,
    Z: Clock,
    X: AttemptTimeout<E>,
{
    type WaitState = W::State;
    type Sleeper = Z;
    type Timeout = X;

    #[inline(always)]
    fn should_retry(&self, outcome: &Result<T, E>) -> bool {
        self.retry.should_retry(outcome)
    }

    #[inline]
    fn stop_reason(&self, stats: &RetryStats) -> Option<StopReason> {
        self.stop.stop_reason(stats)
    }

    #[inline]
    fn next_wait(
        &self,
        wait_state: &mut W::State,
        state: &RetryState<T, E>,
        rng: &mut JitterRng,
    ) -> Duration {
        self.wait.next_wait(wait_state, state, rng)
    }

    #[inline(always)]
    fn before(&self, state: &RetryState<T, E>) {
        self.hooks.before.call(state)
    }

    #[inline]
    fn after(&self, state: &RetryState<T, E>) {
        self.hooks.after.call(state)
    }

    #[inline]
    fn before_sleep(&self, state: &RetryState<T, E>) {
        self.hooks.before_sleep.call(state)
    }

    #[inline(always)]
    fn has_before_hook(&self) -> bool {
        self.hooks.before.is_active()
    }

    #[inline(always)]
    fn needs_clock(&self) -> bool {
        self.stop.needs_clock()
            || self.wait.needs_clock()
            || self.hooks.before.is_active()
            || self.hooks.after.is_active()
            || self.hooks.before_sleep.is_active()
    }

    #[inline(always)]
    fn sleeper(&self) -> &Z {
        &self.sleeper
    }

    #[inline(always)]
    fn budget(&self) -> Option<&dyn RetryBudget> {
        self.budget.as_ref().map(BudgetRef::get)
    }

    #[inline(always)]
    fn name(&self) -> &'static str {
        self.name
    }

    #[inline(always)]
    fn seed(&self) -> Option<u64> {
        self.seed
    }

    #[inline(always)]
    fn attempt_timeout(&self) -> &X {
        &self.timeout
    }
}

impl<S, W, R, H, Z, X> fmt::Debug for Retrying<S, W, R, H, Z, X> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Retrying")
            .field("name", &self.name)
            .field("stop", &std::any::type_name::<S>())
            .field("wait", &std::any::type_name::<W>())
            .field("retry", &std::any::type_name::<R>())
            .field("budget", &self.budget)
            .field("seed", &self.seed)
            .finish_non_exhaustive()
    }
}

/// A borrowed policy is a policy: `#[retry(policy = &POLICY)]` and shared `&Retrying` work.
impl<T, E, P: Policy<T, E> + ?Sized> Policy<T, E> for &P {
    type WaitState = P::WaitState;
    type Sleeper = P::Sleeper;
    type Timeout = P::Timeout;

    #[inline(always)]
    fn should_retry(&self, outcome: &Result<T, E>) -> bool {
        (**self).should_retry(outcome)
    }
    #[inline]
    fn stop_reason(&self, stats: &RetryStats) -> Option<StopReason> {
        (**self).stop_reason(stats)
    }
    #[inline]
    fn next_wait(
        &self,
        wait_state: &mut P::WaitState,
        state: &RetryState<T, E>,
        rng: &mut JitterRng,
    ) -> Duration {
        (**self).next_wait(wait_state, state, rng)
    }
    #[inline(always)]
    fn before(&self, state: &RetryState<T, E>) {
        (**self).before(state)
    }
    #[inline]
    fn after(&self, state: &RetryState<T, E>) {
        (**self).after(state)
    }
    #[inline]
    fn before_sleep(&self, state: &RetryState<T, E>) {
        (**self).before_sleep(state)
    }
    #[inline(always)]
    fn has_before_hook(&self) -> bool {
        (**self).has_before_hook()
    }
    #[inline(always)]
    fn needs_clock(&self) -> bool {
        (**self).needs_clock()
    }
    #[inline(always)]
    fn sleeper(&self) -> &P::Sleeper {
        (**self).sleeper()
    }
    #[inline(always)]
    fn budget(&self) -> Option<&dyn RetryBudget> {
        (**self).budget()
    }
    #[inline(always)]
    fn name(&self) -> &'static str {
        (**self).name()
    }
    #[inline(always)]
    fn seed(&self) -> Option<u64> {
        (**self).seed()
    }
    #[inline(always)]
    fn attempt_timeout(&self) -> &P::Timeout {
        (**self).attempt_timeout()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shareable<P: Clone + Send + Sync + 'static>(_: &P) {}

    #[test]
    fn policies_are_clone_send_sync() {
        shareable(&Retrying::new());
        let full = Retrying::new()
            .stop(crate::stop::attempts(5) | crate::stop::after_delay(30))
            .wait(crate::wait::exponential(1, 2, 10) + crate::wait::random(0, 1))
            .retry(crate::condition::if_error(|e: &std::io::Error| {
                e.kind() != std::io::ErrorKind::NotFound
            }))
            .before_sleep(|_: &RetryState<(), std::io::Error>| {})
            .timeout(Duration::from_secs(1))
            .name("full");
        shareable(&full);
        // `&Retrying` drives the engine too (what `#[retry(policy = &POLICY)]` relies on).
        let by_ref = &full;
        let mut engine: crate::Engine<'_, _, (), std::io::Error> = crate::Engine::new(&by_ref);
        engine.before_attempt();
        assert!(matches!(
            engine.on_outcome(Ok(())),
            crate::Step::Done(Ok(()))
        ));
        assert_eq!(engine.stats().name(), "full");
    }
}
