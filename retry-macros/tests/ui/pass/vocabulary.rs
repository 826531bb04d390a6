//! Every word of the strategy language, positional and named arguments, durations with and
//! without units, operators, and Rust expressions in argument and strategy positions.
use retry_core::stop::Stop;
use retry_core::{RetryAfter, RetryStats, Transient, retry};
use std::sync::atomic::AtomicBool;
use std::time::Duration;

#[derive(Debug)]
struct Error;

impl Transient for Error {
    fn is_transient(&self) -> bool {
        true
    }
}

impl RetryAfter for Error {
    fn retry_after(&self) -> Option<Duration> {
        None
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("error")
    }
}

impl std::error::Error for Error {}

static CANCELLED: AtomicBool = AtomicBool::new(false);

fn my_stop() -> impl Stop {
    retry_core::stop::attempts(2)
}

mod policies {
    pub fn my_wait() -> impl retry_core::wait::Wait<(), super::Error> {
        retry_core::wait::none()
    }
}

#[retry(
    stop = attempts(2) | after_delay(1h) | before_delay(2m) & never | on_flag(&CANCELLED)
        | on_cancel(|| false) | stop_if(|s| s.attempt() > 10) | { my_stop() },
    wait = none() + fixed(1ns) + random(1us, 2us) + incrementing(start = 0, increment = 1ms, max = 0.002)
        + exponential(1ms, 0, 2ms) + exponential(multiplier = 0.001, min = 0, max = 0.002, base = 3)
        + random_exponential(1ms, 0, 2ms, base = 1.5) + exponential_jitter(1ms, 2ms, 1ms)
        + exponential_jitter(initial = 1ms, max = 2ms, jitter = 0, base = 2)
        + equal_jitter(1ms, 2ms) + decorrelated_jitter(1ms, 2ms)
        + chain(fixed(0), fixed(1ns) + none, chain(none)) + retry_after(none) + retry_after(fixed(0), cap = 1ms)
        + retry_after(exponential(0.001, 0.001, 0.002).base(3)).cap(2ms)
        + from_fn(|s| Duration::from_nanos(s.attempt().into())) + policies::my_wait(),
    retry = if_error(|e| e.is_transient()) | !if_result(|v| *v == ()) & always | transient & !never
        | on_error & if_source(|e: &Error| e.to_string() == "error") | retry_if(|r| r.is_err())
        | !if_not_result(|_| true),
)]
fn everything() -> Result<(), Error> {
    Err(Error)
}

/// Arguments may be any expressions; literals are checked at compile time, the rest at run time.
#[retry(
    stop = attempts(limit),
    wait = exponential(Duration::from_millis(1), min, max) + fixed(0.5 * 0.0) + random(0u64, 0u64),
)]
fn expressions(limit: u32, min: Duration, max: f64) -> Result<(), Error> {
    Err(Error)
}

static LITERAL_CALLS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// Every word whose arguments are all literals: the policy is built at compile time.
#[retry(
    stop = attempts(2) | after_delay(1h) | before_delay(2m) & never,
    wait = chain(none, fixed(1ns), random(1us, 2us), incrementing(0, 1ms, 0.002),
        exponential(1ms, 0, 2ms), exponential(multiplier = 0.001, min = 0, max = 0.002, base = 3),
        random_exponential(1ms, 0, 2ms, base = 1.5), exponential_jitter(1ms, 2ms, 1ms),
        equal_jitter(1ms, 2ms), decorrelated_jitter(1ms, 2ms), retry_after(none)),
    retry = transient,
)]
fn every_literal_word() -> Result<(), Error> {
    LITERAL_CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    Err(Error)
}

#[retry(stop = attempts(5_u32), wait = fixed(0x0))]
fn literal_forms() -> Result<(), Error> {
    Err(Error)
}

fn main() {
    let _: &dyn Fn(&RetryStats) -> bool = &|_| true;
    assert!(everything().is_err());
    assert!(expressions(2, Duration::ZERO, 0.001).is_err());
    assert!(literal_forms().is_err());
    assert!(every_literal_word().is_err());
    assert_eq!(LITERAL_CALLS.load(std::sync::atomic::Ordering::Relaxed), 2);
}
