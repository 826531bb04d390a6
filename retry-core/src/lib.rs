//! Retry policies for sync and async Rust, with the semantics of Python's `tenacity`.
//!
//! A policy is three strategies and some hooks: **stop** (when to give up), **wait** (how long to
//! sleep between attempts) and **retry** (which outcomes deserve another attempt). Write it as an
//! attribute, or build it as a value:
//!
//! ```
//! use retry_core::retry;
//!
//! #[derive(Debug)]
//! struct ApiError { status: u16 }
//!
//! #[retry(stop = attempts(3), wait = none, retry = if_error(|e: &ApiError| e.status >= 500))]
//! fn fetch(calls: &mut u32) -> Result<&'static str, ApiError> {
//!     *calls += 1;
//!     if *calls < 3 { Err(ApiError { status: 503 }) } else { Ok("hello") }
//! }
//!
//! let mut calls = 0;
//! assert_eq!(fetch(&mut calls).unwrap(), "hello");
//! assert_eq!(calls, 3);
//! ```
//!
//! ```
//! use retry_core::Retrying;
//! use retry_core::stop::{attempts, after_delay};
//! use retry_core::wait::{exponential, random};
//! use retry_core::testing::TestClock;
//!
//! let clock = TestClock::new();
//! let policy = Retrying::new()
//!     .stop(attempts(5) | after_delay(30))
//!     .wait(exponential(1, 2, 10) + random(0, 0.5))
//!     .sleeper(clock.clone());
//! let result: Result<(), &str> = policy.call(|| Err("down"));
//! assert_eq!(result, Err("down"));
//! assert_eq!(clock.sleeps().len(), 4);
//! ```
//!
//! # Semantics
//!
//! After each outcome the loop runs, in order: the retry condition (a non-retryable outcome is
//! returned at once), the `after` hook, the wait computation, the stop check (which sees the
//! upcoming sleep), the retry budget, the `before_sleep` hook, the sleep, the `before` hook and the
//! next attempt. When the policy stops, the last outcome is returned unchanged (tenacity's
//! `reraise=True`); [`RetryError`] and `on_exhausted` give the caller the attempts, elapsed time
//! and reason instead.
//!
//! Unlike tenacity, the defaults are bounded: [`Retrying::new`] (and a bare `#[retry]`) makes at
//! most 3 attempts with full-jitter exponential waits from 100 ms (growing by 1.3 per attempt,
//! see `docs/contention.md`), capped at 20 s.
//!
//! State is per call: concurrent and re-entrant calls of one policy never share counters.
//!
//! # Features
//!
//! - `macros` (default): the [`retry`] attribute.
//! - `tokio` (default): async sleeps and per-attempt timeouts through `tokio::time`, so tests under
//!   `#[tokio::test(start_paused = true)]` measure waits exactly.
//! - `tracing` (default): events for attempts, sleeps and exhaustion, and the [`log`] hooks.
//! - `http`: `Retry-After` parsing, [`Transient`] for `http::StatusCode`, and `http::StatusError`
//!   (the `http` module).
//! - `reqwest`: [`Transient`] for `reqwest::Error` and `http::HttpError`, one error type for
//!   reqwest calls that knows which failures to retry and how long the server asked to wait.
//! - `serde`: retry policies from configuration files (the `config` module), with human
//!   durations (`"500ms"`) and errors that name the field.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod budget;
pub mod condition;
#[cfg(feature = "serde")]
pub mod config;
mod duration;
pub mod engine;
mod error;
pub mod hooks;
#[cfg(feature = "http")]
pub mod http;
#[cfg(feature = "tracing")]
pub mod log;
pub mod policy;
mod retry_after;
pub mod sleep;
mod state;
pub mod stop;
pub mod testing;
pub mod timeout;
mod transient;
pub mod wait;

// The README's examples are compiled and run as doctests, so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;

pub use duration::IntoDuration;
pub use engine::{Engine, Step};
pub use error::RetryError;
pub use policy::{Policy, Retrying};
pub use retry_after::{DEFAULT_RETRY_AFTER_CAP, RetryAfter};
pub use state::{RetryState, RetryStats, StopReason};
pub use transient::{AttemptTimedOut, Transient};

/// Retries a function or method according to a policy written in the attribute.
///
/// ```
/// use retry_core::retry;
///
/// #[derive(Debug)]
/// struct ApiError { status: u16 }
///
/// #[retry(
///     stop = attempts(5) | after_delay(30s),
///     wait = exponential(1, 2, 10) + random(0, 500ms),
///     retry = if_error(|e| e.status >= 500),
///     before_sleep = |s| eprintln!("attempt {} failed, retrying in {:?}", s.attempt(), s.next_sleep()),
/// )]
/// async fn fetch(calls: &mut u32) -> Result<&'static str, ApiError> {
///     *calls += 1;
///     if *calls < 3 { Err(ApiError { status: 503 }) } else { Ok("reply") }
/// }
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let mut calls = 0;
/// assert_eq!(fetch(&mut calls).await.unwrap(), "reply");
/// assert_eq!(calls, 3);
/// # }
/// ```
///
/// The attribute rewrites the body into a plain loop over an [`Engine`]: build the policy, then per
/// attempt run the body, hand its outcome to the engine, and either return it or sleep and go
/// again. Nothing is boxed or allocated; async sleeps are awaited in place. The body runs as a
/// closure call (sync) or an `async` block awaited in place (async), so `return` and `?` inside it
/// end the *attempt* with that outcome, which is then retried like any other.
///
/// When every key is a literal (a bare `#[retry]`, `stop = attempts(5) | after_delay(30s)`,
/// `wait = exponential(1, 2, 10)`, `retry = transient`, `timeout = 30s`, ..), the policy is built
/// at compile time and borrowed from static memory: a call neither builds it nor keeps it in its
/// future. Hooks, `sleep`, expressions as arguments and the `+`, `!` and retry-condition
/// operators (trait impls, which a `const` block cannot call) build it at run time, once per call:
/// a few stores, no allocation.
///
/// It works on free functions, `async fn`s, methods taking `&self`, `&mut self` or `self`, generic
/// functions (lifetimes, `where` clauses, `impl Trait` arguments and return types), `unsafe fn`s,
/// trait default methods, `async-trait` methods and functions returning `impl Future` whose body
/// ends in an `async` block (the loop goes inside that block). Visibility, docs and other
/// attributes are kept. An async function's future is `Send` whenever its body's is.
///
/// # Keys
///
/// | key | value |
/// |---|---|
/// | `stop` | when to give up: `attempts(n)`, `after_delay(d)`, `before_delay(d)`, `never`, `on_flag(flag)`, `on_cancel(f)`, `stop_if(f)`; combined with `\|` (either) and `&` (both) |
/// | `wait` | how long to sleep: `none`, `fixed(d)`, `random(min, max)`, `incrementing(start, increment, max)`, `exponential(multiplier, min, max)`, `random_exponential(multiplier, min, max)`, `exponential_jitter(initial, max, jitter)`, `equal_jitter(multiplier, max)`, `decorrelated_jitter(base, max)`, `chain(w1, w2, ..)`, `retry_after(fallback)`, `from_fn(f)`; added with `+` |
/// | `retry` | which outcomes to retry: `if_error(pred)`, `if_result(pred)`, `if_not_result(pred)`, `if_source(pred)`, `retry_if(pred)`, `transient`, `on_error`, `always`, `never`; combined with `\|`, `&` and `!` |
/// | `before`, `after`, `before_sleep` | hooks called with `&RetryState`: a closure (`\|s\| ..`, no annotation needed), a path to a function, or a hook value such as `retry_core::log::before_sleep_log(level)` |
/// | `on_exhausted` | builds the return value from the final [`RetryState`] when the policy gives up |
/// | `timeout` | a per-attempt time limit (async functions) |
/// | `budget` | a [`RetryBudget`](budget::RetryBudget) shared with other calls |
/// | `sleep` | the sleeper (and clock): a [`TestClock`](testing::TestClock) in tests, another runtime's timer |
/// | `policy` | a whole [`Retrying`] policy built at run time, instead of `stop`/`wait`/`retry`/hooks |
/// | `name` | the policy's name in events and statistics (default: the function's name) |
/// | `clone(arg, ..)` | arguments taken by value that each attempt gets a fresh clone of |
/// | `crate` | the path of `retry_core` when it is renamed or re-exported |
///
/// A bare `#[retry]` is bounded, unlike tenacity's `@retry`: 3 attempts, full-jitter exponential
/// waits from 100 ms growing by 1.3 per attempt, capped at 20 s, every `Err` retried.
///
/// ## Arguments and durations
///
/// Arguments are positional in the order of the table above, or named:
/// `exponential(multiplier = 1, min = 2, max = 10)`. `exponential`, `random_exponential` and
/// `exponential_jitter` also take a named `base` (default 2); `retry_after` a named `cap` (default
/// 60 s). The builders' spelling works too: `exponential(1, 0, 60).base(3)`,
/// `retry_after(fixed(1)).cap(10)`. A bare number is a duration in seconds (`2`, `0.5`); a suffix picks another unit: `ns`,
/// `us`, `ms`, `s`, `m`, `h` (`500ms`, `2m`). Any argument may be a Rust expression instead of a
/// literal: literals are checked at compile time, expressions are converted with
/// [`IntoDuration`] at run time (`Duration`s, integers and floats as seconds). A whole strategy may
/// be a Rust expression in braces, `{ my_wait() }`, or a path, `policies::standard_wait()`.
///
/// Literal mistakes are compile errors that point at the token: `attempts(0)`, negative, NaN,
/// infinite or oversized durations, `min > max` (and `start > max`, `initial > max`, `base > max`),
/// a zero multiplier, a `base` below 1, an empty `chain()`, wrong argument counts or names,
/// unknown units, keys and strategies (with a suggestion for near misses and for tenacity's names),
/// `+` between stop strategies, `policy` mixed with `stop`/`wait`/`retry`, `timeout` on a sync
/// function, `const fn`, and a return type with nothing to retry. Every mistake in one attribute
/// is reported in the same compile, and the function is still emitted as written so the rest of
/// the crate keeps type-checking.
///
/// ## Return types
///
/// - `Result<T, E>` (or any type whose last path segment ends in `Result`, such as `io::Result<T>`
///   and your own aliases): every `Err` is retried unless `retry` says otherwise. When the policy
///   gives up, the last outcome is returned as it is (tenacity's `reraise=True`).
/// - `Result<T, RetryError<E>>`: the body is written as returning `Result<T, E>`; a final error
///   comes back wrapped in a [`RetryError`] with the attempts, the elapsed time and the reason.
/// - Any other type, with `retry = if_result(..)` (or `if_not_result`, `always`): the value is
///   retried while the condition holds; the last value is returned when the policy gives up.
///
/// # Examples, one per key
///
/// ## `stop`
///
/// ```
/// use retry_core::retry;
///
/// #[retry(stop = attempts(3) | after_delay(10s), wait = none)]
/// fn flaky(calls: &mut u32) -> Result<(), String> {
///     *calls += 1;
///     Err(format!("failure {calls}"))
/// }
///
/// let mut calls = 0;
/// assert_eq!(flaky(&mut calls), Err("failure 3".to_owned()));
/// assert_eq!(calls, 3);
/// ```
///
/// `attempts(n)` stops once the n-th attempt has failed; `after_delay(d)` once the time since the
/// first attempt began reaches `d`; `before_delay(d)` before a sleep that would reach `d`. With `&`
/// both must agree, so `attempts(3) & after_delay(1m)` keeps trying until both limits are
/// reached. `never` only ends on success or on an outcome that is not retried.
///
/// ## `wait`
///
/// ```
/// use retry_core::retry;
/// use retry_core::testing::TestClock;
/// use std::time::Duration;
///
/// #[retry(stop = attempts(5), wait = exponential(1, 2, 10) + fixed(500ms), sleep = clock.clone())]
/// fn unreliable(clock: &TestClock) -> Result<(), &'static str> {
///     Err("down")
/// }
///
/// let clock = TestClock::new();
/// assert!(unreliable(&clock).is_err());
/// // clamp(1s * 2^(n-1), 2s, 10s) + 0.5s after attempts 1 to 4
/// assert_eq!(clock.sleeps(), [2500, 2500, 4500, 8500].map(Duration::from_millis));
/// ```
///
/// `chain(fixed(1), fixed(2), exponential(1, 0, 60))` uses the n-th strategy after the n-th
/// failure and the last one after that; `retry_after(exponential(1, 0, 30))` sleeps as long as the
/// error's [`RetryAfter`] hint says (capped at 60 s, or `cap = d`) and as the fallback says
/// otherwise. `from_fn(|s| ..)` computes the sleep from the [`RetryState`].
///
/// ## `retry`
///
/// ```
/// use retry_core::retry;
/// use std::io::{Error, ErrorKind};
///
/// #[retry(stop = attempts(4), wait = none, retry = transient & !if_error(|e| e.kind() == ErrorKind::WouldBlock))]
/// fn connect(kinds: &mut Vec<ErrorKind>) -> Result<u8, Error> {
///     Err(kinds.remove(0).into())
/// }
///
/// let mut kinds = vec![ErrorKind::ConnectionReset, ErrorKind::TimedOut, ErrorKind::PermissionDenied];
/// let err = connect(&mut kinds).unwrap_err();
/// // Two transient errors retried, then a permanent one returned at once.
/// assert_eq!(err.kind(), ErrorKind::PermissionDenied);
/// assert!(kinds.is_empty());
/// ```
///
/// Closures need no annotations: `if_error(|e| ..)` gets `&E`, `if_result(|v| ..)` gets `&T` (the
/// `Ok` value, or the whole value for non-`Result` functions), `retry_if(|outcome| ..)` gets
/// `&Result<T, E>`. `!` negates within a condition's own domain: `!if_error(p)` retries the errors
/// `p` rejects and never an `Ok`. `transient` retries errors whose [`Transient`] classification says
/// so (`io::Error` by kind; implement it for your own errors).
///
/// ```
/// use retry_core::retry;
///
/// #[retry(stop = attempts(5), wait = none, retry = if_result(|slot| slot.is_none()))]
/// fn poll(ready_at: u32, polls: &mut u32) -> Option<u32> {
///     *polls += 1;
///     (*polls >= ready_at).then_some(*polls)
/// }
///
/// let mut polls = 0;
/// assert_eq!(poll(3, &mut polls), Some(3));
/// ```
///
/// ## `before`, `after`, `before_sleep`
///
/// ```
/// use retry_core::{retry, RetryState};
/// use std::cell::RefCell;
///
/// fn log_failure(state: &RetryState<u8, String>) {
///     eprintln!("attempt {} failed: {:?}", state.attempt(), state.error());
/// }
///
/// #[retry(
///     stop = attempts(3),
///     wait = none,
///     before = |s| events.borrow_mut().push(format!("before {}", s.attempt())),
///     after = log_failure,
///     before_sleep = |s| events.borrow_mut().push(format!("sleep {} {:?}", s.attempt(), s.next_sleep())),
/// )]
/// fn job(events: &RefCell<Vec<String>>) -> Result<u8, String> {
///     Err("busy".into())
/// }
///
/// let events = RefCell::new(Vec::new());
/// assert!(job(&events).is_err());
/// assert_eq!(
///     *events.borrow(),
///     ["before 1", "sleep 1 Some(0ns)", "before 2", "sleep 2 Some(0ns)", "before 3"],
/// );
/// ```
///
/// The loop runs, after each outcome: the retry condition, `after` (for a retryable failure), the
/// wait computation, the stop check, `before_sleep`, the sleep, then `before` and the next attempt.
///
/// ## `on_exhausted`
///
/// ```
/// use retry_core::retry;
///
/// #[retry(
///     stop = attempts(2),
///     wait = none,
///     on_exhausted = |s| Ok(format!("cached (gave up after {} attempts)", s.attempt())),
/// )]
/// fn fetch() -> Result<String, String> {
///     Err("offline".into())
/// }
///
/// assert_eq!(fetch().unwrap(), "cached (gave up after 2 attempts)");
/// ```
///
/// It runs only when the policy gave up (attempts, deadline, budget, cancellation); an outcome
/// the retry condition rejected is returned as it is.
///
/// ## `timeout`
///
/// ```
/// use retry_core::retry;
/// use std::time::Duration;
///
/// #[retry(stop = attempts(3), wait = fixed(1), timeout = 2s)]
/// async fn slow() -> std::io::Result<()> {
///     tokio::time::sleep(Duration::from_secs(60)).await;
///     Ok(())
/// }
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let started = tokio::time::Instant::now();
/// let err = slow().await.unwrap_err();
/// assert_eq!(err.kind(), std::io::ErrorKind::TimedOut);
/// assert_eq!(started.elapsed(), Duration::from_secs(3 * 2 + 2 * 1));
/// # }
/// ```
///
/// An attempt still running after the limit is cancelled and fails with
/// `E::from(`[`AttemptTimedOut`]`)`; `io::Error` converts already, other error types implement
/// `From<AttemptTimedOut>`.
///
/// ## `budget`
///
/// ```
/// use retry_core::budget::{FailureKind, RetryBudget, RetryPermit};
/// use retry_core::{retry, RetryError, StopReason};
///
/// /// No retries at all, for every caller sharing it.
/// struct Exhausted;
/// impl RetryBudget for Exhausted {
///     fn try_retry(&self, _: FailureKind) -> Option<RetryPermit> { None }
/// }
/// static BUDGET: Exhausted = Exhausted;
///
/// #[retry(stop = attempts(5), wait = none, budget = &BUDGET)]
/// fn call() -> Result<(), RetryError<&'static str>> {
///     Err("unavailable")
/// }
///
/// let err = call().unwrap_err();
/// assert_eq!((err.attempts(), err.reason()), (1, StopReason::Budget));
/// ```
///
/// ## `sleep`
///
/// ```
/// use retry_core::retry;
/// use retry_core::testing::TestClock;
/// use std::time::Duration;
///
/// #[retry(stop = attempts(3), wait = fixed(30s), sleep = clock.clone())]
/// fn job(clock: &TestClock) -> Result<(), ()> {
///     Err(())
/// }
///
/// let clock = TestClock::new();
/// let _ = job(&clock); // returns at once: the clock records the sleeps
/// assert_eq!(clock.total_slept(), Duration::from_secs(60));
/// ```
///
/// ## `policy`
///
/// ```
/// use retry_core::{retry, Retrying};
/// use retry_core::stop::{attempts, Attempts};
/// use retry_core::wait::{fixed, Fixed};
///
/// struct Client {
///     policy: Retrying<Attempts, Fixed>,
/// }
///
/// impl Client {
///     #[retry(policy = &self.policy)]
///     fn call(&self, calls: &mut u32) -> Result<(), String> {
///         *calls += 1;
///         Err("unavailable".into())
///     }
/// }
///
/// let client = Client { policy: Retrying::new().stop(attempts(2)).wait(fixed(0)) };
/// let mut calls = 0;
/// assert!(client.call(&mut calls).is_err());
/// assert_eq!(calls, 2);
/// ```
///
/// A policy from configuration or per model; `budget`, `on_exhausted` and `clone` may accompany
/// it, the other keys belong to the policy itself.
///
/// ## `name`
///
/// ```
/// use retry_core::{retry, RetryError};
///
/// #[retry(stop = attempts(1), name = "users.lookup")]
/// fn lookup() -> Result<(), RetryError<()>> {
///     Err(())
/// }
///
/// assert_eq!(lookup().unwrap_err().stats().name(), "users.lookup");
/// ```
///
/// ## `clone`
///
/// Each attempt borrows the function's arguments. An argument taken by value and *moved* in the
/// body could not be used by the next attempt, and the compiler says so: "use of moved value:
/// `request`", pointing at `#[retry]` as the loop the value was moved in. Borrow it instead, or
/// list it in `clone(..)` so each attempt gets its own copy (mutations then stay within the
/// attempt; without `clone`, a mutated argument keeps its value for the next attempt):
///
/// ```
/// use retry_core::retry;
///
/// fn send(request: String) -> Result<usize, String> {
///     if request.ends_with('!') { Ok(request.len()) } else { Err(request) }
/// }
///
/// #[retry(stop = attempts(3), wait = none, clone(request))]
/// fn call(mut request: String, attempts: &mut u32) -> Result<usize, String> {
///     *attempts += 1;
///     if *attempts == 2 {
///         request.push('!');
///     }
///     send(request)
/// }
///
/// let mut attempts = 0;
/// assert_eq!(call("hi".into(), &mut attempts), Ok(3));
/// assert_eq!(attempts, 2);
/// ```
///
/// ## `crate`
///
/// ```
/// mod support {
///     pub use retry_core as runtime;
/// }
///
/// #[retry_core::retry(crate = "support::runtime", stop = attempts(2), wait = none)]
/// fn call() -> Result<(), ()> {
///     Ok(())
/// }
///
/// fn main() {
///     assert_eq!(call(), Ok(()));
/// }
/// ```
#[cfg(feature = "macros")]
pub use retry_macros::retry;

/// The vocabulary of `#[retry]` as functions, for building policies by hand.
///
/// `never` exists as a stop strategy and as a retry condition; use `stop::never()` or
/// `condition::never()`.
///
/// ```
/// use retry_core::prelude::*;
///
/// let policy = Retrying::new()
///     .stop(attempts(4) | after_delay(10))
///     .wait(exponential(1, 0, 8))
///     .retry(if_error(|e: &std::io::Error| e.kind() != std::io::ErrorKind::NotFound));
/// # let _ = policy;
/// ```
pub mod prelude {
    pub use crate::condition::{
        always, if_error, if_not_result, if_result, if_source, on_error, retry_if, transient,
    };
    pub use crate::stop::{after_delay, attempts, before_delay, on_cancel, on_flag, stop_if};
    pub use crate::wait::{
        chain, decorrelated_jitter, equal_jitter, exponential, exponential_jitter, fixed,
        incrementing, random, random_exponential, retry_after,
    };
    pub use crate::{RetryError, RetryState, Retrying, StopReason, Transient};
}

/// Support for code generated by `#[retry]`. Not public API: it may change in any release.
#[doc(hidden)]
pub mod __private {
    pub use crate::condition;
    pub use crate::engine::{Engine, Step};
    pub use crate::hooks::{Hook, Hooks, NoHook};
    pub use crate::policy::{DEFAULT_STOP, DEFAULT_WAIT, Policy, Retrying};
    pub use crate::sleep;
    pub use crate::state::{RetryState, RetryStats, StopReason};
    pub use crate::stop;
    pub use crate::timeout::{NoTimeout, Timeout};
    pub use crate::wait;
    pub use crate::{AttemptTimedOut, IntoDuration, RetryError};
    pub use core::convert::Infallible;
    pub use core::result::Result::{self, Err, Ok};
    pub use core::time::Duration;

    use core::fmt;
    use core::marker::PhantomData;

    /// The return types `#[retry]` can treat as an outcome.
    #[diagnostic::on_unimplemented(
        message = "`#[retry]` cannot retry a function returning `{Self}`",
        label = "not a `Result`",
        note = "`#[retry]` reads a return type whose name ends in `Result` as a `Result`; to retry on values of another type, name it through an alias that does not end in `Result` and use `retry = if_result(..)`"
    )]
    pub trait ResultLike {
        /// The success type.
        type Ok;
        /// The error type.
        type Err;
        /// The value as a `Result`.
        fn into_result(self) -> Result<Self::Ok, Self::Err>;
        /// The `Result` as the value.
        fn from_result(result: Result<Self::Ok, Self::Err>) -> Self;
    }

    impl<T, E> ResultLike for Result<T, E> {
        type Ok = T;
        type Err = E;
        #[inline(always)]
        fn into_result(self) -> Result<T, E> {
            self
        }
        #[inline(always)]
        fn from_result(result: Result<T, E>) -> Self {
            result
        }
    }

    /// Unwraps an outcome whose error type is uninhabited.
    #[inline(always)]
    pub fn into_value<T>(outcome: Result<T, Infallible>) -> T {
        match outcome {
            Ok(value) => value,
            Err(never) => match never {},
        }
    }

    /// Pins a hook closure's argument type so `|s| ..` needs no annotation.
    #[inline(always)]
    pub fn hook<T, E, F: Fn(&RetryState<T, E>)>(f: F) -> F {
        f
    }

    /// Pins an `on_exhausted` closure's argument type.
    #[inline(always)]
    pub fn on_exhausted<T, E, R, F: FnOnce(RetryState<T, E>) -> R>(f: F) -> F {
        f
    }

    /// Pins a hook that is not a closure (a path to a fn, a [`Hook`] value such as
    /// `log::before_sleep_log(..)`) to the function's outcome types. The opaque return type
    /// keeps a hook that does not fit from being reported a second time by `Engine::new`.
    #[inline(always)]
    pub fn any_hook<T, E, H: Hook<T, E>>(hook: H) -> impl Hook<T, E> {
        hook
    }

    /// Pins an attempt's async block to the attempt's value type, so `?` and `return` inside it
    /// convert into that type.
    #[inline(always)]
    pub fn attempt<R, F: core::future::Future<Output = R>>(attempt: F) -> F {
        attempt
    }

    /// Pins a retry condition to the function's outcome types, so a condition that does not fit
    /// (`transient` on an error that is not `Transient`) is reported once, where it is written:
    /// the opaque return type satisfies `Engine::new` whatever happened here.
    #[inline(always)]
    pub const fn retry_condition<T, E, C: crate::condition::RetryCondition<T, E>>(
        condition: C,
    ) -> impl crate::condition::RetryCondition<T, E> {
        condition
    }

    /// Pins a wait strategy to the function's outcome types (see [`retry_condition`]). The
    /// per-call state stays visible, so the engine (and the future holding it) is `Send`
    /// whenever the state is.
    #[inline(always)]
    pub const fn wait_strategy<T, E, W: crate::wait::Wait<T, E>>(
        wait: W,
    ) -> impl crate::wait::Wait<T, E, State = W::State> {
        wait
    }

    /// `timeout = d`: checks where the key is written that a timed-out attempt can be expressed
    /// as the function's error.
    #[inline(always)]
    pub const fn attempt_timeout<E: From<AttemptTimedOut>>(limit: Duration) -> Duration {
        limit
    }

    /// A policy whose keys are all literals, built in a `const` block: no hooks, the default
    /// sleeper, no budget. The expansion borrows it as `&'static`, so a call neither builds nor
    /// stores it.
    #[inline(always)]
    pub const fn const_policy<S: crate::stop::Stop, W, R, X>(
        stop: S,
        wait: W,
        retry: R,
        timeout: X,
        name: &'static str,
    ) -> Retrying<S, W, R, Hooks, sleep::DefaultSleeper, X> {
        Retrying::from_parts(stop, wait, retry, timeout, name)
    }

    /// `wait = from_fn(|s| ..)`: a closure over the state, its argument type pinned.
    #[inline(always)]
    pub fn wait_fn<T, E, F: Fn(&RetryState<T, E>) -> Duration>(f: F) -> crate::wait::FromFn<F> {
        crate::wait::from_fn(f)
    }

    /// Picks how errors appear in events: `Display`, else `Debug`, else not at all (autoref
    /// specialization; works where `E` is a concrete type). Call it on `&&&DescribeProbe`: method
    /// lookup then tries `&&&Probe` (the `Display` impl's `&self`), then `&&Probe` (`Debug`),
    /// then `&Probe` (nothing).
    ///
    /// ```
    /// use retry_core::__private::{DescribeProbe, DescribeWithDebug as _, DescribeWithDisplay as _, DescribeWithNothing as _};
    /// use std::fmt;
    ///
    /// #[derive(Debug)]
    /// struct Both;
    /// impl fmt::Display for Both {
    ///     fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str("display") }
    /// }
    /// struct Neither;
    ///
    /// struct Show<E>(E, fn(&E, &mut fmt::Formatter<'_>) -> fmt::Result);
    /// impl<E> fmt::Display for Show<E> {
    ///     fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { (self.1)(&self.0, f) }
    /// }
    /// let describe = (&&&DescribeProbe::<Both>::new()).describer().unwrap();
    /// assert_eq!(Show(Both, describe).to_string(), "display");
    /// let describe = (&&&DescribeProbe::<Vec<u8>>::new()).describer().unwrap();
    /// assert_eq!(Show(vec![1], describe).to_string(), "[1]");
    /// assert!((&&&DescribeProbe::<Neither>::new()).describer().is_none());
    /// ```
    pub struct DescribeProbe<E>(PhantomData<fn(&E)>);

    impl<E> Default for DescribeProbe<E> {
        fn default() -> Self {
            DescribeProbe::new()
        }
    }

    impl<E> DescribeProbe<E> {
        /// A probe for `E`.
        #[inline(always)]
        pub const fn new() -> Self {
            DescribeProbe(PhantomData)
        }
    }

    /// `Display` errors.
    pub trait DescribeWithDisplay<E> {
        /// The describer.
        fn describer(&self) -> Option<crate::engine::DescribeError<E>>;
    }
    impl<E: fmt::Display> DescribeWithDisplay<E> for &&DescribeProbe<E> {
        #[inline(always)]
        fn describer(&self) -> Option<crate::engine::DescribeError<E>> {
            Some(<E as fmt::Display>::fmt)
        }
    }

    /// `Debug` errors.
    pub trait DescribeWithDebug<E> {
        /// The describer.
        fn describer(&self) -> Option<crate::engine::DescribeError<E>>;
    }
    impl<E: fmt::Debug> DescribeWithDebug<E> for &DescribeProbe<E> {
        #[inline(always)]
        fn describer(&self) -> Option<crate::engine::DescribeError<E>> {
            Some(<E as fmt::Debug>::fmt)
        }
    }

    /// Errors with neither.
    pub trait DescribeWithNothing<E> {
        /// The describer.
        fn describer(&self) -> Option<crate::engine::DescribeError<E>>;
    }
    impl<E> DescribeWithNothing<E> for DescribeProbe<E> {
        #[inline(always)]
        fn describer(&self) -> Option<crate::engine::DescribeError<E>> {
            None
        }
    }
}
