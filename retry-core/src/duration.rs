//! Durations from the values people write: `Duration`s, whole seconds and fractional seconds.
//!
//! Every strategy constructor takes `impl IntoDuration`, so `fixed(2)`, `fixed(0.5)` and
//! `fixed(Duration::from_millis(500))` all work, the way tenacity takes seconds as numbers.
//! Conversions never panic: negative numbers and NaN become zero, values too large for a
//! [`Duration`] (and infinity) saturate to [`Duration::MAX`].

use std::time::Duration;

/// A value that can be read as a [`Duration`]; bare numbers are seconds.
///
/// ```
/// use retry_core::IntoDuration;
/// use std::time::Duration;
///
/// assert_eq!(2.into_duration(), Duration::from_secs(2));
/// assert_eq!(0.25.into_duration(), Duration::from_millis(250));
/// assert_eq!((-1).into_duration(), Duration::ZERO);
/// assert_eq!(f64::INFINITY.into_duration(), Duration::MAX);
/// assert_eq!(Duration::from_millis(7).into_duration(), Duration::from_millis(7));
/// ```
pub trait IntoDuration {
    /// Converts to a [`Duration`], saturating instead of failing.
    ///
    /// ```
    /// use retry_core::IntoDuration;
    /// use std::time::Duration;
    ///
    /// assert_eq!(1.5.into_duration(), Duration::from_millis(1500));
    /// assert_eq!(f64::NAN.into_duration(), Duration::ZERO);
    /// ```
    fn into_duration(self) -> Duration;
}

impl IntoDuration for Duration {
    #[inline]
    fn into_duration(self) -> Duration {
        self
    }
}

impl IntoDuration for &Duration {
    #[inline]
    fn into_duration(self) -> Duration {
        *self
    }
}

macro_rules! unsigned_seconds {
    ($($t:ty),*) => {$(
        impl IntoDuration for $t {
            #[inline]
            fn into_duration(self) -> Duration {
                Duration::from_secs(self as u64)
            }
        }
    )*};
}
unsigned_seconds!(u8, u16, u32, u64, usize);

macro_rules! signed_seconds {
    ($($t:ty),*) => {$(
        impl IntoDuration for $t {
            #[inline]
            fn into_duration(self) -> Duration {
                Duration::from_secs(u64::try_from(self).unwrap_or(0))
            }
        }
    )*};
}
signed_seconds!(i8, i16, i32, i64, isize);

impl IntoDuration for f64 {
    #[inline]
    fn into_duration(self) -> Duration {
        secs_f64(self)
    }
}

impl IntoDuration for f32 {
    #[inline]
    fn into_duration(self) -> Duration {
        secs_f64(f64::from(self))
    }
}

/// Seconds as `f64` to a [`Duration`]: NaN and negatives are zero, overflow saturates.
#[inline]
pub(crate) fn secs_f64(secs: f64) -> Duration {
    if secs.is_nan() || secs <= 0.0 {
        Duration::ZERO
    } else {
        Duration::try_from_secs_f64(secs).unwrap_or(Duration::MAX)
    }
}

/// A duration as whole nanoseconds, saturating at `u64::MAX` (about 584 years).
#[inline]
pub(crate) fn nanos_u64(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_seconds_and_saturate() {
        assert_eq!(3u32.into_duration(), Duration::from_secs(3));
        assert_eq!(0.5f32.into_duration(), Duration::from_millis(500));
        assert_eq!(f64::NAN.into_duration(), Duration::ZERO);
        assert_eq!((-0.5).into_duration(), Duration::ZERO);
        assert_eq!(1e300.into_duration(), Duration::MAX);
        assert_eq!(i64::MIN.into_duration(), Duration::ZERO);
        assert_eq!(u64::MAX.into_duration(), Duration::from_secs(u64::MAX));
        assert_eq!(nanos_u64(Duration::MAX), u64::MAX);
        assert_eq!(nanos_u64(Duration::from_micros(3)), 3_000);
    }
}
