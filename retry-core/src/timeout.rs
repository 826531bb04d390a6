//! Per-attempt timeouts for async attempts, chosen at the type level so a policy without one
//! carries no timer in its futures.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use pin_project_lite::pin_project;

/// How a policy runs one async attempt: as it is ([`NoTimeout`]) or under a time limit
/// ([`Timeout`]). An attempt cut short becomes `Err(E::from(AttemptTimedOut))`.
///
/// [`AttemptTimedOut`]: crate::AttemptTimedOut
#[diagnostic::on_unimplemented(
    message = "a per-attempt timeout needs `{E}: From<retry_core::AttemptTimedOut>`",
    label = "the attempt's error type cannot represent a timeout",
    note = "implement `From<retry_core::AttemptTimedOut>` for the error type (std::io::Error already does)"
)]
pub trait AttemptTimeout<E> {
    /// What an attempt cut short yields ([`Infallible`] when nothing can cut it short).
    type Expired;

    /// The attempt's future as run under this setting.
    type Guarded<F: Future>: Future<Output = Result<F::Output, Self::Expired>>;

    /// Runs `attempt` under this setting.
    fn guard<F: Future>(&self, attempt: F) -> Self::Guarded<F>;

    /// The error an attempt cut short becomes.
    fn expired(&self, expired: Self::Expired) -> E;

    /// The time limit, if any.
    fn limit(&self) -> Option<Duration>;
}

/// No per-attempt timeout (the default): attempts run as they are, with nothing added to their
/// futures.
///
/// ```
/// use retry_core::timeout::{AttemptTimeout, NoTimeout};
/// assert_eq!(AttemptTimeout::<()>::limit(&NoTimeout), None);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NoTimeout;

pin_project! {
    /// An attempt run without a time limit: the attempt's own future, its output wrapped in `Ok`.
    #[derive(Debug)]
    #[must_use = "futures do nothing unless polled"]
    pub struct Unbounded<F> {
        #[pin]
        attempt: F,
    }
}

impl<F: Future> Future for Unbounded<F> {
    type Output = Result<F::Output, Infallible>;

    #[inline(always)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.project().attempt.poll(cx).map(Ok)
    }
}

impl<E> AttemptTimeout<E> for NoTimeout {
    type Expired = Infallible;
    type Guarded<F: Future> = Unbounded<F>;

    #[inline(always)]
    fn guard<F: Future>(&self, attempt: F) -> Unbounded<F> {
        Unbounded { attempt }
    }

    #[inline(always)]
    fn expired(&self, expired: Infallible) -> E {
        match expired {}
    }

    #[inline(always)]
    fn limit(&self) -> Option<Duration> {
        None
    }
}

/// A per-attempt timeout for async attempts (feature `tokio`): an attempt still running after the
/// limit is cancelled and counts as a failure with the error `E::from(AttemptTimedOut)`. A limit
/// of `None` (from configuration) runs attempts unbounded.
///
/// [`AttemptTimedOut`]: crate::AttemptTimedOut
///
/// ```
/// let t = retry_core::timeout::Timeout::new(Some(std::time::Duration::from_secs(30)));
/// assert_eq!(t.duration(), Some(std::time::Duration::from_secs(30)));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Timeout {
    limit: Option<Duration>,
}

impl Timeout {
    /// A timeout of `limit`, or none.
    ///
    /// ```
    /// assert_eq!(retry_core::timeout::Timeout::new(None).duration(), None);
    /// ```
    #[inline]
    pub const fn new(limit: Option<Duration>) -> Self {
        Timeout { limit }
    }

    /// The limit, if any.
    ///
    /// ```
    /// # use retry_core::timeout::Timeout;
    /// assert!(Timeout::default().duration().is_none());
    /// ```
    #[inline]
    pub const fn duration(&self) -> Option<Duration> {
        self.limit
    }
}

#[cfg(feature = "tokio")]
mod guarded {
    use std::future::Future;
    use std::pin::Pin;
    use std::task::{Context, Poll};
    use std::time::Duration;

    use pin_project_lite::pin_project;

    use super::{AttemptTimeout, Timeout};
    use crate::transient::AttemptTimedOut;

    pin_project! {
        /// An attempt under a [`Timeout`]: unbounded, or raced against `tokio::time`.
        #[must_use = "futures do nothing unless polled"]
        pub struct TimeoutGuard<F> {
            #[pin]
            inner: Guarded<F>,
        }
    }

    pin_project! {
        #[project = GuardedProjection]
        enum Guarded<F> {
            Unbounded { #[pin] attempt: F },
            Bounded { #[pin] attempt: tokio::time::Timeout<F>, limit: Duration },
        }
    }

    impl<F: Future> Future for TimeoutGuard<F> {
        type Output = Result<F::Output, AttemptTimedOut>;

        fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
            match self.project().inner.project() {
                GuardedProjection::Unbounded { attempt } => attempt.poll(cx).map(Ok),
                GuardedProjection::Bounded { attempt, limit } => {
                    let limit = *limit;
                    attempt
                        .poll(cx)
                        .map(|outcome| outcome.map_err(|_| AttemptTimedOut::new(limit)))
                }
            }
        }
    }

    impl<E: From<AttemptTimedOut>> AttemptTimeout<E> for Timeout {
        type Expired = AttemptTimedOut;
        type Guarded<F: Future> = TimeoutGuard<F>;

        #[inline]
        fn guard<F: Future>(&self, attempt: F) -> TimeoutGuard<F> {
            let inner = match self.limit {
                None => Guarded::Unbounded { attempt },
                Some(limit) => Guarded::Bounded {
                    attempt: tokio::time::timeout(limit, attempt),
                    limit,
                },
            };
            TimeoutGuard { inner }
        }

        #[inline]
        fn expired(&self, expired: AttemptTimedOut) -> E {
            E::from(expired)
        }

        #[inline]
        fn limit(&self) -> Option<Duration> {
            self.limit
        }
    }
}

#[cfg(feature = "tokio")]
pub use guarded::TimeoutGuard;
