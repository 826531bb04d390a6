//! Properties of every wait strategy, for any parameters: zero, huge values, attempt numbers up to
//! `u32::MAX`, durations up to days and `Duration::MAX`. No panic, no overflow, results inside the
//! bounds each strategy's formula gives (DESIGN.md "Exact semantics" and the rustdoc), exact
//! values where the formula is exact, and exponential waits that never decrease with `n`.

use std::time::Duration;

use proptest::prelude::*;
use proptest::test_runner::RngAlgorithm;
use retry_core::wait::{
    JitterRng, Wait, chain, decorrelated_jitter, equal_jitter, exponential, exponential_jitter,
    fixed, from_fn, incrementing, none, random, random_exponential, retry_after,
};
use retry_core::{IntoDuration, RetryAfter, RetryState};

/// Cases per property. Each case is a handful of strategy evaluations (microseconds in debug).
const CASES: u32 = 10_000;

/// `CASES` cases drawn with XorShift rather than proptest's default ChaCha: generation needs no
/// cryptographic strength, and XorShift is ten times faster in debug builds.
fn config() -> ProptestConfig {
    ProptestConfig {
        cases: CASES,
        rng_algorithm: RngAlgorithm::XorShift,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Generators

/// Durations biased towards the interesting ones: zero, one nanosecond, up to ten seconds, up to
/// a month, anything a `Duration` can hold, around `JitterRng`'s 584-year nanosecond cap, and
/// `Duration::MAX`.
fn any_duration() -> impl Strategy<Value = Duration> {
    prop_oneof![
        2 => Just(Duration::ZERO),
        1 => Just(Duration::from_nanos(1)),
        1 => Just(Duration::MAX),
        4 => (0u64..=10_000_000_000).prop_map(Duration::from_nanos),
        4 => (0u64..=30 * 86_400_000).prop_map(Duration::from_millis),
        2 => (any::<u64>(), 0u32..1_000_000_000).prop_map(|(s, n)| Duration::new(s, n)),
        1 => any::<u64>().prop_map(Duration::from_nanos),
    ]
}

/// Attempt numbers: the first few dozen (where exponents stop fitting in 32 and 64 bits), the
/// top of the range, anything, and 0 (which the engine never produces; treated as 1).
fn any_attempt() -> impl Strategy<Value = u32> {
    prop_oneof![
        6 => 1u32..=130,
        1 => Just(u32::MAX),
        1 => (u32::MAX - 64)..=u32::MAX,
        2 => any::<u32>(),
        1 => Just(0u32),
    ]
}

/// Any exponent base, including NaN, infinities, zero, negatives and subnormals.
fn any_base() -> impl Strategy<Value = f64> {
    prop_oneof![
        2 => Just(2.0),
        2 => 1.0f64..10.0,
        1 => -10.0f64..1.0,
        1 => prop::sample::select(vec![
            0.0,
            -0.0,
            1.0,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE,
            f64::MAX,
            -1.0,
        ]),
        2 => any::<f64>(),
    ]
}

/// Bases for which `base^(n-1)` grows (or stays put) with `n`.
fn growing_base() -> impl Strategy<Value = f64> {
    prop_oneof![
        2 => Just(2.0),
        1 => Just(1.0),
        3 => 1.0f64..20.0,
        1 => 1.0f64..1.000_001,
        1 => prop::sample::select(vec![f64::INFINITY, 1e300, f64::MAX, 1.0 + f64::EPSILON]),
    ]
}

// ---------------------------------------------------------------------------------------------
// Helpers

fn at(n: u32) -> RetryState<(), ()> {
    RetryState::at_attempt(n, None)
}

/// One evaluation of a stateless strategy at attempt `n`.
fn wait_at<W: Wait<(), (), State = ()>>(w: &W, n: u32, rng: &mut JitterRng) -> Duration {
    w.next_wait(&mut (), &at(n), rng)
}

/// A count of nanoseconds as a `Duration`, saturating at `Duration::MAX`.
fn from_nanos_saturating(nanos: u128) -> Duration {
    let secs = nanos / 1_000_000_000;
    match u64::try_from(secs) {
        Ok(secs) => Duration::new(secs, (nanos % 1_000_000_000) as u32),
        Err(_) => Duration::MAX,
    }
}

/// `multiplier * 2^(n-1)` computed exactly on 128-bit nanoseconds, saturating at `Duration::MAX`:
/// the reference the base-2 exponential must match.
fn exponential_reference(multiplier: Duration, n: u32) -> Duration {
    let exponent = n.saturating_sub(1);
    let nanos = multiplier.as_nanos();
    if nanos == 0 {
        return Duration::ZERO;
    }
    if exponent >= 128 || nanos.leading_zeros() < exponent {
        return Duration::MAX;
    }
    from_nanos_saturating(nanos << exponent)
}

/// `start + increment * (n-1)` on 128-bit nanoseconds, saturating.
fn incrementing_reference(start: Duration, increment: Duration, n: u32) -> Duration {
    let steps = u128::from(n.saturating_sub(1));
    let grown = increment
        .as_nanos()
        .checked_mul(steps)
        .and_then(|inc| inc.checked_add(start.as_nanos()));
    grown.map_or(Duration::MAX, from_nanos_saturating)
}

#[derive(Debug)]
struct Hinted(Option<Duration>);

impl RetryAfter for Hinted {
    fn retry_after(&self) -> Option<Duration> {
        self.0
    }
}

// ---------------------------------------------------------------------------------------------
// Properties

proptest! {
    #![proptest_config(config())]

    #[test]
    fn none_and_fixed_are_constant(d in any_duration(), n in any_attempt(), seed in any::<u64>()) {
        let mut rng = JitterRng::seeded(seed);
        prop_assert_eq!(wait_at(&none(), n, &mut rng), Duration::ZERO);
        prop_assert_eq!(wait_at(&fixed(d), n, &mut rng), d);
    }

    #[test]
    fn random_stays_in_its_half_open_range(
        a in any_duration(),
        b in any_duration(),
        n in any_attempt(),
        seed in any::<u64>(),
    ) {
        let d = wait_at(&random(a, b), n, &mut JitterRng::seeded(seed));
        if a < b {
            prop_assert!(a <= d && d < b, "random({a:?}, {b:?}) gave {d:?}");
        } else {
            prop_assert_eq!(d, a, "an empty range gives its lower end");
        }
    }

    #[test]
    fn incrementing_is_exact_capped_and_never_decreases(
        start in any_duration(),
        increment in any_duration(),
        max in any_duration(),
        n in any_attempt(),
        later in any_attempt(),
    ) {
        let w = incrementing(start, increment, max);
        let mut rng = JitterRng::seeded(0);
        let d = wait_at(&w, n, &mut rng);
        prop_assert_eq!(d, incrementing_reference(start, increment, n).min(max));
        prop_assert!(d <= max);
        let (lo, hi) = (n.min(later), n.max(later));
        prop_assert!(wait_at(&w, lo, &mut rng) <= wait_at(&w, hi, &mut rng));
    }

    #[test]
    fn exponential_base_two_is_exact(
        multiplier in any_duration(),
        min in any_duration(),
        max in any_duration(),
        n in any_attempt(),
    ) {
        // clamp(m * 2^(n-1), lo = min, hi = max), the lower bound winning when min > max.
        let expected = exponential_reference(multiplier, n).min(max).max(min);
        prop_assert_eq!(exponential(multiplier, min, max).at(n), expected);
        let d = wait_at(&exponential(multiplier, min, max), n, &mut JitterRng::seeded(0));
        prop_assert_eq!(d, expected);
    }

    #[test]
    fn exponential_with_any_base_stays_in_its_bounds(
        multiplier in any_duration(),
        min in any_duration(),
        max in any_duration(),
        base in any_base(),
        n in any_attempt(),
    ) {
        let d = exponential(multiplier, min, max).base(base).at(n);
        prop_assert!(d >= min && d <= min.max(max), "{d:?} outside [{min:?}, {:?}]", min.max(max));
    }

    #[test]
    fn exponential_never_decreases_with_n(
        multiplier in any_duration(),
        min in any_duration(),
        max in any_duration(),
        base in growing_base(),
        n in any_attempt(),
        later in any_attempt(),
    ) {
        let w = exponential(multiplier, min, max).base(base);
        prop_assert!(w.at(n) <= w.at(n.saturating_add(1)), "n = {n}");
        let (lo, hi) = (n.min(later), n.max(later));
        prop_assert!(w.at(lo) <= w.at(hi), "{lo} -> {hi}");
        // The same holds with no cap at all ("below the cap").
        let uncapped = exponential(multiplier, Duration::ZERO, Duration::MAX).base(base);
        prop_assert!(uncapped.at(lo) <= uncapped.at(hi), "uncapped {lo} -> {hi}");
    }

    #[test]
    fn full_jitter_stays_under_its_exponential_bound(
        multiplier in any_duration(),
        min in any_duration(),
        max in any_duration(),
        base in any_base(),
        n in any_attempt(),
        seed in any::<u64>(),
    ) {
        // random_exponential(m, min, max) is uniform in [min, exponential(m, min, max)(n)]; that
        // high bound is the exponential above, which never decreases with n (previous property).
        let high = exponential(multiplier, min, max).base(base).at(n);
        let w = random_exponential(multiplier, min, max).base(base);
        let d = wait_at(&w, n, &mut JitterRng::seeded(seed));
        prop_assert!(d >= min && d <= high, "{d:?} outside [{min:?}, {high:?}]");
    }

    #[test]
    fn exponential_jitter_adds_jitter_before_the_cap(
        initial in any_duration(),
        max in any_duration(),
        jitter in any_duration(),
        base in any_base(),
        n in any_attempt(),
        seed in any::<u64>(),
    ) {
        // clamp(initial * base^(n-1) + U(0, jitter), 0, max).
        let grown = exponential(initial, Duration::ZERO, Duration::MAX).base(base).at(n);
        let d = wait_at(
            &exponential_jitter(initial, max, jitter).base(base),
            n,
            &mut JitterRng::seeded(seed),
        );
        prop_assert!(d <= max, "{d:?} above the cap {max:?}");
        prop_assert!(d >= grown.min(max), "{d:?} below {:?}", grown.min(max));
        prop_assert!(d <= grown.saturating_add(jitter).min(max));
    }

    #[test]
    fn equal_jitter_stays_between_half_and_all_of_the_capped_exponential(
        multiplier in any_duration(),
        max in any_duration(),
        n in any_attempt(),
        seed in any::<u64>(),
    ) {
        let v = exponential_reference(multiplier, n).min(max);
        let d = wait_at(&equal_jitter(multiplier, max), n, &mut JitterRng::seeded(seed));
        prop_assert!(d >= v / 2 && d <= v, "{d:?} outside [{:?}, {v:?}]", v / 2);
    }

    #[test]
    fn decorrelated_jitter_stays_between_base_and_three_times_the_previous_sleep(
        base in any_duration(),
        max in any_duration(),
        previous in proptest::option::of(any_duration()),
        steps in 1usize..40,
        seed in any::<u64>(),
    ) {
        // sleep = min(max, U(base, 3 * previous)), starting from previous = base.
        let w = decorrelated_jitter(base, max);
        let mut state = previous;
        let mut rng = JitterRng::seeded(seed);
        for step in 1..=steps {
            let prev = state.unwrap_or(base);
            let high = prev.checked_mul(3).unwrap_or(Duration::MAX).max(base).min(max);
            let d = w.next_wait(&mut state, &at(step as u32), &mut rng);
            prop_assert!(d >= base.min(max) && d <= high, "step {step}: {d:?} outside [{:?}, {high:?}]", base.min(max));
            prop_assert_eq!(state, Some(d), "the sleep is remembered for the next one");
        }
    }

    #[test]
    fn chain_uses_the_min_n_k_th_strategy_evaluated_at_n(
        a in any_duration(),
        start in any_duration(),
        increment in any_duration(),
        multiplier in any_duration(),
        max in any_duration(),
        n in any_attempt(),
    ) {
        let first = fixed(a);
        let second = incrementing(start, increment, max);
        let third = exponential(multiplier, Duration::ZERO, max);
        let mut rng = JitterRng::seeded(0);
        let expected = match n {
            0 | 1 => wait_at(&first, n, &mut rng),
            2 => wait_at(&second, n, &mut rng),
            _ => wait_at(&third, n, &mut rng),
        };
        let chained = chain((first, second, third));
        let d = chained.next_wait(&mut Default::default(), &at(n), &mut rng);
        prop_assert_eq!(d, expected);
        let single = chain((fixed(a),));
        prop_assert_eq!(single.next_wait(&mut Default::default(), &at(n), &mut rng), a);
    }

    #[test]
    fn sums_add_and_saturate(
        a in any_duration(),
        start in any_duration(),
        increment in any_duration(),
        multiplier in any_duration(),
        max in any_duration(),
        low in any_duration(),
        high in any_duration(),
        n in any_attempt(),
        seed in any::<u64>(),
    ) {
        let mut rng = JitterRng::seeded(seed);
        let exact = fixed(a) + incrementing(start, increment, max) + exponential(multiplier, 0, max);
        let expected = a
            .saturating_add(incrementing_reference(start, increment, n).min(max))
            .saturating_add(exponential_reference(multiplier, n).min(max));
        prop_assert_eq!(exact.next_wait(&mut Default::default(), &at(n), &mut rng), expected);

        let jittered = random(low, high) + fixed(a);
        let d = jittered.next_wait(&mut Default::default(), &at(n), &mut rng);
        prop_assert!(d >= low.saturating_add(a));
        if low < high {
            prop_assert!(d <= high.saturating_add(a));
            if high.checked_add(a).is_some() {
                prop_assert!(d < high + a);
            }
        } else {
            prop_assert_eq!(d, low.saturating_add(a));
        }
        // Sums of many saturating parts stay at the top.
        let many = fixed(Duration::MAX) + fixed(a) + random(low, high) + decorrelated_jitter(low, high);
        prop_assert_eq!(many.next_wait(&mut Default::default(), &at(n), &mut rng), Duration::MAX);
    }

    #[test]
    fn retry_after_honours_any_hint_up_to_its_cap(
        hint in proptest::option::of(any_duration()),
        cap in any_duration(),
        fallback in any_duration(),
        n in any_attempt(),
        seed in any::<u64>(),
    ) {
        let w = retry_after(fixed(fallback)).cap(cap);
        let mut rng = JitterRng::seeded(seed);
        let failed = RetryState::<(), Hinted>::at_attempt(n, Some(Err(Hinted(hint))));
        let d = w.next_wait(&mut (), &failed, &mut rng);
        prop_assert_eq!(d, hint.map_or(fallback, |h| h.min(cap)));
        // A rejected value and a missing outcome carry no hint: the fallback decides.
        let rejected = RetryState::<(), Hinted>::at_attempt(n, Some(Ok(())));
        prop_assert_eq!(w.next_wait(&mut (), &rejected, &mut rng), fallback);
        let nothing = RetryState::<(), Hinted>::at_attempt(n, None);
        prop_assert_eq!(w.next_wait(&mut (), &nothing, &mut rng), fallback);
        // The default cap is 60 s.
        let default_cap = retry_after(fixed(fallback));
        let d = default_cap.next_wait(&mut (), &failed, &mut rng);
        prop_assert_eq!(d, hint.map_or(fallback, |h| h.min(Duration::from_secs(60))));
    }

    #[test]
    fn numbers_as_durations_never_panic_and_saturate(
        x in any::<f64>(),
        y in any::<f32>(),
        i in any::<i64>(),
        u in any::<u64>(),
        base in any_base(),
        n in any_attempt(),
        seed in any::<u64>(),
    ) {
        // Negative numbers and NaN are zero, infinity and overflow saturate.
        let dx = x.into_duration();
        if x.is_nan() || x <= 0.0 {
            prop_assert_eq!(dx, Duration::ZERO);
        } else if x >= 1.8446744073709552e19 {
            prop_assert_eq!(dx, Duration::MAX);
        } else {
            prop_assert!((dx.as_secs_f64() - x).abs() <= x * 1e-9 + 1e-9);
        }
        prop_assert_eq!(i.into_duration(), Duration::from_secs(u64::try_from(i).unwrap_or(0)));
        prop_assert_eq!(u.into_duration(), Duration::from_secs(u));

        let mut rng = JitterRng::seeded(seed);
        let _ = wait_at(&fixed(x), n, &mut rng);
        let _ = wait_at(&random(x, y), n, &mut rng);
        let _ = wait_at(&random(i, u), n, &mut rng);
        let _ = wait_at(&incrementing(x, y, i), n, &mut rng);
        let _ = wait_at(&exponential(x, y, u).base(base), n, &mut rng);
        let _ = wait_at(&random_exponential(y, i, x).base(base), n, &mut rng);
        let _ = wait_at(&exponential_jitter(u, x, y).base(base), n, &mut rng);
        let _ = wait_at(&equal_jitter(x, i), n, &mut rng);
        let _ = decorrelated_jitter(y, x).next_wait(&mut None, &at(n), &mut rng);
        let closure = from_fn(move |s: &RetryState<(), ()>| Duration::from_nanos(u64::from(s.attempt())));
        prop_assert_eq!(
            (fixed(x) + closure).next_wait(&mut Default::default(), &at(n), &mut rng),
            dx.saturating_add(Duration::from_nanos(u64::from(n)))
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Regressions found by the properties above, pinned as plain tests.

/// Base-2 exponentials used to saturate at `Duration::MAX` from the 33rd attempt on, whatever
/// the multiplier: with a 1 ns multiplier the 33rd wait is 2^32 ns (4.29 s), not the cap.
#[test]
fn base_two_exponents_past_thirty_one_are_exact() {
    let w = exponential(Duration::from_nanos(1), 0, 3600);
    assert_eq!(w.at(33), Duration::from_nanos(1 << 32));
    assert_eq!(w.at(34), Duration::from_nanos(1 << 33));
    // 2^41 ns is 2199 s, 2^42 ns is 4398 s: over the one-hour cap.
    assert_eq!(w.at(42), Duration::from_nanos(1 << 41));
    assert_eq!(w.at(43), Duration::from_secs(3600));
    assert_eq!(w.at(u32::MAX), Duration::from_secs(3600));
    let w = exponential(Duration::from_nanos(3), 0, Duration::MAX);
    assert_eq!(w.at(60), Duration::from_nanos(3 << 59));
    assert_eq!(w.at(100), from_nanos_saturating(3u128 << 99));
    assert_eq!(w.at(129), Duration::MAX);
    let w = equal_jitter(Duration::from_nanos(1), Duration::MAX);
    let d = wait_at(&w, 40, &mut JitterRng::seeded(1));
    assert!(d >= Duration::from_nanos(1 << 38) && d <= Duration::from_nanos(1 << 39));
    assert!(
        wait_at(
            &random_exponential(Duration::from_nanos(1), 0, 10),
            40,
            &mut JitterRng::seeded(2)
        ) <= Duration::from_nanos(1 << 39)
    );
}
