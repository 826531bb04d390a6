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
///
/// ```
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// use retry_core::timeout::{AttemptTimeout, Timeout};
/// use std::{io, time::Duration};
///
/// let timeout = Timeout::new(Some(Duration::from_secs(1)));
/// let slow = tokio::time::sleep(Duration::from_secs(5));
/// let expired = AttemptTimeout::<io::Error>::guard(&timeout, slow).await.unwrap_err();
/// let error: io::Error = timeout.expired(expired);
/// assert_eq!(error.kind(), io::ErrorKind::TimedOut);
/// # }
/// ```
#[diagnostic::on_unimplemented(
    message = "a per-attempt timeout needs `{E}: From<retry_core::AttemptTimedOut>`",
    label = "the attempt's error type cannot represent a timeout",
    note = "implement `From<retry_core::AttemptTimedOut>` for the error type (std::io::Error already does)"
)]
pub trait AttemptTimeout<E> {
    /// What an attempt cut short yields ([`Infallible`] when nothing can cut it short).
    ///
    /// ```
    /// use retry_core::timeout::{AttemptTimeout, Timeout};
    /// use retry_core::AttemptTimedOut;
    /// use std::{io, time::Duration};
    ///
    /// type Expired = <Timeout as AttemptTimeout<io::Error>>::Expired;
    /// let expired: Expired = AttemptTimedOut::new(Duration::ZERO);
    /// let error = AttemptTimeout::<io::Error>::expired(&Timeout::default(), expired);
    /// assert_eq!(error.kind(), io::ErrorKind::TimedOut);
    /// ```
    type Expired;

    /// The attempt's future as run under this setting.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use retry_core::timeout::{AttemptTimeout, NoTimeout, Unbounded};
    ///
    /// type Guarded<F> = <NoTimeout as AttemptTimeout<()>>::Guarded<F>;
    /// let guarded: Guarded<_> = AttemptTimeout::<()>::guard(&NoTimeout, async { 1 });
    /// let _: &Unbounded<_> = &guarded; // for `NoTimeout`, `Guarded<F>` is `Unbounded<F>`
    /// assert_eq!(guarded.await, Ok(1));
    /// # }
    /// ```
    type Guarded<F: Future>: Future<Output = Result<F::Output, Self::Expired>>;

    /// Runs `attempt` under this setting.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// use retry_core::timeout::{AttemptTimeout, NoTimeout, Timeout};
    /// use std::{io, time::Duration};
    ///
    /// assert_eq!(AttemptTimeout::<io::Error>::guard(&NoTimeout, async { 7 }).await, Ok(7));
    /// let limited = Timeout::new(Some(Duration::from_secs(1)));
    /// let slow = tokio::time::sleep(Duration::from_secs(5));
    /// assert!(AttemptTimeout::<io::Error>::guard(&limited, slow).await.is_err());
    /// # }
    /// ```
    fn guard<F: Future>(&self, attempt: F) -> Self::Guarded<F>;

    /// The error an attempt cut short becomes.
    ///
    /// ```
    /// use retry_core::timeout::{AttemptTimeout, Timeout};
    /// use retry_core::AttemptTimedOut;
    /// use std::{io, time::Duration};
    ///
    /// let cut_short = AttemptTimedOut::new(Duration::from_secs(1));
    /// let error: io::Error = Timeout::default().expired(cut_short);
    /// assert_eq!(error.kind(), io::ErrorKind::TimedOut);
    /// ```
    fn expired(&self, expired: Self::Expired) -> E;

    /// The time limit, if any.
    ///
    /// ```
    /// use retry_core::timeout::{AttemptTimeout, NoTimeout, Timeout};
    /// use std::{io, time::Duration};
    ///
    /// let limited = Timeout::new(Some(Duration::from_secs(30)));
    /// assert_eq!(AttemptTimeout::<io::Error>::limit(&limited), Some(Duration::from_secs(30)));
    /// assert_eq!(AttemptTimeout::<io::Error>::limit(&NoTimeout), None);
    /// ```
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
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use retry_core::timeout::{AttemptTimeout, NoTimeout, Unbounded};
    ///
    /// let guarded: Unbounded<_> = AttemptTimeout::<()>::guard(&NoTimeout, async { "done" });
    /// assert_eq!(guarded.await, Ok("done"));
    /// # }
    /// ```
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
        ///
        /// ```
        /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
        /// # async fn main() {
        /// use retry_core::timeout::{AttemptTimeout, Timeout, TimeoutGuard};
        /// use std::{io, time::Duration};
        ///
        /// let timeout = Timeout::new(Some(Duration::from_secs(1)));
        /// let quick: TimeoutGuard<_> = AttemptTimeout::<io::Error>::guard(&timeout, async { 1 });
        /// assert_eq!(quick.await.unwrap(), 1);
        /// let slow = tokio::time::sleep(Duration::from_secs(9));
        /// let slow = AttemptTimeout::<io::Error>::guard(&timeout, slow);
        /// assert_eq!(slow.await.unwrap_err().after(), Duration::from_secs(1));
        /// # }
        /// ```
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
