//! Sleeping and reading time: the only two things the engine asks of a runtime.
//!
//! [`DefaultSleeper`] sleeps with `std::thread::sleep` in sync code and `tokio::time::sleep` in
//! async code (feature `tokio`), and reads time through `tokio::time::Instant`, so
//! `#[tokio::test(start_paused = true)]` measures retry waits exactly and instantly. Any other
//! runtime plugs in through [`AsyncSleeper`] (or [`from_fn`]); tests can use
//! [`TestClock`](crate::testing::TestClock), which records requested sleeps and advances a fake
//! clock instead of sleeping.

use std::future::Future;
use std::time::{Duration, Instant};

/// The current time as the default clock sees it: tokio's clock when the `tokio` feature is on
/// (virtual under paused time), the system's monotonic clock otherwise.
///
/// ```
/// let before = retry_core::sleep::default_now();
/// assert!(retry_core::sleep::default_now() >= before);
/// ```
#[inline]
pub fn default_now() -> Instant {
    #[cfg(feature = "tokio")]
    {
        tokio::time::Instant::now().into_std()
    }
    #[cfg(not(feature = "tokio"))]
    {
        Instant::now()
    }
}

/// A source of the current time. The default method reads [`default_now`].
///
/// ```
/// use retry_core::sleep::{Clock, DefaultSleeper};
/// let _now = DefaultSleeper.now();
/// ```
pub trait Clock {
    /// The current time.
    ///
    /// ```
    /// use retry_core::sleep::Clock;
    /// use retry_core::testing::TestClock;
    /// use std::time::Duration;
    ///
    /// let clock = TestClock::new();
    /// let start = clock.now();
    /// clock.advance(Duration::from_secs(5));
    /// assert_eq!(clock.now() - start, Duration::from_secs(5));
    /// ```
    #[inline]
    fn now(&self) -> Instant {
        default_now()
    }
}

/// Sleeps by blocking the current thread.
///
/// ```
/// use retry_core::sleep::{DefaultSleeper, Sleeper};
/// DefaultSleeper.sleep(std::time::Duration::from_micros(1));
/// ```
pub trait Sleeper: Clock {
    /// Blocks for `duration`.
    ///
    /// ```
    /// use retry_core::sleep::Sleeper;
    /// use retry_core::testing::TestClock;
    /// use std::time::Duration;
    ///
    /// let clock = TestClock::new();
    /// clock.sleep(Duration::from_secs(2)); // recorded, returns at once
    /// assert_eq!(clock.sleeps(), [Duration::from_secs(2)]);
    /// ```
    fn sleep(&self, duration: Duration);
}

/// Sleeps asynchronously.
///
/// ```
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// use retry_core::sleep::{AsyncSleeper, DefaultSleeper};
/// let start = tokio::time::Instant::now();
/// AsyncSleeper::sleep(&DefaultSleeper, std::time::Duration::from_secs(5)).await;
/// assert_eq!(start.elapsed(), std::time::Duration::from_secs(5));
/// # }
/// ```
pub trait AsyncSleeper: Clock {
    /// The future returned by [`sleep`](Self::sleep).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// use retry_core::sleep::{AsyncSleeper, DefaultSleeper};
    /// use std::time::Duration;
    ///
    /// type Sleep = <DefaultSleeper as AsyncSleeper>::Sleep; // `tokio::time::Sleep`
    /// let sleep: Sleep = AsyncSleeper::sleep(&DefaultSleeper, Duration::from_secs(1));
    /// assert!(!sleep.is_elapsed());
    /// sleep.await;
    /// # }
    /// ```
    type Sleep: Future<Output = ()>;

    /// A future that completes after `duration`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// use retry_core::sleep::{from_fn, AsyncSleeper};
    /// use std::time::Duration;
    ///
    /// let sleeper = from_fn(tokio::time::sleep);
    /// let start = tokio::time::Instant::now();
    /// sleeper.sleep(Duration::from_secs(3)).await;
    /// assert_eq!(start.elapsed(), Duration::from_secs(3));
    /// # }
    /// ```
    fn sleep(&self, duration: Duration) -> Self::Sleep;
}

impl<C: Clock + ?Sized> Clock for &C {
    #[inline]
    fn now(&self) -> Instant {
        (**self).now()
    }
}

impl<S: Sleeper + ?Sized> Sleeper for &S {
    #[inline]
    fn sleep(&self, duration: Duration) {
        (**self).sleep(duration)
    }
}

impl<S: AsyncSleeper + ?Sized> AsyncSleeper for &S {
    type Sleep = S::Sleep;
    #[inline]
    fn sleep(&self, duration: Duration) -> S::Sleep {
        (**self).sleep(duration)
    }
}

/// `std::thread::sleep` for sync code; `tokio::time::sleep` for async code (feature `tokio`).
///
/// Its clock is tokio's (`tokio::time::Instant`, which is `std::time::Instant` outside a paused
/// runtime), so async tests with paused time measure waits exactly. A *sync* call made inside a
/// paused runtime sleeps for real while that clock stands still: time-based stops then never
/// fire. Give such a call a [`TestClock`](crate::testing::TestClock) instead.
///
/// ```
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// use retry_core::sleep::{AsyncSleeper, Clock, DefaultSleeper};
/// use std::time::Duration;
///
/// let start = DefaultSleeper.now();
/// AsyncSleeper::sleep(&DefaultSleeper, Duration::from_secs(10)).await;
/// assert_eq!(DefaultSleeper.now() - start, Duration::from_secs(10)); // tokio's (paused) clock
/// # }
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DefaultSleeper;

impl Clock for DefaultSleeper {}

impl Sleeper for DefaultSleeper {
    #[inline]
    fn sleep(&self, duration: Duration) {
        if !duration.is_zero() {
            std::thread::sleep(duration);
        }
    }
}

#[cfg(feature = "tokio")]
impl AsyncSleeper for DefaultSleeper {
    type Sleep = tokio::time::Sleep;
    #[inline]
    fn sleep(&self, duration: Duration) -> tokio::time::Sleep {
        tokio::time::sleep(duration)
    }
}

/// A closure as a sleeper. See [`from_fn`].
///
/// ```
/// use retry_core::sleep::{from_fn, SleepFn};
/// use retry_core::{stop::attempts, wait::fixed, Retrying};
/// use std::{cell::RefCell, time::Duration};
///
/// let slept = RefCell::new(Vec::new());
/// let sleeper: SleepFn<_> = from_fn(|d: Duration| slept.borrow_mut().push(d));
/// let policy = Retrying::new().stop(attempts(3)).wait(fixed(2)).sleeper(sleeper);
/// assert_eq!(policy.call(|| Err::<(), _>("down")), Err("down"));
/// assert_eq!(*slept.borrow(), [Duration::from_secs(2); 2]);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct SleepFn<F> {
    sleep: F,
}

/// Uses a closure to sleep: `Fn(Duration)` for blocking code, `Fn(Duration) -> impl Future` for
/// async code (any runtime's timer). Time is read with [`default_now`].
///
/// ```
/// use retry_core::sleep::{from_fn, AsyncSleeper};
/// use std::time::Duration;
///
/// let sleeper = from_fn(|d: Duration| tokio::time::sleep(d));
/// # let _ = &sleeper;
/// ```
#[inline]
pub fn from_fn<F>(sleep: F) -> SleepFn<F> {
    SleepFn { sleep }
}

impl<F> Clock for SleepFn<F> {}

impl<F: Fn(Duration)> Sleeper for SleepFn<F> {
    #[inline]
    fn sleep(&self, duration: Duration) {
        (self.sleep)(duration)
    }
}

impl<F, Fut> AsyncSleeper for SleepFn<F>
where
    F: Fn(Duration) -> Fut,
    Fut: Future<Output = ()>,
{
    type Sleep = Fut;
    #[inline]
    fn sleep(&self, duration: Duration) -> Fut {
        (self.sleep)(duration)
    }
}
