//! Per-model policies from configuration driving `#[retry(policy = table.for_model(model))]`, on
//! paused time: attempt limits and per-attempt timeouts come from the table, per model.

use std::fmt;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use retry_core::config::PolicyTable;
use retry_core::{AttemptTimedOut, RetryAfter, RetryError, StopReason, Transient, retry};
use tokio::time::Instant;

/// The table from the issue, as JSON.
const TABLE: &str = r#"{
    "gpt-4.1": {"attempts": 3, "timeout": "60s"},
    "deepseek-v3.2": {"attempts": 6, "timeout": "25s"}
}"#;

#[derive(Debug, PartialEq)]
enum ModelError {
    Overloaded,
    TimedOut,
    BadRequest,
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self:?}")
    }
}

impl Transient for ModelError {
    fn is_transient(&self) -> bool {
        *self != ModelError::BadRequest
    }
}

impl RetryAfter for ModelError {
    fn retry_after(&self) -> Option<Duration> {
        None
    }
}

impl From<AttemptTimedOut> for ModelError {
    fn from(_: AttemptTimedOut) -> Self {
        ModelError::TimedOut
    }
}

/// How the fake model answers each attempt.
#[derive(Clone, Copy)]
enum Behaviour {
    Overloaded,
    Hangs,
    BadRequest,
    SucceedsOnAttempt(u32),
}

#[retry(policy = table.for_model(model))]
async fn complete(
    table: &PolicyTable,
    model: &str,
    behaviour: Behaviour,
    calls: &AtomicU32,
) -> Result<u32, RetryError<ModelError>> {
    let n = calls.fetch_add(1, Ordering::Relaxed) + 1;
    match behaviour {
        Behaviour::Overloaded => Err(ModelError::Overloaded),
        Behaviour::Hangs => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Ok(n)
        }
        Behaviour::BadRequest => Err(ModelError::BadRequest),
        Behaviour::SucceedsOnAttempt(k) if n >= k => Ok(n),
        Behaviour::SucceedsOnAttempt(_) => Err(ModelError::Overloaded),
    }
}

fn table() -> PolicyTable {
    serde_json::from_str(TABLE).expect("the issue's table parses")
}

#[tokio::test(start_paused = true)]
async fn each_model_gets_its_own_attempt_limit() {
    let table = table();
    for (model, limit) in [("gpt-4.1", 3), ("deepseek-v3.2", 6)] {
        let calls = AtomicU32::new(0);
        let err = complete(&table, model, Behaviour::Overloaded, &calls)
            .await
            .unwrap_err();
        assert_eq!(calls.load(Ordering::Relaxed), limit, "{model}");
        assert_eq!(
            (err.attempts(), err.reason()),
            (limit, StopReason::Attempts)
        );
        assert_eq!(*err.error(), ModelError::Overloaded);
    }
}

#[tokio::test(start_paused = true)]
async fn each_model_gets_its_own_per_attempt_timeout() {
    let table = table();
    for (model, attempts, timeout) in [("gpt-4.1", 3, 60), ("deepseek-v3.2", 6, 25)] {
        let calls = AtomicU32::new(0);
        let start = Instant::now();
        let err = complete(&table, model, Behaviour::Hangs, &calls)
            .await
            .unwrap_err();
        let elapsed = start.elapsed();
        assert_eq!(calls.load(Ordering::Relaxed), attempts, "{model}");
        assert_eq!(*err.error(), ModelError::TimedOut);
        // Every attempt ran exactly to its timeout; the backoff between them adds the rest.
        let cut = Duration::from_secs(attempts as u64 * timeout);
        assert!(elapsed >= cut, "{model}: {elapsed:?}");
        assert!(
            elapsed < cut + Duration::from_secs(60),
            "{model}: {elapsed:?}"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn permanent_errors_fail_at_once_and_recoveries_succeed() {
    let table = table();
    let calls = AtomicU32::new(0);
    let err = complete(&table, "deepseek-v3.2", Behaviour::BadRequest, &calls)
        .await
        .unwrap_err();
    assert_eq!(calls.load(Ordering::Relaxed), 1);
    assert_eq!(err.reason(), StopReason::NotRetryable);

    let calls = AtomicU32::new(0);
    let ok = complete(
        &table,
        "deepseek-v3.2",
        Behaviour::SucceedsOnAttempt(5),
        &calls,
    )
    .await;
    assert_eq!(ok.unwrap(), 5);
}

#[test]
fn a_bad_table_names_the_model_and_the_field() {
    let err =
        serde_json::from_str::<PolicyTable>(r#"{"gpt-4.1": {"attempts": 0, "timeout": "soon"}}"#)
            .unwrap_err()
            .to_string();
    assert!(err.contains("gpt-4.1"), "{err}");
    assert!(err.contains("`attempts` must be at least 1"), "{err}");
    assert!(err.contains("`timeout`"), "{err}");
}
