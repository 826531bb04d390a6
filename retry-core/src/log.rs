//! Logging hooks, the equivalents of tenacity's `before_log`, `after_log` and `before_sleep_log`.
//!
//! The engine already emits `tracing` events (target `retry_core`): `DEBUG` as each attempt
//! starts, `WARN` before each sleep, `ERROR` when the policy gives up, `INFO` on a success after
//! retries. These hooks log at a level of your own, under the target `retry_core::log`. Events
//! carry the policy's name, the attempt number, timings and the error (through `Display`); never
//! the function's arguments. A `tracing` target is fixed where the event is written, so for a
//! target of your own write the hook as a closure:
//! `before_sleep = |s| tracing::warn!(target: "billing", attempt = s.attempt(), "retrying")`.
//!
//! ```
//! use retry_core::Retrying;
//! use retry_core::log::{before_sleep_log, after_log};
//! use tracing::Level;
//!
//! let policy = Retrying::new()
//!     .after(after_log(Level::DEBUG))
//!     .before_sleep(before_sleep_log(Level::INFO));
//! let result: Result<(), String> = policy.call(|| Ok(()));
//! assert!(result.is_ok());
//! ```

use std::fmt::Display;

use tracing::Level;

use crate::hooks::Hook;
use crate::state::RetryState;

macro_rules! event_at {
    ($level:expr, $($rest:tt)+) => {
        match $level {
            Level::ERROR => tracing::event!(target: "retry_core::log", Level::ERROR, $($rest)+),
            Level::WARN => tracing::event!(target: "retry_core::log", Level::WARN, $($rest)+),
            Level::INFO => tracing::event!(target: "retry_core::log", Level::INFO, $($rest)+),
            Level::DEBUG => tracing::event!(target: "retry_core::log", Level::DEBUG, $($rest)+),
            _ => tracing::event!(target: "retry_core::log", Level::TRACE, $($rest)+),
        }
    };
}

/// Logs each attempt as it starts. See [`before_log`].
///
/// ```
/// # static OUT: std::sync::Mutex<Vec<u8>> = std::sync::Mutex::new(Vec::new());
/// # struct Out;
/// # impl std::io::Write for Out {
/// #     fn write(&mut self, b: &[u8]) -> std::io::Result<usize> { OUT.lock().unwrap().write(b) }
/// #     fn flush(&mut self) -> std::io::Result<()> { Ok(()) }
/// # }
/// # fn logged(f: impl FnOnce()) -> String {
/// #     let fmt = tracing_subscriber::fmt().with_writer(|| Out);
/// #     let fmt = fmt.with_ansi(false).with_max_level(tracing::Level::TRACE);
/// #     tracing::subscriber::with_default(fmt.finish(), f);
/// #     String::from_utf8(std::mem::take(&mut *OUT.lock().unwrap())).unwrap()
/// # }
/// use retry_core::log::{before_log, BeforeLog};
/// use retry_core::{stop::attempts, wait::none, Retrying};
///
/// let hook: BeforeLog = before_log(tracing::Level::DEBUG);
/// let policy = Retrying::new().name("fetch").stop(attempts(2)).wait(none()).before(hook);
/// let out = logged(|| assert!(policy.call(|| Err::<(), _>("down")).is_err()));
/// assert!(out.contains("starting call to 'fetch', attempt 1"));
/// assert!(out.contains("starting call to 'fetch', attempt 2"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BeforeLog {
    level: Level,
}

/// A `before` hook logging "starting attempt n" at `level` (tenacity's `before_log`).
///
/// ```
/// let _ = retry_core::Retrying::new().before(retry_core::log::before_log(tracing::Level::DEBUG));
/// ```
#[inline]
pub const fn before_log(level: Level) -> BeforeLog {
    BeforeLog { level }
}

impl<T, E> Hook<T, E> for BeforeLog {
    fn call(&self, state: &RetryState<T, E>) {
        event_at!(
            self.level,
            name = state.name(),
            attempt = state.attempt(),
            "starting call to '{}', attempt {}",
            state.name(),
            state.attempt()
        );
    }
}

/// Logs each failed attempt. See [`after_log`].
///
/// ```
/// # static OUT: std::sync::Mutex<Vec<u8>> = std::sync::Mutex::new(Vec::new());
/// # struct Out;
/// # impl std::io::Write for Out {
/// #     fn write(&mut self, b: &[u8]) -> std::io::Result<usize> { OUT.lock().unwrap().write(b) }
/// #     fn flush(&mut self) -> std::io::Result<()> { Ok(()) }
/// # }
/// # fn logged(f: impl FnOnce()) -> String {
/// #     let fmt = tracing_subscriber::fmt().with_writer(|| Out);
/// #     let fmt = fmt.with_ansi(false).with_max_level(tracing::Level::TRACE);
/// #     tracing::subscriber::with_default(fmt.finish(), f);
/// #     String::from_utf8(std::mem::take(&mut *OUT.lock().unwrap())).unwrap()
/// # }
/// use retry_core::log::{after_log, AfterLog};
/// use retry_core::{stop::attempts, wait::none, Retrying};
///
/// let hook: AfterLog = after_log(tracing::Level::INFO);
/// let policy = Retrying::new().name("fetch").stop(attempts(2)).wait(none()).after(hook);
/// let out = logged(|| assert!(policy.call(|| Err::<(), _>("down")).is_err()));
/// assert!(out.contains("finished call to 'fetch' after 0.000s, attempt 1"));
/// assert!(out.contains("finished call to 'fetch' after 0.000s, attempt 2"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AfterLog {
    level: Level,
}

/// An `after` hook logging each retryable failure with the elapsed time (tenacity's `after_log`).
///
/// ```
/// let _ = retry_core::Retrying::new().after(retry_core::log::after_log(tracing::Level::INFO));
/// ```
#[inline]
pub const fn after_log(level: Level) -> AfterLog {
    AfterLog { level }
}

impl<T, E: Display> Hook<T, E> for AfterLog {
    fn call(&self, state: &RetryState<T, E>) {
        let elapsed = state.elapsed().as_secs_f64();
        match state.error() {
            Some(error) => event_at!(
                self.level,
                name = state.name(),
                attempt = state.attempt(),
                elapsed_s = elapsed,
                error = %error,
                "finished call to '{}' after {:.3}s, attempt {}",
                state.name(),
                elapsed,
                state.attempt()
            ),
            None => event_at!(
                self.level,
                name = state.name(),
                attempt = state.attempt(),
                elapsed_s = elapsed,
                "finished call to '{}' after {:.3}s, attempt {} (result rejected)",
                state.name(),
                elapsed,
                state.attempt()
            ),
        }
    }
}

/// Logs each sleep before it starts. See [`before_sleep_log`].
///
/// ```
/// # static OUT: std::sync::Mutex<Vec<u8>> = std::sync::Mutex::new(Vec::new());
/// # struct Out;
/// # impl std::io::Write for Out {
/// #     fn write(&mut self, b: &[u8]) -> std::io::Result<usize> { OUT.lock().unwrap().write(b) }
/// #     fn flush(&mut self) -> std::io::Result<()> { Ok(()) }
/// # }
/// # fn logged(f: impl FnOnce()) -> String {
/// #     let fmt = tracing_subscriber::fmt().with_writer(|| Out);
/// #     let fmt = fmt.with_ansi(false).with_max_level(tracing::Level::TRACE);
/// #     tracing::subscriber::with_default(fmt.finish(), f);
/// #     String::from_utf8(std::mem::take(&mut *OUT.lock().unwrap())).unwrap()
/// # }
/// use retry_core::log::{before_sleep_log, BeforeSleepLog};
/// use retry_core::{stop::attempts, testing::TestClock, wait::fixed, Retrying};
///
/// let hook: BeforeSleepLog = before_sleep_log(tracing::Level::WARN);
/// let policy = Retrying::new().name("fetch").stop(attempts(2)).wait(fixed(1)).before_sleep(hook);
/// let policy = policy.sleeper(TestClock::new());
/// let out = logged(|| assert!(policy.call(|| Err::<(), _>("down")).is_err()));
/// assert!(out.contains("retrying 'fetch' in 1.000s as it failed with: down"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BeforeSleepLog {
    level: Level,
}

/// A `before_sleep` hook logging "retrying in d after error" (tenacity's `before_sleep_log`).
///
/// ```
/// let _ = retry_core::Retrying::new().before_sleep(retry_core::log::before_sleep_log(tracing::Level::WARN));
/// ```
#[inline]
pub const fn before_sleep_log(level: Level) -> BeforeSleepLog {
    BeforeSleepLog { level }
}

impl<T, E: Display> Hook<T, E> for BeforeSleepLog {
    fn call(&self, state: &RetryState<T, E>) {
        let sleep = state.next_sleep().unwrap_or_default().as_secs_f64();
        match state.error() {
            Some(error) => event_at!(
                self.level,
                name = state.name(),
                attempt = state.attempt(),
                sleep_s = sleep,
                error = %error,
                "retrying '{}' in {:.3}s as it failed with: {}",
                state.name(),
                sleep,
                error
            ),
            None => event_at!(
                self.level,
                name = state.name(),
                attempt = state.attempt(),
                sleep_s = sleep,
                "retrying '{}' in {:.3}s as its result was rejected",
                state.name(),
                sleep
            ),
        }
    }
}
