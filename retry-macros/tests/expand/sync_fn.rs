//! A sync function: the body runs as a closure call per attempt, sleeps block.
use retry_core::retry;
use retry_core::testing::TestClock;

#[derive(Debug)]
pub struct ApiError {
    pub status: u16,
}

/// Reads a value, retrying server errors.
#[retry(
    stop = attempts(4) | after_delay(30s),
    wait = exponential(0.5, 1, 10) + random(0, 250ms),
    retry = if_error(|e| e.status >= 500),
    before_sleep = |s| eprintln!("attempt {} failed", s.attempt()),
    sleep = clock.clone(),
)]
pub fn read(clock: &TestClock, calls: &mut u32) -> Result<u32, ApiError> {
    *calls += 1;
    if *calls < 3 {
        return Err(ApiError { status: 503 });
    }
    Ok(*calls)
}

fn main() {
    let clock = TestClock::new();
    let mut calls = 0;
    assert_eq!(read(&clock, &mut calls).unwrap(), 3);
    assert_eq!(clock.sleeps().len(), 2);
}
