//! Server-provided delays: errors that know how long the server asked the client to wait
//! (HTTP `Retry-After`, rate-limit reset headers), and the [`retry_after`] wait that honours them.

use std::time::Duration;

use crate::duration::IntoDuration;
use crate::state::RetryState;
use crate::wait::{JitterRng, Wait};

/// The longest server-provided delay [`retry_after`] honours unless told otherwise: 60 s.
///
/// ```
/// use retry_core::wait::{none, retry_after};
/// use retry_core::DEFAULT_RETRY_AFTER_CAP;
///
/// assert_eq!(DEFAULT_RETRY_AFTER_CAP, std::time::Duration::from_secs(60));
/// assert_eq!(retry_after(none()), retry_after(none()).cap(DEFAULT_RETRY_AFTER_CAP));
/// ```
pub const DEFAULT_RETRY_AFTER_CAP: Duration = Duration::from_secs(60);

/// An error that may carry the delay a server asked for (for example HTTP `Retry-After`).
///
/// ```
/// use retry_core::RetryAfter;
/// use std::time::Duration;
///
/// struct RateLimited { wait_secs: u64 }
/// impl RetryAfter for RateLimited {
///     fn retry_after(&self) -> Option<Duration> {
///         Some(Duration::from_secs(self.wait_secs))
///     }
/// }
/// assert_eq!(RateLimited { wait_secs: 2 }.retry_after(), Some(Duration::from_secs(2)));
/// ```
pub trait RetryAfter {
    /// The delay the server asked for, if any.
    ///
    /// ```
    /// use retry_core::RetryAfter;
    /// use std::{sync::Arc, time::Duration};
    ///
    /// struct Busy;
    /// impl RetryAfter for Busy {
    ///     fn retry_after(&self) -> Option<Duration> { Some(Duration::from_secs(3)) }
    /// }
    /// assert_eq!(Busy.retry_after(), Some(Duration::from_secs(3)));
    /// assert_eq!(Arc::new(Busy).retry_after(), Some(Duration::from_secs(3)));
    /// ```
    fn retry_after(&self) -> Option<Duration>;
}

impl<E: RetryAfter + ?Sized> RetryAfter for &E {
    #[inline]
    fn retry_after(&self) -> Option<Duration> {
        (**self).retry_after()
    }
}

impl<E: RetryAfter + ?Sized> RetryAfter for Box<E> {
    #[inline]
    fn retry_after(&self) -> Option<Duration> {
        (**self).retry_after()
    }
}

impl<E: RetryAfter + ?Sized> RetryAfter for std::sync::Arc<E> {
    #[inline]
    fn retry_after(&self) -> Option<Duration> {
        (**self).retry_after()
    }
}

/// Waits as long as the last error's [`RetryAfter`] hint says, capped; otherwise as the fallback
/// says. See [`retry_after`].
///
/// ```
/// use retry_core::wait::{fixed, retry_after, JitterRng, RetryAfterWait, Wait};
/// use retry_core::{RetryAfter, RetryState};
/// use std::time::Duration;
///
/// struct Throttled(u64);
/// impl RetryAfter for Throttled {
///     fn retry_after(&self) -> Option<Duration> { Some(Duration::from_secs(self.0)) }
/// }
/// let wait: RetryAfterWait<_> = retry_after(fixed(1)).cap(30);
/// let state = RetryState::<(), _>::at_attempt(1, Some(Err(Throttled(600))));
/// assert_eq!(wait.next_wait(&mut (), &state, &mut JitterRng::seeded(0)), Duration::from_secs(30));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RetryAfterWait<F> {
    fallback: F,
    cap: Duration,
}

/// Honours a server-provided delay: when the last error carries a [`RetryAfter`] hint, waits that
/// long, capped at 60 s by default ([`RetryAfterWait::cap`]), so a server answering
/// `Retry-After: 86400` cannot hang the client. Without a hint, waits as `fallback` says.
///
/// Under a `before_delay` stop, a hint that would cross the deadline ends the loop instead of
/// sleeping uselessly (the stop check sees the upcoming sleep).
///
/// ```
/// use retry_core::wait::{exponential, JitterRng, Wait};
/// use retry_core::{RetryAfter, RetryState};
/// use retry_core::wait::retry_after;
/// use std::time::Duration;
///
/// #[derive(Debug)]
/// struct ApiError { hint: Option<Duration> }
/// impl RetryAfter for ApiError {
///     fn retry_after(&self) -> Option<Duration> { self.hint }
/// }
///
/// let wait = retry_after(exponential(1, 0, 30));
/// let mut rng = JitterRng::seeded(0);
/// let hinted = RetryState::<(), _>::at_attempt(3, Some(Err(ApiError { hint: Some(Duration::from_secs(7)) })));
/// assert_eq!(wait.next_wait(&mut (), &hinted, &mut rng), Duration::from_secs(7));
/// let huge = RetryState::<(), _>::at_attempt(3, Some(Err(ApiError { hint: Some(Duration::from_secs(86_400)) })));
/// assert_eq!(wait.next_wait(&mut (), &huge, &mut rng), Duration::from_secs(60));
/// let plain = RetryState::<(), _>::at_attempt(3, Some(Err(ApiError { hint: None })));
/// assert_eq!(wait.next_wait(&mut (), &plain, &mut rng), Duration::from_secs(4));
/// ```
#[inline]
pub const fn retry_after<F>(fallback: F) -> RetryAfterWait<F> {
    RetryAfterWait {
        fallback,
        cap: DEFAULT_RETRY_AFTER_CAP,
    }
}

impl<F> RetryAfterWait<F> {
    /// Sets the longest hint honoured (default 60 s).
    ///
    /// ```
    /// use retry_core::wait::{none, retry_after};
    /// let _ = retry_after(none()).cap(10);
    /// ```
    #[inline]
    pub fn cap(mut self, cap: impl IntoDuration) -> Self {
        self.cap = cap.into_duration();
        self
    }
}

impl<T, E, F> Wait<T, E> for RetryAfterWait<F>
where
    E: RetryAfter,
    F: Wait<T, E>,
{
    type State = F::State;

    #[inline]
    fn next_wait(
        &self,
        state: &mut Self::State,
        retry: &RetryState<T, E>,
        rng: &mut JitterRng,
    ) -> Duration {
        match retry.error().and_then(RetryAfter::retry_after) {
            Some(hint) => hint.min(self.cap),
            None => self.fallback.next_wait(state, retry, rng),
        }
    }

    #[inline]
    fn needs_clock(&self) -> bool {
        self.fallback.needs_clock()
    }
}
