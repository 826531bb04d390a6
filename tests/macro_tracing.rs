//! The events of a `#[retry]` function describe its errors with `Display` when the error type has
//! it, with `Debug` otherwise, and name no error at all when it has neither.

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
