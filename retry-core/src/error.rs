//! [`RetryError`]: the last error together with what the loop went through.

use std::error::Error;
use std::fmt;
use std::time::Duration;

use crate::state::{RetryStats, StopReason};

/// The last error of a call, with the number of attempts, the time spent and why the loop ended.
///
/// By default a retried function returns its last outcome unchanged (tenacity's `reraise=True`).
/// Declare `Result<T, RetryError<E>>` under `#[retry]`, or use
/// [`Retrying::call_detailed`](crate::Retrying::call_detailed), to get this instead.
///
/// ```
/// use retry_core::{Retrying, RetryError, StopReason};
/// use retry_core::stop::attempts;
/// use retry_core::wait::none;
/// use retry_core::testing::TestClock;
///
/// let policy = Retrying::new().stop(attempts(3)).wait(none()).sleeper(TestClock::new());
/// let err: RetryError<&str> = policy.call_detailed(|| Err::<(), _>("unavailable")).unwrap_err();
/// assert_eq!(err.attempts(), 3);
/// assert_eq!(err.reason(), StopReason::Attempts);
/// assert_eq!(*err.error(), "unavailable");
/// assert_eq!(err.to_string(), "gave up after 3 attempts (attempts exhausted): unavailable");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct RetryError<E> {
    error: E,
    stats: RetryStats,
}

impl<E> RetryError<E> {
    /// Wraps `error` with the numbers of the call that produced it.
    ///
    /// ```
    /// use retry_core::{RetryError, RetryStats};
    /// let err = RetryError::new("x", RetryStats::new("f"));
    /// assert_eq!(err.into_inner(), "x");
    /// ```
    #[inline]
    pub const fn new(error: E, stats: RetryStats) -> Self {
        RetryError { error, stats }
    }

    /// The last error.
    ///
    /// ```
    /// # use retry_core::{RetryError, RetryStats};
    /// assert_eq!(*RetryError::new(5, RetryStats::new("f")).error(), 5);
    /// ```
    #[inline]
    pub const fn error(&self) -> &E {
        &self.error
    }

    /// The last error, by value.
    ///
    /// ```
    /// # use retry_core::{RetryError, RetryStats};
    /// assert_eq!(RetryError::new(5, RetryStats::new("f")).into_inner(), 5);
    /// ```
    #[inline]
    pub fn into_inner(self) -> E {
        self.error
    }

    /// How many attempts ran.
    ///
    /// ```
    /// # use retry_core::{RetryError, RetryStats};
    /// assert_eq!(RetryError::new((), RetryStats::new("f")).attempts(), 0);
    /// ```
    #[inline]
    pub const fn attempts(&self) -> u32 {
        self.stats.attempt()
    }

    /// Time from the first attempt's start to the last outcome.
    ///
    /// ```
    /// # use retry_core::{RetryError, RetryStats};
    /// assert_eq!(RetryError::new((), RetryStats::new("f")).elapsed(), std::time::Duration::ZERO);
    /// ```
    #[inline]
    pub const fn elapsed(&self) -> Duration {
        self.stats.elapsed()
    }

    /// Why the loop ended: exhausted attempts, a deadline, a budget, cancellation, or an error that
    /// was not retryable.
    ///
    /// ```
    /// # use retry_core::{RetryError, RetryStats, StopReason};
    /// assert_eq!(RetryError::new((), RetryStats::new("f")).reason(), StopReason::NotRetryable);
    /// ```
    #[inline]
    pub fn reason(&self) -> StopReason {
        self.stats.stop_reason().unwrap_or(StopReason::NotRetryable)
    }

    /// All the numbers of the call.
    ///
    /// ```
    /// # use retry_core::{RetryError, RetryStats};
    /// assert_eq!(RetryError::new((), RetryStats::new("f")).stats().name(), "f");
    /// ```
    #[inline]
    pub const fn stats(&self) -> &RetryStats {
        &self.stats
    }

    /// Transforms the error, keeping the numbers.
    ///
    /// ```
    /// # use retry_core::{RetryError, RetryStats};
    /// let err = RetryError::new(2, RetryStats::new("f")).map(|e| e * 10);
    /// assert_eq!(*err.error(), 20);
    /// ```
    #[inline]
    pub fn map<F, E2>(self, f: F) -> RetryError<E2>
    where
        F: FnOnce(E) -> E2,
    {
        RetryError {
            error: f(self.error),
            stats: self.stats,
        }
    }
}

impl<E: fmt::Debug> fmt::Debug for RetryError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryError")
            .field("error", &self.error)
            .field("attempts", &self.attempts())
            .field("elapsed", &self.elapsed())
            .field("reason", &self.reason())
            .finish()
    }
}

impl<E: fmt::Display> fmt::Display for RetryError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let attempts = self.attempts();
        let plural = if attempts == 1 { "" } else { "s" };
        write!(f, "gave up after {attempts} attempt{plural}")?;
        if !self.elapsed().is_zero() {
            write!(f, " in {:?}", self.elapsed())?;
        }
        write!(f, " ({}): {}", self.reason(), self.error)
    }
}

impl<E: Error + 'static> Error for RetryError<E> {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(&self.error)
    }
}
