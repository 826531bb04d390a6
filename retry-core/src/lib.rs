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

pub use duration::IntoDuration;
pub use engine::{Engine, Step};
pub use error::RetryError;
pub use policy::{Policy, Retrying};
pub use retry_after::{DEFAULT_RETRY_AFTER_CAP, RetryAfter};
pub use state::{RetryState, RetryStats, StopReason};
pub use transient::{AttemptTimedOut, Transient};

/// Retries a function or method according to a policy written in the attribute.
///
/// See the crate's README and `docs/` for the full vocabulary; every key is documented with an
/// example in this crate's integration tests.
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
    pub use crate::policy::{Policy, Retrying};
    pub use crate::sleep;
    pub use crate::state::{RetryState, RetryStats, StopReason};
    pub use crate::stop;
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
        note = "return a `Result`, or retry on values with `retry = if_result(..)`"
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

    /// Picks how errors appear in events: `Display`, else `Debug`, else not at all (autoref
    /// specialization; works where `E` is a concrete type).
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
