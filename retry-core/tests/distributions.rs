//! The random wait strategies follow their stated distributions, not just their bounds: one-sample
//! Kolmogorov-Smirnov tests against the theoretical CDF, 10^5 seeded draws each, at
//! alpha = 10^-3 (critical value 1.9495 / sqrt(n), about 0.00616).
//!
//! Decorrelated jitter is a Markov chain, so it is tested on its conditional distribution given
//! the previous sleep, `min(cap, U(base, 3 * previous))`, with the point mass at the cap, both for
//! fixed previous sleeps and along real chains (through the probability integral transform).

use std::time::Duration;

use rand::{RngExt, SeedableRng};
use retry_core::policy::DEFAULT_WAIT;
use retry_core::stop::attempts;
use retry_core::testing::TestClock;
use retry_core::wait::{
    JitterRng, Wait, decorrelated_jitter, delays, equal_jitter, exponential_jitter, random,
    random_exponential,
};
use retry_core::{RetryState, Retrying};

const SAMPLES: usize = 100_000;
const ALPHA: f64 = 1e-3;

/// The asymptotic critical value of the one-sample KS statistic: `sqrt(-ln(alpha / 2) / 2) / sqrt(n)`.
fn critical_value(n: usize) -> f64 {
    (-(ALPHA / 2.0).ln() / 2.0).sqrt() / (n as f64).sqrt()
}

/// The KS statistic `sup |F_n(x) - F(x)|` of `samples` against a distribution with CDF `cdf`.
/// `cdf_left(x)` is `P(X < x)`; it equals `cdf` except at point masses.
fn ks_statistic(
    mut samples: Vec<f64>,
    cdf: impl Fn(f64) -> f64,
    cdf_left: impl Fn(f64) -> f64,
) -> f64 {
    samples.sort_by(f64::total_cmp);
    let n = samples.len() as f64;
    let mut d = 0f64;
    let mut i = 0;
    while i < samples.len() {
        let x = samples[i];
        let j = i + samples[i..].iter().take_while(|&&y| y == x).count();
        // The empirical CDF is i/n just below x and j/n at x.
        d = d.max((cdf_left(x) - i as f64 / n).abs());
        d = d.max((cdf(x) - j as f64 / n).abs());
        i = j;
    }
    d
}

/// Passes when the KS test does not reject `cdf` for `samples` at `ALPHA`.
#[track_caller]
fn assert_fits(what: &str, samples: Vec<f64>, cdf: impl Fn(f64) -> f64 + Copy) {
    assert_fits_with_atoms(what, samples, cdf, cdf);
}

#[track_caller]
fn assert_fits_with_atoms(
    what: &str,
    samples: Vec<f64>,
    cdf: impl Fn(f64) -> f64,
    cdf_left: impl Fn(f64) -> f64,
) {
    let n = samples.len();
    assert_eq!(n, SAMPLES);
    let d = ks_statistic(samples, cdf, cdf_left);
    let critical = critical_value(n);
    assert!(
        d < critical,
        "{what}: KS statistic {d:.5} >= critical {critical:.5}"
    );
}

/// The CDF of the uniform distribution on `[a, b]`.
fn uniform(a: f64, b: f64) -> impl Fn(f64) -> f64 + Copy {
    move |x| ((x - a) / (b - a)).clamp(0.0, 1.0)
}

/// `min(cap, U(a, b))` with `a < cap < b`: uniform below the cap, a point mass at it.
fn capped_uniform(a: f64, b: f64, cap: f64) -> (impl Fn(f64) -> f64, impl Fn(f64) -> f64) {
    let cdf = move |x: f64| if x >= cap { 1.0 } else { uniform(a, b)(x) };
    let cdf_left = move |x: f64| if x > cap { 1.0 } else { uniform(a, b)(x) };
    (cdf, cdf_left)
}

fn at(n: u32) -> RetryState<(), ()> {
    RetryState::at_attempt(n, None)
}

/// `SAMPLES` independent draws (fresh per-call state each) of `wait` at attempt `n`, in seconds.
fn draws<W: Wait<(), ()>>(wait: &W, n: u32, seed: u64) -> Vec<f64> {
    let mut rng = JitterRng::seeded(seed);
    (0..SAMPLES)
        .map(|_| {
            wait.next_wait(&mut W::State::default(), &at(n), &mut rng)
                .as_secs_f64()
        })
        .collect()
}

#[test]
fn the_ks_helper_computes_the_statistic_and_rejects_wrong_distributions() {
    // Exact values on tiny samples.
    let u01 = uniform(0.0, 1.0);
    assert_eq!(ks_statistic(vec![0.5], u01, u01), 0.5);
    assert_eq!(ks_statistic(vec![0.75, 0.25], u01, u01), 0.25);
    assert_eq!(ks_statistic(vec![0.5, 0.5], u01, u01), 0.5);
    let (cdf, left) = capped_uniform(0.0, 2.0, 1.0);
    // Half the mass at the cap: two samples there fit F(1-) = 0.5 against an ECDF of 0.
    assert_eq!(ks_statistic(vec![1.0, 1.0], &cdf, &left), 0.5);
    assert_eq!(ks_statistic(vec![0.5, 1.0], &cdf, &left), 0.25);
    assert!((critical_value(SAMPLES) - 1.9495 / (SAMPLES as f64).sqrt()).abs() < 1e-5);

    // Real draws against slightly and grossly wrong distributions: the test has the power to fail.
    let samples = draws(&random(1, 3), 1, 7);
    let fits = ks_statistic(samples.clone(), uniform(1.0, 3.0), uniform(1.0, 3.0));
    assert!(fits < critical_value(SAMPLES));
    let stretched = ks_statistic(samples.clone(), uniform(1.0, 3.04), uniform(1.0, 3.04));
    assert!(
        stretched > critical_value(SAMPLES),
        "2% too wide: {stretched}"
    );
    let shifted = ks_statistic(samples, uniform(1.02, 3.02), uniform(1.02, 3.02));
    assert!(
        shifted > critical_value(SAMPLES),
        "shifted by 1%: {shifted}"
    );
    // Equal jitter is not full jitter.
    let equal = draws(&equal_jitter(1, 100), 3, 7);
    let as_full = ks_statistic(equal, uniform(0.0, 4.0), uniform(0.0, 4.0));
    assert!(as_full > 0.4, "{as_full}");
    // A point mass the reference ignores is caught.
    let capped = draws(&exponential_jitter(1, 4.25, 0.5), 3, 7);
    let ignoring_the_atom = ks_statistic(capped, uniform(4.0, 4.5), uniform(4.0, 4.5));
    assert!(ignoring_the_atom > 0.4, "{ignoring_the_atom}");
}

#[test]
fn random_is_uniform_on_its_range() {
    assert_fits(
        "random(1, 3)",
        draws(&random(1, 3), 1, 1),
        uniform(1.0, 3.0),
    );
    assert_fits(
        "random(0, 500ms)",
        draws(&random(0, 0.5), 9, 2),
        uniform(0.0, 0.5),
    );
}

#[test]
fn full_jitter_is_uniform_between_min_and_the_exponential() {
    assert_fits(
        "random_exponential(0.1, 0, 20) at 4",
        draws(&random_exponential(0.1, 0, 20), 4, 3),
        uniform(0.0, 0.8),
    );
    assert_fits(
        "random_exponential(1, 0.5, 16) at 3",
        draws(&random_exponential(1, 0.5, 16), 3, 4),
        uniform(0.5, 4.0),
    );
    assert_fits(
        "random_exponential(1, 0.5, 16) at 10 (capped)",
        draws(&random_exponential(1, 0.5, 16), 10, 5),
        uniform(0.5, 16.0),
    );
    assert_fits(
        "random_exponential(1, 0, 1000).base(3) at 4",
        draws(&random_exponential(1, 0, 1000).base(3.0), 4, 6),
        uniform(0.0, 27.0),
    );
    // The bare `#[retry]` default: full jitter from 100 ms, growing by 1.3.
    assert_fits(
        "the default wait at 2",
        draws(&DEFAULT_WAIT, 2, 7),
        uniform(0.0, 0.13),
    );
    assert_fits(
        "the default wait at 3",
        draws(&DEFAULT_WAIT, 3, 8),
        uniform(0.0, 0.169),
    );
}

#[test]
fn equal_jitter_is_uniform_on_the_upper_half_of_the_capped_exponential() {
    assert_fits(
        "equal_jitter(1, 8) at 3",
        draws(&equal_jitter(1, 8), 3, 8),
        uniform(2.0, 4.0),
    );
    assert_fits(
        "equal_jitter(1, 8) at 6 (capped)",
        draws(&equal_jitter(1, 8), 6, 9),
        uniform(4.0, 8.0),
    );
    assert_fits(
        "equal_jitter(0.1, 60) at 1",
        draws(&equal_jitter(0.1, 60), 1, 10),
        uniform(0.05, 0.1),
    );
}

#[test]
fn exponential_jitter_adds_uniform_jitter_and_caps_with_a_point_mass() {
    assert_fits(
        "exponential_jitter(1, 100, 0.5) at 3",
        draws(&exponential_jitter(1, 100, 0.5), 3, 11),
        uniform(4.0, 4.5),
    );
    // min(4 + U(0, 0.5), 4.25): half the mass sits at the cap.
    let (cdf, left) = capped_uniform(4.0, 4.5, 4.25);
    assert_fits_with_atoms(
        "exponential_jitter(1, 4.25, 0.5) at 3",
        draws(&exponential_jitter(1, 4.25, 0.5), 3, 12),
        cdf,
        left,
    );
}

/// `SAMPLES` draws of decorrelated jitter's next sleep after a previous sleep of `previous`.
fn decorrelated_after(base: f64, cap: f64, previous: Option<f64>, seed: u64) -> Vec<f64> {
    let wait = decorrelated_jitter(base, cap);
    let mut rng = JitterRng::seeded(seed);
    (0..SAMPLES)
        .map(|_| {
            let mut state = previous.map(Duration::from_secs_f64);
            wait.next_wait(&mut state, &at(2), &mut rng).as_secs_f64()
        })
        .collect()
}

#[test]
fn decorrelated_jitter_given_the_previous_sleep_is_uniform_up_to_three_times_it() {
    // The first sleep starts from previous = base: U(1, 3).
    assert_fits(
        "decorrelated_jitter(1, 20), first sleep",
        decorrelated_after(1.0, 20.0, None, 13),
        uniform(1.0, 3.0),
    );
    assert_fits(
        "decorrelated_jitter(1, 20) after 2 s",
        decorrelated_after(1.0, 20.0, Some(2.0), 14),
        uniform(1.0, 6.0),
    );
    // After 10 s: U(1, 30) capped at 20, so 10/29 of the mass sits at 20 s.
    let (cdf, left) = capped_uniform(1.0, 30.0, 20.0);
    let samples = decorrelated_after(1.0, 20.0, Some(10.0), 15);
    let at_cap = samples.iter().filter(|&&x| x == 20.0).count() as f64 / SAMPLES as f64;
    assert!((at_cap - 10.0 / 29.0).abs() < 0.006, "{at_cap}");
    assert_fits_with_atoms("decorrelated_jitter(1, 20) after 10 s", samples, cdf, left);
    // A previous sleep below base/3 (possible only after a cap below base) gives the base.
    let pinned = decorrelated_after(3.0, 60.0, Some(0.5), 16);
    assert!(pinned.iter().all(|&x| x == 3.0));
}

#[test]
fn decorrelated_jitter_along_real_chains_follows_its_conditional_distribution() {
    // Run chains of 50 sleeps and map every sleep through the CDF of its conditional
    // distribution given the sleep before it. The results are uniform on [0, 1] exactly when
    // each step has the stated conditional distribution; a sleep at the cap (a point mass) is
    // spread uniformly over its mass with an independent generator (the randomized transform).
    let (base, cap) = (0.5, 30.0);
    let wait = decorrelated_jitter(base, cap);
    let mut rng = JitterRng::seeded(17);
    let mut spread = rand::rngs::SmallRng::seed_from_u64(18);
    let mut transformed = Vec::with_capacity(SAMPLES);
    let mut capped = 0;
    while transformed.len() < SAMPLES {
        let mut state = None;
        let mut previous = base;
        for n in 1..=50 {
            let sleep = wait.next_wait(&mut state, &at(n), &mut rng).as_secs_f64();
            let high = 3.0 * previous;
            let u = if high <= cap || sleep < cap {
                uniform(base, high)(sleep)
            } else {
                capped += 1;
                let below = uniform(base, high)(cap);
                below + (1.0 - below) * spread.random::<f64>()
            };
            transformed.push(u);
            previous = sleep;
            if transformed.len() == SAMPLES {
                break;
            }
        }
    }
    assert!(capped > SAMPLES / 10, "the chains reach the cap: {capped}");
    assert_fits(
        "decorrelated jitter chains, transformed",
        transformed,
        uniform(0.0, 1.0),
    );
}

#[test]
fn differently_seeded_runs_differ_and_equal_seeds_repeat() {
    fn check<W: Wait<(), ()>>(what: &str, wait: &W) {
        let a = delays(wait, 64, 1);
        assert_eq!(a, delays(wait, 64, 1), "{what}: a seed repeats");
        assert_ne!(a, delays(wait, 64, 2), "{what}: seeds differ");
    }
    check("random", &random(0, 1));
    check("full jitter", &random_exponential(0.1, 0, 10));
    check("equal jitter", &equal_jitter(0.1, 10));
    check("decorrelated jitter", &decorrelated_jitter(0.1, 10));
    check("exponential jitter", &exponential_jitter(0.1, 10, 1));

    // The same through a seeded policy on a fake clock.
    let run = |seed| {
        let clock = TestClock::new();
        let policy = Retrying::new()
            .stop(attempts(20))
            .wait(decorrelated_jitter(0.1, 10))
            .sleeper(clock.clone())
            .seed(seed);
        let _ = policy.call(|| Err::<(), _>("down"));
        clock.sleeps()
    };
    assert_eq!(run(5), run(5));
    assert_ne!(run(5), run(6));
    // Unseeded calls draw from the thread's generator: two of them differ.
    let unseeded = |_| {
        let clock = TestClock::new();
        let policy = Retrying::new()
            .stop(attempts(20))
            .wait(random(0, 1))
            .sleeper(clock.clone());
        let _ = policy.call(|| Err::<(), _>("down"));
        clock.sleeps()
    };
    assert_ne!(unseeded(0), unseeded(1));
}
