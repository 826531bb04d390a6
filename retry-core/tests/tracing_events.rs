//! The `tracing` events a retry loop emits, captured by a subscriber: levels, messages and fields.

use std::fmt;

use retry_core::log::{after_log, before_log, before_sleep_log};
use retry_core::stop::attempts;
use retry_core::testing::TestClock;
use retry_core::wait::fixed;
use retry_core::{Retrying, StopReason};
use tracing::Level;

#[path = "support/capture.rs"]
mod capture;

use capture::capture;

#[derive(Debug)]
struct Boom;
impl fmt::Display for Boom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection reset")
    }
}

#[test]
fn a_failing_call_logs_each_attempt_each_sleep_and_the_give_up() {
    let policy = Retrying::new()
        .stop(attempts(3))
        .wait(fixed(0.25))
        .sleeper(TestClock::new())
        .name("fetch");
    let (events, result) = capture(|| policy.call_detailed(|| Err::<(), _>(Boom)));
    assert_eq!(result.unwrap_err().reason(), StopReason::Attempts);
    assert_eq!(
        events,
        [
            "DEBUG retry_core message=starting attempt name=fetch attempt=1",
            "WARN retry_core message=attempt failed, retrying name=fetch attempt=1 delay_ms=250.0 error=connection reset",
            "DEBUG retry_core message=starting attempt name=fetch attempt=2",
            "WARN retry_core message=attempt failed, retrying name=fetch attempt=2 delay_ms=250.0 error=connection reset",
            "DEBUG retry_core message=starting attempt name=fetch attempt=3",
            "ERROR retry_core message=giving up name=fetch attempts=3 elapsed_ms=500.0 reason=attempts exhausted error=connection reset",
        ]
    );
}

#[test]
fn a_success_after_retries_is_reported_once() {
    let policy = Retrying::new()
        .stop(attempts(3))
        .wait(fixed(1))
        .sleeper(TestClock::new())
        .name("flaky");
    let mut n = 0;
    let (events, result) = capture(|| {
        policy.call(|| {
            n += 1;
            if n < 2 { Err(Boom) } else { Ok(n) }
        })
    });
    assert_eq!(result.unwrap(), 2);
    assert_eq!(
        events.last().unwrap(),
        // No time-based strategy or hook: the call never read the clock, so no elapsed time.
        "INFO retry_core message=succeeded after retrying name=flaky attempts=2"
    );
    assert_eq!(events.iter().filter(|e| e.starts_with("WARN")).count(), 1);

    let (events, _) = capture(|| policy.call(|| Ok::<_, Boom>(1)));
    assert_eq!(
        events,
        ["DEBUG retry_core message=starting attempt name=flaky attempt=1"]
    );
}

#[test]
fn logging_hooks_use_the_chosen_level() {
    let policy = Retrying::new()
        .stop(attempts(2))
        .wait(fixed(2))
        .sleeper(TestClock::new())
        .name("job")
        .before(before_log(Level::TRACE))
        .after(after_log(Level::INFO))
        .before_sleep(before_sleep_log(Level::ERROR));
    let (events, _) = capture(|| policy.call(|| Err::<(), _>(Boom)));
    let hooks: Vec<_> = events
        .iter()
        .filter(|e| e.contains("retry_core::log"))
        .cloned()
        .collect();
    assert_eq!(
        hooks,
        [
            "TRACE retry_core::log message=starting call to 'job', attempt 1 name=job attempt=1",
            "INFO retry_core::log message=finished call to 'job' after 0.000s, attempt 1 name=job attempt=1 elapsed_s=0.0 error=connection reset",
            "ERROR retry_core::log message=retrying 'job' in 2.000s as it failed with: connection reset name=job attempt=1 sleep_s=2.0 error=connection reset",
            "TRACE retry_core::log message=starting call to 'job', attempt 2 name=job attempt=2",
            "INFO retry_core::log message=finished call to 'job' after 2.000s, attempt 2 name=job attempt=2 elapsed_s=2.0 error=connection reset",
        ]
    );
}
