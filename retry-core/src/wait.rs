//! Wait strategies: how long to sleep before the next attempt.
//!
//! A wait strategy is asked once per failed attempt, with the attempt's number `n` (1-based) and the
//! call's state, and answers with a [`Duration`]. The formulas are tenacity's (and, for
//! [`equal_jitter`] and [`decorrelated_jitter`], those of AWS's "Exponential Backoff And Jitter").
//! Nothing here overflows or panics, for any `n` up to `u32::MAX` and any duration: results saturate
//! at the strategy's maximum (or [`Duration::MAX`]). Random strategies draw from a [`JitterRng`],
//! which the engine creates lazily per call and which tests can seed.
//!
//! Add strategies with `+`, and use [`chain`] to switch strategies by attempt:
//!
//! ```
//! use retry_core::wait::{delays, exponential, fixed, chain};
//! use std::time::Duration;
//!
//! fn secs(w: impl retry_core::wait::Wait<(), ()>) -> Vec<f64> {
//!     delays(&w, 5, 0).iter().map(Duration::as_secs_f64).collect()
//! }
//! assert_eq!(secs(exponential(1, 2, 10)), [2.0, 2.0, 4.0, 8.0, 10.0]);
//! assert_eq!(secs(fixed(1) + exponential(1, 0, 4)), [2.0, 3.0, 5.0, 5.0, 5.0]);
//! assert_eq!(secs(chain((fixed(1), fixed(2), fixed(3)))), [1.0, 2.0, 3.0, 3.0, 3.0]);
//! ```

use std::convert::Infallible;
use std::fmt;
use std::ops::Add;
use std::time::Duration;

use rand::rngs::Xoshiro128PlusPlus;
use rand::{RngExt, SeedableRng, TryRng};

use crate::duration::{IntoDuration, nanos_u64, secs_f64};
use crate::state::RetryState;

pub use crate::retry_after::{RetryAfterWait, retry_after};

/// Computes the sleep after a failed attempt.
///
/// `State` is per call (created with `Default` when a call starts) for strategies that remember
/// earlier sleeps, such as [`decorrelated_jitter`]; stateless strategies use `()`.
///
/// Any `Fn(&RetryState<T, E>) -> Duration` is a wait strategy too; wrap it with [`from_fn`] to
/// combine it with `+`.
///
/// ```
/// use retry_core::wait::{Wait, JitterRng};
/// use retry_core::RetryState;
/// use std::time::Duration;
///
/// // Wait longer after timeouts than after other errors.
/// let wait = |s: &RetryState<(), &str>| match s.error() {
///     Some(&"timeout") => Duration::from_secs(5),
///     _ => Duration::from_secs(1),
/// };
/// let state = RetryState::at_attempt(1, Some(Err("timeout")));
/// assert_eq!(wait.next_wait(&mut (), &state, &mut JitterRng::seeded(0)), Duration::from_secs(5));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a wait strategy for outcomes of type `Result<{T}, {E}>`",
    label = "not a wait strategy for `Result<{T}, {E}>`",
    note = "`retry_after` needs `{E}: retry_core::RetryAfter`, and `from_fn` closures take `&RetryState<{T}, {E}>` and return a `Duration`"
)]
pub trait Wait<T, E> {
    /// Per-call memory of the strategy.
    ///
    /// ```
    /// use retry_core::wait::{DecorrelatedJitter, Fixed, Wait};
    ///
    /// let _: <Fixed as Wait<(), ()>>::State = (); // stateless
    /// let previous: <DecorrelatedJitter as Wait<(), ()>>::State = Default::default();
    /// assert_eq!(previous, None); // the previous sleep, none before the first
    /// ```
    type State: Default;

    /// The sleep after the failed attempt described by `retry`.
    ///
    /// ```
    /// use retry_core::wait::{exponential, JitterRng, Wait};
    /// use retry_core::RetryState;
    /// use std::time::Duration;
    ///
    /// let wait = exponential(1, 0, 60);
    /// let (state, mut rng) = (RetryState::<(), ()>::at_attempt(4, None), JitterRng::seeded(0));
    /// assert_eq!(wait.next_wait(&mut (), &state, &mut rng), Duration::from_secs(8));
    /// ```
    fn next_wait(
        &self,
        state: &mut Self::State,
        retry: &RetryState<T, E>,
        rng: &mut JitterRng,
    ) -> Duration;

    /// `true` when the strategy reads time ([`RetryState::elapsed`]); the engine then keeps the
    /// clock running for the call. Defaults to `true`, the safe answer; the library's own
    /// formulas need no clock.
    ///
    /// ```
    /// use retry_core::wait::{exponential, from_fn, Wait};
    /// use retry_core::RetryState;
    /// assert!(!Wait::<(), ()>::needs_clock(&exponential(1, 0, 10)));
    /// assert!(Wait::<(), ()>::needs_clock(&from_fn(|s: &RetryState<(), ()>| s.elapsed())));
    /// ```
    fn needs_clock(&self) -> bool {
        true
    }
}

impl<T, E, F> Wait<T, E> for F
where
    F: Fn(&RetryState<T, E>) -> Duration,
{
    type State = ();

    #[inline]
    fn next_wait(&self, _: &mut (), retry: &RetryState<T, E>, _: &mut JitterRng) -> Duration {
        self(retry)
    }
}

/// The sleeps a strategy gives for attempts `1..=n` with no outcome and a seeded RNG: the quickest
/// way to see (and test) a strategy.
///
/// ```
/// use retry_core::wait::{delays, incrementing};
/// use std::time::Duration;
/// assert_eq!(delays(&incrementing(1, 2, 100), 3, 0), [1, 3, 5].map(Duration::from_secs));
/// ```
pub fn delays<W: Wait<(), ()>>(wait: &W, n: u32, seed: u64) -> Vec<Duration> {
    let mut rng = JitterRng::seeded(seed);
    let mut state = W::State::default();
    (1..=n)
        .map(|attempt| {
            let retry = RetryState::at_attempt(attempt, None);
            wait.next_wait(&mut state, &retry, &mut rng)
        })
        .collect()
}

/// The random source of jittered strategies: a small fast generator, created on first use.
///
/// The engine makes one per call and seeds it from the thread's generator the first time a random
/// strategy draws from it, so a call that never sleeps never touches randomness. A policy with a
/// seed (`Retrying::seed`) makes runs reproducible.
///
/// ```
/// use retry_core::wait::JitterRng;
/// use rand::RngExt;
///
/// let mut a = JitterRng::seeded(7);
/// let mut b = JitterRng::seeded(7);
/// assert_eq!(a.random_range(0..1000u32), b.random_range(0..1000u32));
/// ```
#[derive(Clone)]
pub struct JitterRng {
    state: RngState,
}

/// Not yet drawn from (with the seed to use, if any), or running. Xoshiro128++ keeps the
/// generator at 16 bytes, which matters: it lives inside every retrying future. The pending seed
/// is held as two `u32` halves so the whole state stays 4-byte aligned: 20 bytes, not 24.
#[derive(Clone)]
enum RngState {
    Pending(Option<[u32; 2]>),
    Ready(Xoshiro128PlusPlus),
}

#[inline]
const fn split_seed(seed: u64) -> [u32; 2] {
    [(seed >> 32) as u32, seed as u32]
}

#[inline]
const fn join_seed([high, low]: [u32; 2]) -> u64 {
    ((high as u64) << 32) | low as u64
}

impl JitterRng {
    /// A generator seeded from the thread's random generator when first used.
    ///
    /// ```
    /// let _rng = retry_core::wait::JitterRng::new();
    /// ```
    #[inline]
    pub const fn new() -> Self {
        JitterRng::with_seed(None)
    }

    /// A reproducible generator.
    ///
    /// ```
    /// let _rng = retry_core::wait::JitterRng::seeded(42);
    /// ```
    #[inline]
    pub const fn seeded(seed: u64) -> Self {
        JitterRng::with_seed(Some(seed))
    }

    /// A generator seeded with `seed` when given, from the thread's generator otherwise.
    ///
    /// ```
    /// let _rng = retry_core::wait::JitterRng::with_seed(None);
    /// ```
    #[inline]
    pub const fn with_seed(seed: Option<u64>) -> Self {
        JitterRng {
            state: RngState::Pending(match seed {
                Some(seed) => Some(split_seed(seed)),
                None => None,
            }),
        }
    }

    #[inline]
    fn get(&mut self) -> &mut Xoshiro128PlusPlus {
        if let RngState::Pending(seed) = self.state {
            self.state = RngState::Ready(match seed {
                Some(seed) => Xoshiro128PlusPlus::seed_from_u64(join_seed(seed)),
                None => rand::make_rng(),
            });
        }
        match &mut self.state {
            RngState::Ready(rng) => rng,
            // Set just above.
            RngState::Pending(_) => unreachable!("the generator was started above"),
        }
    }

    /// A uniformly distributed duration in `[low, high]` (both ends included); `low` if
    /// `high < low`. Durations beyond `u64::MAX` nanoseconds (584 years) are capped there.
    ///
    /// ```
    /// use retry_core::wait::JitterRng;
    /// use std::time::Duration;
    /// let d = JitterRng::seeded(1).between(Duration::from_secs(1), Duration::from_secs(2));
    /// assert!(d >= Duration::from_secs(1) && d <= Duration::from_secs(2));
    /// ```
    pub fn between(&mut self, low: Duration, high: Duration) -> Duration {
        let (lo, hi) = (nanos_u64(low), nanos_u64(high));
        if hi <= lo {
            return low;
        }
        Duration::from_nanos(self.get().random_range(lo..=hi))
    }

    /// A uniformly distributed duration in `[low, high)`; `low` if `high <= low`.
    ///
    /// ```
    /// use retry_core::wait::JitterRng;
    /// use std::time::Duration;
    /// let d = JitterRng::seeded(1).below(Duration::ZERO, Duration::from_nanos(1));
    /// assert_eq!(d, Duration::ZERO);
    /// ```
    pub fn below(&mut self, low: Duration, high: Duration) -> Duration {
        let (lo, hi) = (nanos_u64(low), nanos_u64(high));
        if hi <= lo {
            return low;
        }
        Duration::from_nanos(self.get().random_range(lo..hi))
    }
}

impl Default for JitterRng {
    fn default() -> Self {
        JitterRng::new()
    }
}

impl fmt::Debug for JitterRng {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.state {
            RngState::Pending(seed) => f
                .debug_struct("JitterRng")
                .field("seed", &seed.map(join_seed))
                .finish(),
            RngState::Ready(_) => f.debug_struct("JitterRng").finish_non_exhaustive(),
        }
    }
}

impl TryRng for JitterRng {
    type Error = Infallible;

    #[inline]
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        self.get().try_next_u32()
    }

    #[inline]
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        self.get().try_next_u64()
    }

    #[inline]
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        self.get().try_fill_bytes(dst)
    }
}

/// `multiplier * base^(n-1)`, saturating at [`Duration::MAX`]. Exact (integer) for base 2.
pub(crate) fn exponential_value(multiplier: Duration, base: f64, attempt: u32) -> Duration {
    let exponent = attempt.saturating_sub(1);
    if base == 2.0 {
        // Shift the nanoseconds: exact for every exponent whose result fits (a multiplier of
        // 1 ns reaches 2^32 ns = 4.29 s only at attempt 33), saturating beyond.
        let nanos = multiplier.as_nanos();
        if nanos == 0 {
            return Duration::ZERO;
        }
        if exponent >= u128::BITS || nanos.leading_zeros() < exponent {
            return Duration::MAX;
        }
        let scaled = nanos << exponent;
        return match u64::try_from(scaled / 1_000_000_000) {
            Ok(secs) => Duration::new(secs, (scaled % 1_000_000_000) as u32),
            Err(_) => Duration::MAX,
        };
    }
    let factor = base.powf(f64::from(exponent));
    let secs = multiplier.as_secs_f64() * factor;
    if secs.is_nan() {
        // 0 * inf: tenacity computes 0 here.
        Duration::ZERO
    } else {
        secs_f64(secs)
    }
}

/// `clamp(value, lo = min, hi = max)` where `lo` wins if `min > max` (tenacity's order).
#[inline]
fn clamp_low_wins(value: Duration, min: Duration, max: Duration) -> Duration {
    value.min(max).max(min)
}

/// No wait at all. See [`none`].
///
/// ```
/// use retry_core::wait::{delays, none, NoWait, Wait};
/// use std::time::Duration;
///
/// let wait: NoWait = none();
/// assert_eq!(delays(&wait, 3, 0), [Duration::ZERO; 3]);
/// assert!(!Wait::<(), ()>::needs_clock(&wait));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NoWait;

/// Retries immediately (tenacity's `wait_none`).
///
/// ```
/// use retry_core::wait::{delays, none};
/// assert_eq!(delays(&none(), 2, 0), [std::time::Duration::ZERO; 2]);
/// ```
#[inline]
pub const fn none() -> NoWait {
    NoWait
}

impl<T, E> Wait<T, E> for NoWait {
    type State = ();
    #[inline]
    fn next_wait(&self, _: &mut (), _: &RetryState<T, E>, _: &mut JitterRng) -> Duration {
        Duration::ZERO
    }

    #[inline]
    fn needs_clock(&self) -> bool {
        false
    }
}

/// The same wait every time. See [`fixed`].
///
/// ```
/// use retry_core::wait::{delays, fixed, Fixed};
/// use std::time::Duration;
///
/// let wait: Fixed = fixed(2);
/// assert_eq!(delays(&wait, 2, 0), [Duration::from_secs(2); 2]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fixed {
    wait: Duration,
}

/// Waits `d` after every failure (tenacity's `wait_fixed`).
///
/// ```
/// use retry_core::wait::{delays, fixed};
/// use std::time::Duration;
/// assert_eq!(delays(&fixed(0.5), 2, 0), [Duration::from_millis(500); 2]);
/// ```
#[inline]
pub fn fixed(d: impl IntoDuration) -> Fixed {
    Fixed::new(d.into_duration())
}

impl Fixed {
    /// [`fixed`] as a `const fn` (for policies built at compile time).
    ///
    /// ```
    /// use retry_core::wait::{fixed, Fixed};
    /// use std::time::Duration;
    /// const WAIT: Fixed = Fixed::new(Duration::from_secs(2));
    /// assert_eq!(WAIT, fixed(2));
    /// ```
    #[inline]
    pub const fn new(wait: Duration) -> Self {
        Fixed { wait }
    }
}

impl<T, E> Wait<T, E> for Fixed {
    type State = ();
    #[inline]
    fn next_wait(&self, _: &mut (), _: &RetryState<T, E>, _: &mut JitterRng) -> Duration {
        self.wait
    }

    #[inline]
    fn needs_clock(&self) -> bool {
        false
    }
}

/// A uniformly random wait. See [`random`].
///
/// ```
/// use retry_core::wait::{delays, random, Random};
/// use std::time::Duration;
///
/// let wait: Random = random(1, 2);
/// let range = Duration::from_secs(1)..Duration::from_secs(2);
/// assert!(delays(&wait, 50, 1).iter().all(|d| range.contains(d)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Random {
    min: Duration,
    max: Duration,
}

/// Waits a uniformly random time in `[min, max)` (tenacity's `wait_random`); `min` if `max <= min`.
///
/// ```
/// use retry_core::wait::{delays, random};
/// use std::time::Duration;
/// for d in delays(&random(1, 2), 100, 9) {
///     assert!(d >= Duration::from_secs(1) && d < Duration::from_secs(2));
/// }
/// ```
#[inline]
pub fn random(min: impl IntoDuration, max: impl IntoDuration) -> Random {
    Random::new(min.into_duration(), max.into_duration())
}

impl Random {
    /// [`random`] as a `const fn`.
    ///
    /// ```
    /// use retry_core::wait::{random, Random};
    /// use std::time::Duration;
    /// const WAIT: Random = Random::new(Duration::ZERO, Duration::from_millis(500));
    /// assert_eq!(WAIT, random(0, 0.5));
    /// ```
    #[inline]
    pub const fn new(min: Duration, max: Duration) -> Self {
        Random { min, max }
    }
}

impl<T, E> Wait<T, E> for Random {
    type State = ();
    #[inline]
    fn next_wait(&self, _: &mut (), _: &RetryState<T, E>, rng: &mut JitterRng) -> Duration {
        rng.below(self.min, self.max)
    }

    #[inline]
    fn needs_clock(&self) -> bool {
        false
    }
}

/// A linearly growing wait. See [`incrementing`].
///
/// ```
/// use retry_core::wait::{delays, incrementing, Incrementing};
/// use std::time::Duration;
///
/// let wait: Incrementing = incrementing(0.5, 0.5, 2);
/// assert_eq!(delays(&wait, 5, 0), [500, 1000, 1500, 2000, 2000].map(Duration::from_millis));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Incrementing {
    start: Duration,
    increment: Duration,
    max: Duration,
}

/// Waits `clamp(start + increment * (n - 1), 0, max)` (tenacity's `wait_incrementing`).
///
/// ```
/// use retry_core::wait::{delays, incrementing};
/// use std::time::Duration;
/// assert_eq!(delays(&incrementing(1, 2, 6), 4, 0), [1, 3, 5, 6].map(Duration::from_secs));
/// ```
#[inline]
pub fn incrementing(
    start: impl IntoDuration,
    increment: impl IntoDuration,
    max: impl IntoDuration,
) -> Incrementing {
    Incrementing::new(
        start.into_duration(),
        increment.into_duration(),
        max.into_duration(),
    )
}

impl Incrementing {
    /// [`incrementing`] as a `const fn`.
    ///
    /// ```
    /// use retry_core::wait::{incrementing, Incrementing};
    /// use std::time::Duration;
    /// const WAIT: Incrementing = Incrementing::new(Duration::from_secs(1), Duration::from_secs(2), Duration::from_secs(6));
    /// assert_eq!(WAIT, incrementing(1, 2, 6));
    /// ```
    #[inline]
    pub const fn new(start: Duration, increment: Duration, max: Duration) -> Self {
        Incrementing {
            start,
            increment,
            max,
        }
    }
}

impl<T, E> Wait<T, E> for Incrementing {
    type State = ();
    #[inline]
    fn next_wait(&self, _: &mut (), retry: &RetryState<T, E>, _: &mut JitterRng) -> Duration {
        let steps = retry.attempt().saturating_sub(1);
        let grown = self
            .increment
            .checked_mul(steps)
            .and_then(|inc| self.start.checked_add(inc))
            .unwrap_or(Duration::MAX);
        grown.min(self.max)
    }

    #[inline]
    fn needs_clock(&self) -> bool {
        false
    }
}

/// Exponential backoff, optionally with full jitter. See [`exponential`] and [`random_exponential`].
///
/// ```
/// use retry_core::wait::{delays, exponential, Exponential};
/// use std::time::Duration;
///
/// let wait: Exponential = exponential(0.5, 0, 4);
/// assert_eq!(delays(&wait, 5, 0), [500, 1000, 2000, 4000, 4000].map(Duration::from_millis));
/// assert_eq!(wait.base(3.0).at(3), Duration::from_millis(4000)); // 0.5 s * 3^2, capped
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Exponential {
    multiplier: Duration,
    min: Duration,
    max: Duration,
    base: f64,
}

/// Waits `clamp(multiplier * base^(n - 1), min, max)` with `base` 2 (tenacity's
/// `wait_exponential`); the lower bound wins if `min > max`, and an overflow saturates to `max`.
/// Change the base with [`Exponential::base`].
///
/// ```
/// use retry_core::wait::{delays, exponential};
/// use std::time::Duration;
/// assert_eq!(delays(&exponential(1, 2, 10), 5, 0), [2, 2, 4, 8, 10].map(Duration::from_secs));
/// assert_eq!(delays(&exponential(1, 4, 10), 5, 0), [4, 4, 4, 8, 10].map(Duration::from_secs));
/// assert_eq!(delays(&exponential(1, 0, 100).base(3.0), 4, 0), [1, 3, 9, 27].map(Duration::from_secs));
/// ```
#[inline]
pub fn exponential(
    multiplier: impl IntoDuration,
    min: impl IntoDuration,
    max: impl IntoDuration,
) -> Exponential {
    Exponential::new(
        multiplier.into_duration(),
        min.into_duration(),
        max.into_duration(),
    )
}

impl Exponential {
    /// [`exponential`] as a `const fn`: base 2, changed with [`Exponential::base`].
    ///
    /// ```
    /// use retry_core::wait::{exponential, Exponential};
    /// use std::time::Duration;
    /// const WAIT: Exponential = Exponential::new(Duration::from_secs(1), Duration::from_secs(2), Duration::from_secs(10));
    /// assert_eq!(WAIT, exponential(1, 2, 10));
    /// ```
    #[inline]
    pub const fn new(multiplier: Duration, min: Duration, max: Duration) -> Self {
        Exponential {
            multiplier,
            min,
            max,
            base: 2.0,
        }
    }

    /// Sets the base of the exponent (tenacity's `exp_base`, default 2).
    ///
    /// ```
    /// let _ = retry_core::wait::exponential(1, 0, 60).base(1.5);
    /// ```
    #[inline]
    pub const fn base(mut self, base: f64) -> Self {
        self.base = base;
        self
    }

    /// The wait for attempt `n`, without jitter.
    ///
    /// ```
    /// use std::time::Duration;
    /// assert_eq!(retry_core::wait::exponential(1, 0, 10).at(4), Duration::from_secs(8));
    /// assert_eq!(retry_core::wait::exponential(1, 0, 10).at(u32::MAX), Duration::from_secs(10));
    /// ```
    #[inline]
    pub fn at(&self, attempt: u32) -> Duration {
        clamp_low_wins(
            exponential_value(self.multiplier, self.base, attempt),
            self.min,
            self.max,
        )
    }
}

impl<T, E> Wait<T, E> for Exponential {
    type State = ();
    #[inline]
    fn next_wait(&self, _: &mut (), retry: &RetryState<T, E>, _: &mut JitterRng) -> Duration {
        self.at(retry.attempt())
    }

    #[inline]
    fn needs_clock(&self) -> bool {
        false
    }
}

/// Exponential backoff with full jitter. See [`random_exponential`].
///
/// ```
/// use retry_core::wait::{delays, random_exponential, RandomExponential};
/// use std::time::Duration;
///
/// let wait: RandomExponential = random_exponential(1, 0, 10);
/// for (d, high) in delays(&wait, 6, 7).into_iter().zip([1, 2, 4, 8, 10, 10]) {
///     assert!(d <= Duration::from_secs(high));
/// }
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RandomExponential {
    exponential: Exponential,
}

/// Full jitter: a uniformly random wait in `[min, exponential(n)]` where `exponential(n)` is
/// [`exponential`]'s wait (tenacity's `wait_random_exponential`, AWS's "full jitter").
///
/// ```
/// use retry_core::wait::{delays, random_exponential};
/// use std::time::Duration;
/// let waits = delays(&random_exponential(1, 0, 8), 6, 3);
/// for (n, d) in waits.iter().enumerate() {
///     assert!(*d <= Duration::from_secs(8.min(1 << n)));
/// }
/// ```
#[inline]
pub fn random_exponential(
    multiplier: impl IntoDuration,
    min: impl IntoDuration,
    max: impl IntoDuration,
) -> RandomExponential {
    RandomExponential::new(
        multiplier.into_duration(),
        min.into_duration(),
        max.into_duration(),
    )
}

impl RandomExponential {
    /// [`random_exponential`] as a `const fn`: base 2, changed with [`RandomExponential::base`].
    ///
    /// ```
    /// use retry_core::wait::{random_exponential, RandomExponential};
    /// use std::time::Duration;
    /// const WAIT: RandomExponential = RandomExponential::new(Duration::from_secs(1), Duration::ZERO, Duration::from_secs(60));
    /// assert_eq!(WAIT, random_exponential(1, 0, 60));
    /// ```
    #[inline]
    pub const fn new(multiplier: Duration, min: Duration, max: Duration) -> Self {
        RandomExponential {
            exponential: Exponential::new(multiplier, min, max),
        }
    }

    /// Full jitter from 100 ms, growing by 1.3 per attempt, capped at 20 s: the bare `#[retry]`
    /// default (docs/contention.md says why base 1.3).
    pub(crate) const BARE_DEFAULT: Self = RandomExponential::new(
        Duration::from_millis(100),
        Duration::ZERO,
        Duration::from_secs(20),
    )
    .base(1.3);

    /// Sets the base of the exponent (default 2).
    ///
    /// ```
    /// let _ = retry_core::wait::random_exponential(1, 0, 60).base(3.0);
    /// ```
    #[inline]
    pub const fn base(mut self, base: f64) -> Self {
        self.exponential.base = base;
        self
    }
}

impl<T, E> Wait<T, E> for RandomExponential {
    type State = ();
    #[inline]
    fn next_wait(&self, _: &mut (), retry: &RetryState<T, E>, rng: &mut JitterRng) -> Duration {
        let high = self.exponential.at(retry.attempt());
        rng.between(self.exponential.min, high)
    }

    #[inline]
    fn needs_clock(&self) -> bool {
        false
    }
}

/// Exponential backoff plus additive jitter. See [`exponential_jitter`].
///
/// ```
/// use retry_core::wait::{delays, exponential_jitter, ExponentialJitter};
/// use std::time::Duration;
///
/// let wait: ExponentialJitter = exponential_jitter(1, 10, 0.5);
/// let waits = delays(&wait, 5, 3);
/// for (d, exp) in waits.iter().zip([1.0, 2.0, 4.0, 8.0]) {
///     assert!((exp..=exp + 0.5).contains(&d.as_secs_f64()));
/// }
/// assert_eq!(waits[4], Duration::from_secs(10)); // 16 s plus jitter, capped
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ExponentialJitter {
    initial: Duration,
    max: Duration,
    jitter: Duration,
    base: f64,
}

/// Waits `clamp(initial * 2^(n - 1) + U(0, jitter), 0, max)` (tenacity's
/// `wait_exponential_jitter`): the jitter is added before the cap, so waits never exceed `max`.
///
/// ```
/// use retry_core::wait::{delays, exponential_jitter};
/// use std::time::Duration;
/// let waits = delays(&exponential_jitter(1, 5, 1), 4, 11);
/// assert!(waits[0] >= Duration::from_secs(1) && waits[0] <= Duration::from_secs(2));
/// assert_eq!(waits[3], Duration::from_secs(5));
/// ```
#[inline]
pub fn exponential_jitter(
    initial: impl IntoDuration,
    max: impl IntoDuration,
    jitter: impl IntoDuration,
) -> ExponentialJitter {
    ExponentialJitter::new(
        initial.into_duration(),
        max.into_duration(),
        jitter.into_duration(),
    )
}

impl ExponentialJitter {
    /// [`exponential_jitter`] as a `const fn`: base 2, changed with [`ExponentialJitter::base`].
    ///
    /// ```
    /// use retry_core::wait::{exponential_jitter, ExponentialJitter};
    /// use std::time::Duration;
    /// const WAIT: ExponentialJitter = ExponentialJitter::new(Duration::from_secs(1), Duration::from_secs(60), Duration::from_secs(1));
    /// assert_eq!(WAIT, exponential_jitter(1, 60, 1));
    /// ```
    #[inline]
    pub const fn new(initial: Duration, max: Duration, jitter: Duration) -> Self {
        ExponentialJitter {
            initial,
            max,
            jitter,
            base: 2.0,
        }
    }

    /// Sets the base of the exponent (default 2).
    ///
    /// ```
    /// let _ = retry_core::wait::exponential_jitter(1, 60, 1).base(3.0);
    /// ```
    #[inline]
    pub const fn base(mut self, base: f64) -> Self {
        self.base = base;
        self
    }
}

impl<T, E> Wait<T, E> for ExponentialJitter {
    type State = ();
    #[inline]
    fn next_wait(&self, _: &mut (), retry: &RetryState<T, E>, rng: &mut JitterRng) -> Duration {
        let jitter = rng.between(Duration::ZERO, self.jitter);
        exponential_value(self.initial, self.base, retry.attempt())
            .saturating_add(jitter)
            .min(self.max)
    }

    #[inline]
    fn needs_clock(&self) -> bool {
        false
    }
}

/// AWS "equal jitter". See [`equal_jitter`].
///
/// ```
/// use retry_core::wait::{delays, equal_jitter, EqualJitter};
/// use std::time::Duration;
///
/// let wait: EqualJitter = equal_jitter(2, 16);
/// for (d, v) in delays(&wait, 5, 1).into_iter().zip([2, 4, 8, 16, 16].map(Duration::from_secs)) {
///     assert!(d >= v / 2 && d <= v);
/// }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EqualJitter {
    multiplier: Duration,
    max: Duration,
}

/// AWS's equal jitter: with `v = min(max, multiplier * 2^(n - 1))`, waits `v/2 + U(0, v/2)`:
/// never less than half the exponential wait, never more than it.
///
/// ```
/// use retry_core::wait::{delays, equal_jitter};
/// use std::time::Duration;
/// let waits = delays(&equal_jitter(1, 8), 5, 5);
/// assert!(waits[2] >= Duration::from_secs(2) && waits[2] <= Duration::from_secs(4));
/// assert!(waits[4] >= Duration::from_secs(4) && waits[4] <= Duration::from_secs(8));
/// ```
#[inline]
pub fn equal_jitter(multiplier: impl IntoDuration, max: impl IntoDuration) -> EqualJitter {
    EqualJitter::new(multiplier.into_duration(), max.into_duration())
}

impl EqualJitter {
    /// [`equal_jitter`] as a `const fn`.
    ///
    /// ```
    /// use retry_core::wait::{equal_jitter, EqualJitter};
    /// use std::time::Duration;
    /// const WAIT: EqualJitter = EqualJitter::new(Duration::from_secs(1), Duration::from_secs(8));
    /// assert_eq!(WAIT, equal_jitter(1, 8));
    /// ```
    #[inline]
    pub const fn new(multiplier: Duration, max: Duration) -> Self {
        EqualJitter { multiplier, max }
    }
}

impl<T, E> Wait<T, E> for EqualJitter {
    type State = ();
    #[inline]
    fn next_wait(&self, _: &mut (), retry: &RetryState<T, E>, rng: &mut JitterRng) -> Duration {
        let v = exponential_value(self.multiplier, 2.0, retry.attempt()).min(self.max);
        let half = v / 2;
        half.saturating_add(rng.between(Duration::ZERO, v - half))
    }

    #[inline]
    fn needs_clock(&self) -> bool {
        false
    }
}

/// AWS "decorrelated jitter". See [`decorrelated_jitter`].
///
/// ```
/// use retry_core::wait::{decorrelated_jitter, DecorrelatedJitter, JitterRng, Wait};
/// use retry_core::RetryState;
/// use std::time::Duration;
///
/// let wait: DecorrelatedJitter = decorrelated_jitter(1, 30);
/// let (mut previous, state) = (None, RetryState::<(), ()>::at_attempt(1, None));
/// let first = wait.next_wait(&mut previous, &state, &mut JitterRng::seeded(4));
/// assert!(first >= Duration::from_secs(1) && first <= Duration::from_secs(3));
/// assert_eq!(previous, Some(first)); // the next draw is from [1 s, 3 * first]
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecorrelatedJitter {
    base: Duration,
    max: Duration,
}

/// AWS's decorrelated jitter: `sleep = min(max, U(base, 3 * previous_sleep))`, starting from
/// `previous_sleep = base`. The previous sleep is remembered per call.
///
/// ```
/// use retry_core::wait::{delays, decorrelated_jitter};
/// use std::time::Duration;
/// let waits = delays(&decorrelated_jitter(1, 20), 8, 2);
/// let mut previous = Duration::from_secs(1);
/// for d in waits {
///     assert!(d >= Duration::from_secs(1) && d <= (previous * 3).min(Duration::from_secs(20)));
///     previous = d;
/// }
/// ```
#[inline]
pub fn decorrelated_jitter(base: impl IntoDuration, max: impl IntoDuration) -> DecorrelatedJitter {
    DecorrelatedJitter::new(base.into_duration(), max.into_duration())
}

impl DecorrelatedJitter {
    /// [`decorrelated_jitter`] as a `const fn`.
    ///
    /// ```
    /// use retry_core::wait::{decorrelated_jitter, DecorrelatedJitter};
    /// use std::time::Duration;
    /// const WAIT: DecorrelatedJitter = DecorrelatedJitter::new(Duration::from_secs(1), Duration::from_secs(20));
    /// assert_eq!(WAIT, decorrelated_jitter(1, 20));
    /// ```
    #[inline]
    pub const fn new(base: Duration, max: Duration) -> Self {
        DecorrelatedJitter { base, max }
    }
}

impl<T, E> Wait<T, E> for DecorrelatedJitter {
    type State = Option<Duration>;
    #[inline]
    fn next_wait(
        &self,
        previous: &mut Option<Duration>,
        _: &RetryState<T, E>,
        rng: &mut JitterRng,
    ) -> Duration {
        let prev = previous.unwrap_or(self.base);
        let high = prev.checked_mul(3).unwrap_or(Duration::MAX);
        let sleep = rng.between(self.base, high).min(self.max);
        *previous = Some(sleep);
        sleep
    }

    #[inline]
    fn needs_clock(&self) -> bool {
        false
    }
}

/// A closure as a wait strategy that combines with `+`. See [`from_fn`].
///
/// ```
/// use retry_core::wait::{delays, from_fn, FromFn};
/// use retry_core::RetryState;
/// use std::time::Duration;
///
/// let wait: FromFn<_> = from_fn(|s: &RetryState<(), ()>| Duration::from_secs(10) * s.attempt());
/// assert_eq!(delays(&wait, 3, 0), [10, 20, 30].map(Duration::from_secs));
/// ```
#[derive(Clone, Copy, Debug)]
pub struct FromFn<F> {
    wait: F,
}

/// Wraps a closure over the call's state, for example to read a delay from the last error.
///
/// ```
/// use retry_core::wait::{delays, fixed, from_fn};
/// use retry_core::RetryState;
/// use std::time::Duration;
///
/// let wait = fixed(1) + from_fn(|s: &RetryState<(), ()>| Duration::from_millis(u64::from(s.attempt())));
/// assert_eq!(delays(&wait, 2, 0), [Duration::from_millis(1001), Duration::from_millis(1002)]);
/// ```
#[inline]
pub fn from_fn<F>(wait: F) -> FromFn<F> {
    FromFn { wait }
}

impl<T, E, F> Wait<T, E> for FromFn<F>
where
    F: Fn(&RetryState<T, E>) -> Duration,
{
    type State = ();
    #[inline]
    fn next_wait(&self, _: &mut (), retry: &RetryState<T, E>, _: &mut JitterRng) -> Duration {
        (self.wait)(retry)
    }
}

/// The sum of two strategies (`a + b`). Saturates at [`Duration::MAX`].
///
/// ```
/// use retry_core::wait::{delays, fixed, incrementing, Sum};
/// use std::time::Duration;
///
/// let wait: Sum<_, _> = fixed(1) + incrementing(0, 1, 10);
/// assert_eq!(delays(&wait, 3, 0), [1, 2, 3].map(Duration::from_secs));
/// assert_eq!(delays(&(fixed(Duration::MAX) + fixed(1)), 1, 0), [Duration::MAX]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sum<A, B> {
    first: A,
    second: B,
}

impl<T, E, A: Wait<T, E>, B: Wait<T, E>> Wait<T, E> for Sum<A, B> {
    type State = (A::State, B::State);
    #[inline]
    fn next_wait(
        &self,
        state: &mut Self::State,
        retry: &RetryState<T, E>,
        rng: &mut JitterRng,
    ) -> Duration {
        let a = self.first.next_wait(&mut state.0, retry, rng);
        let b = self.second.next_wait(&mut state.1, retry, rng);
        a.saturating_add(b)
    }

    #[inline]
    fn needs_clock(&self) -> bool {
        self.first.needs_clock() || self.second.needs_clock()
    }
}

/// Strategies used in turn: the `n`-th failure uses strategy `min(n, k)`. See [`chain`].
///
/// ```
/// use retry_core::wait::{chain, delays, exponential, fixed, Chain};
/// use std::time::Duration;
///
/// // Attempt 1 uses `fixed(1)`; later ones the last strategy, evaluated at their own attempt.
/// let wait: Chain<_> = chain((fixed(1), exponential(1, 0, 60)));
/// assert_eq!(delays(&wait, 4, 0), [1, 2, 4, 8].map(Duration::from_secs));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Chain<L> {
    list: L,
}

/// Chains strategies given as a tuple: attempt `n` uses the `min(n, k)`-th of `k` strategies,
/// evaluated at attempt `n` (tenacity's `wait_chain`). Up to 12 strategies.
///
/// ```
/// use retry_core::wait::{chain, delays, fixed};
/// use std::time::Duration;
/// let waits = delays(&chain((fixed(1), fixed(2), fixed(3))), 4, 0);
/// assert_eq!(waits, [1, 2, 3, 3].map(Duration::from_secs));
/// ```
#[inline]
pub const fn chain<L>(list: L) -> Chain<L> {
    Chain { list }
}

macro_rules! chain_impls {
    ($( ($($w:ident $i:tt),+) )*) => {$(
        impl<T, E, $($w: Wait<T, E>),+> Wait<T, E> for Chain<($($w,)+)> {
            type State = ($($w::State,)+);
            #[inline]
            fn next_wait(
                &self,
                state: &mut Self::State,
                retry: &RetryState<T, E>,
                rng: &mut JitterRng,
            ) -> Duration {
                const COUNT: u32 = [$($i),+].len() as u32;
                let index = retry.attempt().clamp(1, COUNT) - 1;
                $(
                    if index == $i {
                        return self.list.$i.next_wait(&mut state.$i, retry, rng);
                    }
                )+
                Duration::ZERO
            }

            #[inline]
            fn needs_clock(&self) -> bool {
                false $(|| self.list.$i.needs_clock())+
            }
        }
    )*};
}

chain_impls! {
    (A 0)
    (A 0, B 1)
    (A 0, B 1, C 2)
    (A 0, B 1, C 2, D 3)
    (A 0, B 1, C 2, D 3, F 4)
    (A 0, B 1, C 2, D 3, F 4, G 5)
    (A 0, B 1, C 2, D 3, F 4, G 5, H 6)
    (A 0, B 1, C 2, D 3, F 4, G 5, H 6, I 7)
    (A 0, B 1, C 2, D 3, F 4, G 5, H 6, I 7, J 8)
    (A 0, B 1, C 2, D 3, F 4, G 5, H 6, I 7, J 8, K 9)
    (A 0, B 1, C 2, D 3, F 4, G 5, H 6, I 7, J 8, K 9, L 10)
    (A 0, B 1, C 2, D 3, F 4, G 5, H 6, I 7, J 8, K 9, L 10, M 11)
}

macro_rules! wait_add {
    ($([$($g:tt)*] $t:ty),* $(,)?) => {$(
        impl<$($g)* Rhs> Add<Rhs> for $t {
            type Output = Sum<$t, Rhs>;
            #[inline]
            fn add(self, rhs: Rhs) -> Self::Output {
                Sum { first: self, second: rhs }
            }
        }
    )*};
}

wait_add!(
    [] NoWait,
    [] Fixed,
    [] Random,
    [] Incrementing,
    [] Exponential,
    [] RandomExponential,
    [] ExponentialJitter,
    [] EqualJitter,
    [] DecorrelatedJitter,
    [F,] FromFn<F>,
    [A, B,] Sum<A, B>,
    [L,] Chain<L>,
    [F,] crate::retry_after::RetryAfterWait<F>,
);

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(w: &impl Wait<(), ()>, n: u32) -> Vec<f64> {
        delays(w, n, 0).iter().map(Duration::as_secs_f64).collect()
    }

    #[test]
    fn exact_sequences() {
        assert_eq!(secs(&exponential(1, 2, 10), 5), [2.0, 2.0, 4.0, 8.0, 10.0]);
        assert_eq!(secs(&exponential(1, 4, 10), 5), [4.0, 4.0, 4.0, 8.0, 10.0]);
        assert_eq!(secs(&exponential(0.5, 0, 60), 4), [0.5, 1.0, 2.0, 4.0]);
        assert_eq!(
            secs(&exponential(1, 0, 1000).base(3.0), 4),
            [1.0, 3.0, 9.0, 27.0]
        );
        // The lower bound wins when min > max (tenacity's max(lo, min(x, hi))).
        assert_eq!(secs(&exponential(1, 5, 2), 3), [5.0, 5.0, 5.0]);
        assert_eq!(secs(&incrementing(1, 2, 100), 3), [1.0, 3.0, 5.0]);
        assert_eq!(secs(&incrementing(0, 0.5, 1), 4), [0.0, 0.5, 1.0, 1.0]);
        assert_eq!(secs(&fixed(1.5), 3), [1.5, 1.5, 1.5]);
        assert_eq!(secs(&none(), 2), [0.0, 0.0]);
        assert_eq!(
            secs(&chain((fixed(1), fixed(2), fixed(3))), 4),
            [1.0, 2.0, 3.0, 3.0]
        );
        assert_eq!(
            secs(&chain((fixed(1), exponential(1, 0, 100))), 4),
            [1.0, 2.0, 4.0, 8.0]
        );
        assert_eq!(
            secs(&(fixed(1) + incrementing(0, 1, 10)), 3),
            [1.0, 2.0, 3.0]
        );
    }

    #[test]
    fn huge_attempts_and_durations_saturate() {
        let n = [u32::MAX - 1, u32::MAX, 64, 65, 1 << 20];
        for attempt in n {
            let state = RetryState::<(), ()>::at_attempt(attempt, None);
            let mut rng = JitterRng::seeded(1);
            let w = exponential(Duration::MAX, 0, Duration::MAX);
            assert_eq!(w.next_wait(&mut (), &state, &mut rng), Duration::MAX);
            let w = exponential(1, 0, 10).base(7.5);
            assert_eq!(
                w.next_wait(&mut (), &state, &mut rng),
                Duration::from_secs(10)
            );
            let w = incrementing(Duration::MAX, Duration::MAX, Duration::MAX);
            assert_eq!(w.next_wait(&mut (), &state, &mut rng), Duration::MAX);
            let w = exponential_jitter(Duration::MAX, Duration::MAX, Duration::MAX);
            assert_eq!(w.next_wait(&mut (), &state, &mut rng), Duration::MAX);
            let w = equal_jitter(Duration::MAX, 30);
            let d = w.next_wait(&mut (), &state, &mut rng);
            assert!(d >= Duration::from_secs(15) && d <= Duration::from_secs(30));
            let w = random_exponential(1, 0, Duration::MAX);
            let _ = w.next_wait(&mut (), &state, &mut rng);
            let w = fixed(Duration::MAX) + fixed(Duration::MAX);
            assert_eq!(w.next_wait(&mut ((), ()), &state, &mut rng), Duration::MAX);
        }
        let mut previous = Some(Duration::MAX);
        let state = RetryState::<(), ()>::at_attempt(9, None);
        let w = decorrelated_jitter(Duration::MAX, Duration::MAX);
        assert_eq!(
            w.next_wait(&mut previous, &state, &mut JitterRng::seeded(3)),
            Duration::MAX
        );
        // Zero multiplier with a huge exponent is zero, not NaN.
        assert_eq!(exponential(0, 0, 5).base(10.0).at(u32::MAX), Duration::ZERO);
        assert_eq!(exponential(0, 0, 5).at(u32::MAX), Duration::ZERO);
        // Attempt 0 (never produced by the engine) is treated as attempt 1.
        assert_eq!(exponential(1, 0, 5).at(0), Duration::from_secs(1));
    }

    #[test]
    fn random_strategies_stay_in_bounds_and_follow_the_seed() {
        let draws = |w: &dyn Fn(&mut JitterRng, u32) -> Duration, seed| {
            let mut rng = JitterRng::seeded(seed);
            (1..=200).map(|n| w(&mut rng, n)).collect::<Vec<_>>()
        };
        let rand_w = |rng: &mut JitterRng, n| {
            random(1, 3).next_wait(&mut (), &RetryState::<(), ()>::at_attempt(n, None), rng)
        };
        let a = draws(&rand_w, 1);
        assert!(
            a.iter()
                .all(|d| *d >= Duration::from_secs(1) && *d < Duration::from_secs(3))
        );
        assert_eq!(a, draws(&rand_w, 1));
        assert_ne!(a, draws(&rand_w, 2));

        for (n, d) in delays(&random_exponential(1, 0.5, 16), 8, 4)
            .into_iter()
            .enumerate()
        {
            let high = Duration::from_secs(16.min(1 << n)).max(Duration::from_millis(500));
            assert!(d >= Duration::from_millis(500) && d <= high, "{n}: {d:?}");
        }
        for (n, d) in delays(&exponential_jitter(1, 100, 0.5), 6, 4)
            .into_iter()
            .enumerate()
        {
            let base = Duration::from_secs(1 << n);
            assert!(
                d >= base && d <= base + Duration::from_millis(500),
                "{n}: {d:?}"
            );
        }
        for (n, d) in delays(&equal_jitter(0.1, 1), 8, 4).into_iter().enumerate() {
            let v = Duration::from_millis(100 << n).min(Duration::from_secs(1));
            assert!(d >= v / 2 && d <= v, "{n}: {d:?}");
        }
        let mut previous = Duration::from_millis(5);
        for d in delays(&decorrelated_jitter(0.005, 2), 50, 4) {
            assert!(
                d >= Duration::from_millis(5) && d <= (previous * 3).min(Duration::from_secs(2))
            );
            previous = d;
        }
        // Degenerate ranges return the lower bound.
        assert_eq!(secs(&random(2, 1), 2), [2.0, 2.0]);
        assert_eq!(secs(&random_exponential(1, 5, 2), 2), [5.0, 5.0]);
    }

    #[test]
    fn closures_see_the_outcome() {
        let wait = |s: &RetryState<(), u64>| Duration::from_secs(*s.error().unwrap_or(&0));
        let state = RetryState::at_attempt(1, Some(Err(7)));
        assert_eq!(
            wait.next_wait(&mut (), &state, &mut JitterRng::new()),
            Duration::from_secs(7)
        );
    }
}
