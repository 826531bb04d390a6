//! Pins the contention simulation's exact results at small N and checks it against the study's
//! published figures at N = 100, so the model (and the strategies it drives) cannot change
//! silently. `cargo run --release --example contention_sim` runs the full sweep.

use retry_core::policy::DEFAULT_WAIT;
use retry_core::wait::{
    Wait, decorrelated_jitter, equal_jitter, exponential, none, random_exponential,
};
use retry_examples::contention::{Run, simulate, simulate_many};
use std::time::Duration;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Eight clients, seed 42: (writes, completion time in nanoseconds).
fn run<W: Wait<(), ()>>(wait: W) -> (u64, u128) {
    let Run { calls, time } = simulate(&wait, 8, 42);
    (calls, time.as_nanos())
}

#[test]
fn eight_clients_with_a_fixed_seed() {
    assert_eq!(run(none()), (36, 337_007_135));
    assert_eq!(run(exponential(ms(10), 0, ms(2000))), (31, 934_675_581));
    assert_eq!(
        run(random_exponential(ms(10), 0, ms(2000))),
        (29, 359_386_240)
    );
    assert_eq!(run(equal_jitter(ms(10), ms(2000))), (32, 817_579_896));
    assert_eq!(run(decorrelated_jitter(ms(5), ms(2000))), (31, 379_774_139));
    assert_eq!(run(DEFAULT_WAIT), (22, 356_204_337));
}

#[test]
fn the_mean_of_ten_runs_is_pinned_too() {
    let mean = simulate_many(&random_exponential(ms(10), 0, ms(2000)), 20, 10, 7);
    assert_eq!(mean.calls, 101.5);
    assert_eq!(mean.time.as_nanos(), 945_226_971);
}

#[test]
fn runs_are_reproducible_and_seeds_matter() {
    let wait = decorrelated_jitter(ms(5), ms(2000));
    assert_eq!(simulate(&wait, 30, 1), simulate(&wait, 30, 1));
    assert_ne!(simulate(&wait, 30, 1), simulate(&wait, 30, 2));
}

#[test]
fn every_client_writes_once_successfully() {
    // One success per client means version = N at the end; with no contention (N = 1) there is
    // exactly one write, and N clients make at least N writes.
    for n in [1, 2, 5, 17] {
        for seed in 0..5 {
            let run = simulate(&random_exponential(ms(10), 0, ms(2000)), n, seed);
            assert!(run.calls >= n as u64, "{n} clients, seed {seed}: {run:?}");
        }
    }
    let single = simulate(&none(), 1, 3);
    assert_eq!(single.calls, 1);
    // Four messages of |Normal(10 ms, 2 ms)|: read, reply, write, reply.
    assert!(single.time > ms(20) && single.time < ms(60), "{single:?}");
    assert_eq!(
        simulate(&none(), 0, 0),
        Run {
            calls: 0,
            time: Duration::ZERO
        }
    );
}

/// The port against the study's published figures at N = 100 (AWS, "Exponential Backoff And
/// Jitter"): within 10%, over the 100 runs (seeds 0..99) `docs/contention.md` averages.
#[test]
fn a_hundred_clients_match_the_published_figures() {
    let published = [
        ("exponential", 1850.0, 62.0),
        ("full jitter", 795.0, 4.9),
        ("equal jitter", 814.0, 6.7),
        ("decorrelated", 1000.0, 4.5),
    ];
    let means = [
        simulate_many(&exponential(ms(10), 0, ms(2000)), 100, 100, 0),
        simulate_many(&random_exponential(ms(10), 0, ms(2000)), 100, 100, 0),
        simulate_many(&equal_jitter(ms(10), ms(2000)), 100, 100, 0),
        simulate_many(&decorrelated_jitter(ms(5), ms(2000)), 100, 100, 0),
    ];
    for ((name, calls, seconds), mean) in published.iter().zip(&means) {
        let time = mean.time.as_secs_f64();
        assert!(
            (mean.calls / calls - 1.0).abs() < 0.1 && (time / seconds - 1.0).abs() < 0.1,
            "{name}: {} calls in {time:.2} s, published ~{calls} in ~{seconds} s",
            mean.calls
        );
    }
}
