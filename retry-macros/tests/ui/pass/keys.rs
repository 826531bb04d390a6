//! Every key at once, hooks as closures (no annotations), paths to functions and hook values.
use retry_core::budget::{FailureKind, RetryBudget, RetryPermit};
use retry_core::testing::TestClock;
use retry_core::{RetryState, Retrying, retry};
use std::sync::Mutex;

#[derive(Debug)]
struct Error {
    code: u16,
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "code {}", self.code)
    }
}

impl From<retry_core::AttemptTimedOut> for Error {
    fn from(_: retry_core::AttemptTimedOut) -> Self {
        Error { code: 408 }
    }
}

struct Unlimited;

impl RetryBudget for Unlimited {
    fn try_retry(&self, _: FailureKind) -> Option<RetryPermit> {
        Some(RetryPermit::new(0))
    }
}

fn log_state(state: &RetryState<u32, Error>) {
    let _ = (state.attempt(), state.error().map(|e| e.code));
}

#[retry(
    stop = attempts(3),
    wait = fixed(1),
    retry = if_error(|e| e.code >= 500),
    before = |s| seen.lock().unwrap().push(s.attempt()),
    after = log_state,
    before_sleep = retry_core::log::before_sleep_log(tracing::Level::INFO),
    on_exhausted = |s| Ok(s.attempt() * 100),
    timeout = 30s,
    budget = Unlimited,
    sleep = clock.clone(),
    name = "everything",
    crate = "::retry_core",
    clone(token),
)]
async fn every_key(clock: &TestClock, seen: &Mutex<Vec<u32>>, token: String) -> Result<u32, Error> {
    drop(token);
    Err(Error { code: 503 })
}

/// `policy` with the keys that may accompany it.
#[retry(policy = &POLICY_HOLDER.0, budget = &UNLIMITED, on_exhausted = |s| Ok(s.attempt()), clone(token))]
fn with_policy(token: String) -> Result<u32, Error> {
    drop(token);
    Err(Error { code: 500 })
}

struct Holder(Retrying<retry_core::stop::Attempts, retry_core::wait::NoWait>);
static POLICY_HOLDER: std::sync::LazyLock<Holder> =
    std::sync::LazyLock::new(|| Holder(Retrying::new().stop(retry_core::stop::attempts(2)).wait(retry_core::wait::none())));
static UNLIMITED: Unlimited = Unlimited;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let clock = TestClock::new();
    let seen = Mutex::new(Vec::new());
    assert_eq!(every_key(&clock, &seen, "t".into()).await.unwrap(), 300);
    assert_eq!(*seen.lock().unwrap(), [1, 2, 3]);
    assert_eq!(clock.sleeps().len(), 2);
    assert_eq!(with_policy("t".into()).unwrap(), 2);
}
