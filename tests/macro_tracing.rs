//! The events of a `#[retry]` function: they describe its errors with `Display` when the error
//! type has it, with `Debug` otherwise, and name no error when it has neither; they never carry
//! the function's arguments; a budget's refusal is named in them and seen by `on_exhausted`.

use std::fmt;
use std::sync::{Arc, Mutex};

use retry_core::retry;
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

#[derive(Clone, Default)]
struct Errors(Arc<Mutex<Vec<String>>>);

struct ErrorField(Option<String>);

impl Visit for ErrorField {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "error" {
            self.0 = Some(format!("{value:?}"));
        }
    }
}

impl<S: Subscriber> Layer<S> for Errors {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let mut field = ErrorField(None);
        event.record(&mut field);
        if let Some(error) = field.0 {
            self.0
                .lock()
                .unwrap()
                .push(format!("{} {error}", event.metadata().level()));
        }
    }
}

fn errors_logged(f: impl FnOnce()) -> Vec<String> {
    let errors = Errors::default();
    tracing::subscriber::with_default(tracing_subscriber::registry().with(errors.clone()), f);
    errors.0.lock().unwrap().clone()
}

#[derive(Debug)]
struct Both;

impl fmt::Display for Both {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the service is unavailable")
    }
}

#[derive(Debug)]
struct DebugOnly {
    #[expect(dead_code, reason = "read through the derived Debug only")]
    code: u16,
}

struct Neither;

#[retry(stop = attempts(2), wait = none)]
fn with_display() -> Result<(), Both> {
    Err(Both)
}

#[retry(stop = attempts(2), wait = none)]
fn with_debug() -> Result<(), DebugOnly> {
    Err(DebugOnly { code: 503 })
}

#[retry(stop = attempts(2), wait = none)]
fn with_neither() -> Result<(), Neither> {
    Err(Neither)
}

#[test]
fn display_wins_over_debug() {
    assert_eq!(
        errors_logged(|| drop(with_display())),
        [
            "WARN the service is unavailable",
            "ERROR the service is unavailable"
        ]
    );
}

#[test]
fn debug_is_the_fallback() {
    assert_eq!(
        errors_logged(|| drop(with_debug())),
        [
            "WARN DebugOnly { code: 503 }",
            "ERROR DebugOnly { code: 503 }"
        ]
    );
}

#[test]
fn an_error_with_neither_is_named_as_such() {
    assert_eq!(
        errors_logged(|| drop(with_neither())),
        ["WARN <error>", "ERROR <error>"]
    );
}

// ---------------------------------------------------------------------------------------------
// What the events carry: every field of every event, through the shared capture layer.

#[path = "../retry-core/tests/support/capture.rs"]
mod capture;

use std::sync::atomic::{AtomicU32, Ordering};

use capture::capture;
use retry_core::StopReason;
use retry_core::budget::{FailureKind, RetryBudget, RetryPermit};

const API_KEY: &str = "sk-live-7f3a9c-SECRET";
const PROMPT: &str = "the user's private prompt";

/// Arguments never reach an event, whatever the attribute logs: name, attempts, delays, the
/// error's `Display`.
#[retry(stop = attempts(3), wait = fixed(1ms), name = "chat")]
fn chat(api_key: &str, prompt: String, calls: &AtomicU32) -> Result<String, Both> {
    calls.fetch_add(1, Ordering::SeqCst);
    let _request = format!("{api_key}:{prompt}");
    Err(Both)
}

#[test]
fn events_name_the_call_and_never_its_arguments() {
    let calls = AtomicU32::new(0);
    let (lines, result) = capture(|| chat(API_KEY, PROMPT.to_string(), &calls));
    assert!(result.is_err());
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    let events: Vec<&String> = lines.iter().filter(|l| l.contains("name=chat")).collect();
    assert_eq!(events.len(), 3 + 2 + 1, "{lines:#?}"); // 3 attempts, 2 sleeps, 1 give-up
    for line in &lines {
        assert!(
            !line.contains("sk-live") && !line.contains("private prompt"),
            "an argument leaked into: {line}"
        );
    }
}

/// Refuses every retry.
struct Empty(AtomicU32);

impl RetryBudget for Empty {
    fn try_retry(&self, _: FailureKind) -> Option<RetryPermit> {
        self.0.fetch_add(1, Ordering::SeqCst);
        None
    }
}

#[retry(
    stop = attempts(5),
    wait = none,
    budget = budget,
    on_exhausted = |s| Err(s.stats().stop_reason()),
)]
fn refused(budget: &Empty) -> Result<(), Option<StopReason>> {
    Err(None)
}

/// A budget's refusal is the stop reason `on_exhausted` sees and the one the give-up event names.
#[test]
fn a_budget_refusal_reaches_the_hooks_and_the_events() {
    let budget = Empty(AtomicU32::new(0));
    let (lines, result) = capture(|| refused(&budget));
    assert_eq!(result, Err(Some(StopReason::Budget)));
    assert_eq!(budget.0.load(Ordering::SeqCst), 1);
    let give_up: Vec<&String> = lines.iter().filter(|l| l.starts_with("ERROR")).collect();
    assert_eq!(give_up.len(), 1, "{lines:#?}");
    assert!(
        give_up[0].contains("attempts=1") && give_up[0].contains("reason=retry budget exhausted"),
        "{}",
        give_up[0]
    );
}
