//! Test support: a fake clock that records sleeps instead of sleeping.
//!
//! Give a policy a [`TestClock`] as its sleeper and a retry loop runs instantly, while its
//! sleeps, elapsed times and time-based stops behave exactly as they would in real time. Attempts
//! that "take time" advance the clock with [`TestClock::advance`].

use std::future::{Ready, ready};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use crate::sleep::{AsyncSleeper, Clock, Sleeper};

#[derive(Debug)]
struct Inner {
    origin: Instant,
    offset: Duration,
    sleeps: Vec<Duration>,
}

/// A shared fake clock: sleeping through it records the duration and moves its time forward.
///
/// Clones share the same clock, so keep one to inspect and hand a clone to the policy.
///
/// ```
/// use retry_core::testing::TestClock;
/// use retry_core::sleep::{Clock, Sleeper};
/// use std::time::Duration;
///
/// let clock = TestClock::new();
/// let start = clock.now();
/// Sleeper::sleep(&clock, Duration::from_secs(2));
/// clock.advance(Duration::from_millis(500));
/// assert_eq!(clock.now() - start, Duration::from_millis(2500));
/// assert_eq!(clock.sleeps(), [Duration::from_secs(2)]);
/// assert_eq!(clock.total_slept(), Duration::from_secs(2));
/// ```
#[derive(Clone, Debug)]
pub struct TestClock {
    inner: Arc<Mutex<Inner>>,
}

impl TestClock {
    /// A clock starting now, with no sleeps recorded.
    ///
    /// ```
    /// assert!(retry_core::testing::TestClock::new().sleeps().is_empty());
    /// ```
    pub fn new() -> Self {
        TestClock {
            inner: Arc::new(Mutex::new(Inner {
                origin: Instant::now(),
                offset: Duration::ZERO,
                sleeps: Vec::new(),
            })),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panicking test thread must not hide the clock from the others.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Moves the clock forward without recording a sleep (an attempt that takes time).
    ///
    /// ```
    /// # use retry_core::testing::TestClock;
    /// let clock = TestClock::new();
    /// clock.advance(std::time::Duration::from_secs(1));
    /// assert_eq!(clock.elapsed(), std::time::Duration::from_secs(1));
    /// ```
    pub fn advance(&self, by: Duration) {
        let mut inner = self.lock();
        inner.offset = inner.offset.saturating_add(by);
    }

    /// Total time the clock moved since it was created.
    ///
    /// ```
    /// # use retry_core::testing::TestClock;
    /// assert_eq!(TestClock::new().elapsed(), std::time::Duration::ZERO);
    /// ```
    pub fn elapsed(&self) -> Duration {
        self.lock().offset
    }

    /// Every sleep requested so far, in order.
    ///
    /// ```
    /// # use retry_core::testing::TestClock;
    /// assert_eq!(TestClock::new().sleeps(), Vec::<std::time::Duration>::new());
    /// ```
    pub fn sleeps(&self) -> Vec<Duration> {
        self.lock().sleeps.clone()
    }

    /// The sum of the sleeps requested so far.
    ///
    /// ```
    /// # use retry_core::testing::TestClock;
    /// assert_eq!(TestClock::new().total_slept(), std::time::Duration::ZERO);
    /// ```
    pub fn total_slept(&self) -> Duration {
        self.lock()
            .sleeps
            .iter()
            .fold(Duration::ZERO, |sum, d| sum.saturating_add(*d))
    }

    fn record(&self, duration: Duration) {
        let mut inner = self.lock();
        inner.sleeps.push(duration);
        inner.offset = inner.offset.saturating_add(duration);
    }
}

impl Default for TestClock {
    fn default() -> Self {
        TestClock::new()
    }
}

/// How far a [`TestClock`] can move: sleeps past it (a `Duration::MAX` wait) leave the clock
/// there, since `Instant` cannot represent every duration from now. Still later than any deadline
/// a test sets.
const TEST_CLOCK_HORIZON: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

impl Clock for TestClock {
    fn now(&self) -> Instant {
        let inner = self.lock();
        let offset = inner.offset.min(TEST_CLOCK_HORIZON);
        inner.origin.checked_add(offset).unwrap_or(inner.origin)
    }
}

impl Sleeper for TestClock {
    fn sleep(&self, duration: Duration) {
        self.record(duration);
    }
}

impl AsyncSleeper for TestClock {
    type Sleep = Ready<()>;
    fn sleep(&self, duration: Duration) -> Ready<()> {
        self.record(duration);
        ready(())
    }
}
