//! The `tracing` events of a retry loop carry the policy's name, the attempt, delays, elapsed
//! time, the stop reason and the error's description, and nothing else: never the operation's
//! arguments (what its closure captures) nor its return values. Checked with a subscriber layer
//! that records every event and span field at every level.

use std::fmt;
use std::sync::Arc;

use retry_core::condition::if_result;
use retry_core::log::{after_log, before_log, before_sleep_log};
use retry_core::stop::attempts;
use retry_core::testing::TestClock;
use retry_core::wait::fixed;
use retry_core::{Engine, Retrying, Step};
use tracing::Level;
use tracing_subscriber::layer::SubscriberExt;

const SECRET_ARGUMENT: &str = "sk-live-ARGUMENT-7f3a9c";
const SECRET_VALUE: &str = "RETURNED-VALUE-c0ffee";

#[path = "support/capture.rs"]
mod capture;

use capture::{Captured, capture};

#[track_caller]
fn assert_no_secret(events: &[String]) {
    assert!(!events.is_empty(), "nothing was captured");
    for event in events {
        assert!(
            !event.contains(SECRET_ARGUMENT) && !event.contains(SECRET_VALUE),
            "a secret leaked into: {event}"
        );
        assert!(
            !event.contains("sk-live"),
            "part of a secret leaked into: {event}"
        );
    }
}

/// An error whose `Display` is safe to log and whose `Debug` carries the request.
struct ApiError {
    status: u16,
    request: String,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "service unavailable ({})", self.status)
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("request", &self.request)
            .finish()
    }
}

fn fake_clock_policy() -> Retrying<
    retry_core::stop::Attempts,
    retry_core::wait::Fixed,
    retry_core::condition::IfError<retry_core::condition::Anything>,
    retry_core::hooks::Hooks,
    TestClock,
> {
    Retrying::new()
        .stop(attempts(3))
        .wait(fixed(0.5))
        .sleeper(TestClock::new())
        .name("charge_card")
}

#[test]
fn events_of_a_retried_call_name_no_argument_and_no_return_value() {
    let api_key = String::from(SECRET_ARGUMENT);
    let policy = fake_clock_policy();
    let mut calls = 0;
    let (events, result) = capture(|| {
        policy.call(|| {
            calls += 1;
            if calls < 3 {
                Err(ApiError {
                    status: 503,
                    request: format!("POST /charge key={api_key}"),
                })
            } else {
                Ok(format!("{SECRET_VALUE} for {api_key}"))
            }
        })
    });
    assert!(result.unwrap().starts_with(SECRET_VALUE));
    assert_no_secret(&events);
    // What the events do carry: name, attempt, delay, elapsed and the error's description.
    assert_eq!(
        events,
        [
            "DEBUG retry_core message=starting attempt name=charge_card attempt=1",
            "WARN retry_core message=attempt failed, retrying name=charge_card attempt=1 delay_ms=500.0 error=service unavailable (503)",
            "DEBUG retry_core message=starting attempt name=charge_card attempt=2",
            "WARN retry_core message=attempt failed, retrying name=charge_card attempt=2 delay_ms=500.0 error=service unavailable (503)",
            "DEBUG retry_core message=starting attempt name=charge_card attempt=3",
            "INFO retry_core message=succeeded after retrying name=charge_card attempts=3",
        ]
    );
}

#[test]
fn exhaustion_rejected_values_and_logging_hooks_leak_nothing_either() {
    let api_key = String::from(SECRET_ARGUMENT);
    let policy = fake_clock_policy()
        .before(before_log(Level::INFO))
        .after(after_log(Level::INFO))
        .before_sleep(before_sleep_log(Level::WARN));

    // Every attempt fails: the give-up event names the error's description only.
    let (events, result) = capture(|| {
        policy.call_detailed(|| {
            Err::<String, _>(ApiError {
                status: 502,
                request: api_key.clone(),
            })
        })
    });
    assert_eq!(result.unwrap_err().attempts(), 3);
    assert_no_secret(&events);
    // The engine: 3 attempts, 2 retries, 1 give-up; the hooks: 3 before, 3 after, 2 before_sleep.
    assert_eq!(events.len(), (3 + 2 + 1) + (3 + 3 + 2));
    assert!(events.last().unwrap().contains("giving up"));
    assert!(
        events
            .last()
            .unwrap()
            .contains("error=service unavailable (502)")
    );

    // Every value is rejected: the values themselves never appear.
    let rejecting = fake_clock_policy()
        .retry(if_result(|v: &String| v.starts_with(SECRET_VALUE)))
        .before(before_log(Level::INFO))
        .after(after_log(Level::INFO))
        .before_sleep(before_sleep_log(Level::WARN));
    let (events, result) =
        capture(|| rejecting.call(|| Ok::<_, ApiError>(format!("{SECRET_VALUE}:{api_key}"))));
    assert!(result.unwrap().contains(SECRET_ARGUMENT));
    assert_no_secret(&events);
    assert!(events.last().unwrap().contains("error=<rejected result>"));
}

#[tokio::test(start_paused = true)]
async fn async_calls_and_hand_driven_engines_leak_nothing() {
    let api_key = Arc::new(String::from(SECRET_ARGUMENT));
    let captured = Captured::default();
    let subscriber = tracing_subscriber::registry().with(captured.clone());
    let _guard = tracing::subscriber::set_default(subscriber);

    let policy = Retrying::new()
        .stop(attempts(3))
        .wait(fixed(1))
        .name("fetch");
    let key = api_key.clone();
    let result = policy
        .call_async_detailed(|| {
            let key = key.clone();
            async move {
                Err::<String, _>(ApiError {
                    status: 500,
                    request: format!("GET /?key={key}"),
                })
            }
        })
        .await;
    assert_eq!(result.unwrap_err().attempts(), 3);

    // An engine told to describe errors with nothing: its events say `<error>`, even though
    // the error's `Debug` holds the secret.
    let mut engine: Engine<'_, _, String, ApiError> = policy.start().describe_errors_with(None);
    let outcome = loop {
        engine.before_attempt();
        let outcome = Err(ApiError {
            status: 429,
            request: api_key.to_string(),
        });
        let delay = match engine.on_outcome(outcome) {
            Step::Retry(delay) => delay,
            Step::Done(outcome) => break outcome,
        };
        engine.sleep(delay).await;
    };
    assert_eq!(outcome.unwrap_err().status, 429);

    let events = captured.lines();
    assert_no_secret(&events);
    assert_eq!(events.len(), 2 * (3 + 2 + 1));
    assert!(
        events[5].contains("error=service unavailable (500)"),
        "{}",
        events[5]
    );
    assert!(events[11].contains("error=<error>"), "{}", events[11]);
}

#[test]
fn the_capture_sees_what_an_error_description_chooses_to_say() {
    // The control: an error whose Display includes the secret does show it, so the checks
    // above would catch a leak through any field.
    struct Leaky(String);
    impl fmt::Display for Leaky {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "failed with key {}", self.0)
        }
    }
    let policy = fake_clock_policy();
    let (events, _) = capture(|| policy.call(|| Err::<(), _>(Leaky(SECRET_ARGUMENT.into()))));
    let leaked = events
        .iter()
        .filter(|e| e.contains(SECRET_ARGUMENT))
        .count();
    assert_eq!(
        leaked, 3,
        "two retries and the give-up carry the error: {events:?}"
    );
}
