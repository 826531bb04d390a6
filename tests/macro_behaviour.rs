//! `#[retry]` end to end: call counts, exact virtual time (paused tokio clock or `TestClock`),
//! hook order and arguments, return-type handling, and every key.

use std::future::Future;
use std::io;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use retry_core::budget::{FailureKind, RetryBudget, RetryPermit};
use retry_core::stop::attempts;
use retry_core::testing::TestClock;
use retry_core::wait::fixed;
use retry_core::{RetryAfter, RetryError, RetryState, Retrying, StopReason, Transient, retry};
use tokio::time::Instant;

#[derive(Debug, Clone, PartialEq, Eq)]
struct ApiError {
    status: u16,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "status {}", self.status)
    }
}

impl From<io::Error> for ApiError {
    fn from(_: io::Error) -> Self {
        ApiError { status: 599 }
    }
}

impl From<retry_core::AttemptTimedOut> for ApiError {
    fn from(_: retry_core::AttemptTimedOut) -> Self {
        ApiError { status: 408 }
    }
}

// ---------------------------------------------------------------------------------------------
// The headline numbers.

#[retry(stop = attempts(5), wait = exponential(1, 2, 10))]
async fn always_failing(calls: &AtomicU32) -> Result<(), ApiError> {
    calls.fetch_add(1, Ordering::SeqCst);
    Err(ApiError { status: 503 })
}

#[tokio::test(start_paused = true)]
async fn exponential_1_2_10_with_5_attempts_takes_16_virtual_seconds_and_5_calls() {
    let calls = AtomicU32::new(0);
    let started = Instant::now();
    let result = always_failing(&calls).await;
    assert_eq!(result, Err(ApiError { status: 503 }));
    assert_eq!(calls.load(Ordering::SeqCst), 5);
    // Waits 2, 2, 4, 8: clamp(1 * 2^(n-1), 2, 10).
    assert_eq!(started.elapsed(), Duration::from_secs(16));
}

#[retry]
async fn bare(calls: &AtomicU32) -> Result<(), ApiError> {
    calls.fetch_add(1, Ordering::SeqCst);
    Err(ApiError { status: 500 })
}

#[tokio::test(start_paused = true)]
async fn bare_retry_is_bounded_to_three_attempts_with_short_jittered_waits() {
    let calls = AtomicU32::new(0);
    let started = Instant::now();
    assert_eq!(bare(&calls).await, Err(ApiError { status: 500 }));
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    // Full jitter from 100 ms growing by 1.3: the two waits are U(0, 100 ms) and U(0, 130 ms).
    assert!(started.elapsed() <= Duration::from_millis(230));

    // Over many calls the waits fill that window: their mean is 50 + 65 = 115 ms (standard
    // deviation 47 ms per call, 3.3 ms for the mean of 200: the bounds are six of those away).
    let mut total = Duration::ZERO;
    let mut longest = Duration::ZERO;
    for _ in 0..200 {
        let started = Instant::now();
        assert!(bare(&calls).await.is_err());
        let elapsed = started.elapsed();
        assert!(elapsed <= Duration::from_millis(230), "{elapsed:?}");
        total += elapsed;
        longest = longest.max(elapsed);
    }
    assert_eq!(calls.load(Ordering::SeqCst), 3 + 600);
    let mean = total / 200;
    assert!(
        mean >= Duration::from_millis(95) && mean <= Duration::from_millis(135),
        "mean {mean:?}"
    );
    assert!(longest > Duration::from_millis(150), "longest {longest:?}");
}

// ---------------------------------------------------------------------------------------------
// `?` and `return` inside the body are the attempt's outcome.

fn flaky_io(n: u32) -> io::Result<u32> {
    if n < 3 {
        Err(io::ErrorKind::ConnectionReset.into())
    } else {
        Ok(n * 10)
    }
}

#[retry(stop = attempts(5), wait = fixed(1))]
async fn with_question_mark(calls: &AtomicU32) -> Result<u32, ApiError> {
    let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
    let value = flaky_io(n)?;
    Ok(value + 1)
}

#[retry(stop = attempts(5), wait = fixed(1), sleep = clock.clone())]
fn with_return(clock: &TestClock, calls: &mut u32) -> Result<u32, ApiError> {
    *calls += 1;
    if *calls < 4 {
        return Err(ApiError { status: 502 });
    }
    Ok(*calls)
}

#[tokio::test(start_paused = true)]
async fn question_mark_errors_are_retried() {
    let calls = AtomicU32::new(0);
    let started = Instant::now();
    assert_eq!(with_question_mark(&calls).await, Ok(31));
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    assert_eq!(started.elapsed(), Duration::from_secs(2));
}

#[test]
fn early_returns_are_retried() {
    let clock = TestClock::new();
    let mut calls = 0;
    assert_eq!(with_return(&clock, &mut calls), Ok(4));
    assert_eq!(calls, 4);
    assert_eq!(clock.sleeps(), [Duration::from_secs(1); 3]);
}

// ---------------------------------------------------------------------------------------------
// Methods keep their receivers.

struct Counter {
    calls: u32,
    successes: u32,
}

impl Counter {
    #[retry(stop = attempts(4), wait = fixed(500ms))]
    async fn bump(&mut self, succeed_at: u32) -> Result<u32, ApiError> {
        self.calls += 1;
        if self.calls % 10 < succeed_at {
            return Err(ApiError { status: 503 });
        }
        self.successes += 1;
        Ok(self.calls)
    }

    #[retry(stop = attempts(2), wait = none)]
    fn read(&self) -> Result<u32, ApiError> {
        Ok(self.calls)
    }
}

#[tokio::test(start_paused = true)]
async fn mut_self_async_methods_keep_their_counters_per_call() {
    let mut counter = Counter {
        calls: 0,
        successes: 0,
    };
    let started = Instant::now();
    assert_eq!(counter.bump(3).await, Ok(3));
    assert_eq!((counter.calls, counter.successes), (3, 1));
    assert_eq!(started.elapsed(), Duration::from_millis(1000));
    // A second call starts a fresh engine: four more attempts are allowed.
    counter.calls = 10;
    assert_eq!(counter.bump(5).await, Err(ApiError { status: 503 }));
    assert_eq!((counter.calls, counter.successes), (14, 1));
    assert_eq!(counter.read(), Ok(14));
}

// ---------------------------------------------------------------------------------------------
// Hooks.

#[retry(
    stop = attempts(4),
    wait = exponential(1, 2, 10),
    before = |s| log.lock().unwrap().push(format!("before {}", s.attempt())),
    after = |s| log.lock().unwrap().push(format!("after {} {}", s.attempt(), s.error().unwrap())),
    before_sleep = |s| log.lock().unwrap().push(format!("sleep {} {:?}", s.attempt(), s.next_sleep().unwrap())),
)]
async fn hooked(log: &Mutex<Vec<String>>) -> Result<(), ApiError> {
    log.lock().unwrap().push("attempt".into());
    Err(ApiError { status: 500 })
}

#[tokio::test(start_paused = true)]
async fn hooks_run_in_tenacity_order_and_before_sleep_sees_attempts_1_2_3() {
    let log = Mutex::new(Vec::new());
    let started = Instant::now();
    assert!(hooked(&log).await.is_err());
    assert_eq!(
        *log.lock().unwrap(),
        [
            "before 1",
            "attempt",
            "after 1 status 500",
            "sleep 1 2s",
            "before 2",
            "attempt",
            "after 2 status 500",
            "sleep 2 2s",
            "before 3",
            "attempt",
            "after 3 status 500",
            "sleep 3 4s",
            "before 4",
            "attempt",
            "after 4 status 500",
        ]
    );
    assert_eq!(started.elapsed(), Duration::from_secs(8));
}

static SLEEPS_SEEN: Mutex<Vec<(u32, Duration)>> = Mutex::new(Vec::new());

fn record_sleep(state: &RetryState<u32, ApiError>) {
    SLEEPS_SEEN
        .lock()
        .unwrap()
        .push((state.attempt(), state.next_sleep().unwrap_or_default()));
}

#[retry(
    stop = attempts(3),
    wait = incrementing(1, 2, 10),
    before_sleep = record_sleep,
    after = retry_core::log::after_log(tracing::Level::DEBUG),
    sleep = clock.clone(),
)]
fn hook_paths(clock: &TestClock) -> Result<u32, ApiError> {
    Err(ApiError { status: 504 })
}

#[test]
fn hooks_may_be_paths_to_fns_and_hook_values() {
    let clock = TestClock::new();
    assert_eq!(hook_paths(&clock), Err(ApiError { status: 504 }));
    assert_eq!(
        *SLEEPS_SEEN.lock().unwrap(),
        [(1, Duration::from_secs(1)), (2, Duration::from_secs(3))]
    );
    assert_eq!(clock.sleeps(), [1, 3].map(Duration::from_secs));
}

// ---------------------------------------------------------------------------------------------
// Return types.

#[retry(stop = attempts(5), wait = fixed(1), retry = if_result(|v| v.is_none()))]
async fn until_some(calls: &AtomicU32, ready_at: u32) -> Option<u32> {
    let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
    (n >= ready_at).then_some(n)
}

#[tokio::test(start_paused = true)]
async fn options_are_retried_while_none_and_the_last_none_is_returned() {
    let calls = AtomicU32::new(0);
    let started = Instant::now();
    assert_eq!(until_some(&calls, 3).await, Some(3));
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    assert_eq!(started.elapsed(), Duration::from_secs(2));

    let calls = AtomicU32::new(0);
    assert_eq!(until_some(&calls, 99).await, None);
    assert_eq!(calls.load(Ordering::SeqCst), 5);
}

#[retry(stop = attempts(3), wait = fixed(2), retry = if_error(|e| e.status >= 500))]
async fn detailed(status: u16, calls: &AtomicU32) -> Result<u32, RetryError<ApiError>> {
    calls.fetch_add(1, Ordering::SeqCst);
    Err(ApiError { status })
}

#[tokio::test(start_paused = true)]
async fn retry_error_return_types_carry_attempts_elapsed_and_reason() {
    let calls = AtomicU32::new(0);
    let err = detailed(503, &calls).await.unwrap_err();
    assert_eq!(err.attempts(), 3);
    assert_eq!(err.reason(), StopReason::Attempts);
    assert_eq!(err.elapsed(), Duration::from_secs(4));
    assert_eq!(*err.error(), ApiError { status: 503 });
    assert_eq!(err.stats().name(), "detailed");
    assert_eq!(
        err.to_string(),
        "gave up after 3 attempts in 4s (attempts exhausted): status 503"
    );

    let calls = AtomicU32::new(0);
    let err = detailed(404, &calls).await.unwrap_err();
    assert_eq!(
        (err.attempts(), err.reason()),
        (1, StopReason::NotRetryable)
    );
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[retry(stop = attempts(3), wait = none, retry = if_error(|e| e.kind() != io::ErrorKind::NotFound))]
fn io_alias(kind: io::ErrorKind, calls: &mut u32) -> io::Result<u32> {
    *calls += 1;
    Err(kind.into())
}

type ApiResult<T> = Result<T, ApiError>;

#[retry(stop = attempts(2), wait = none)]
fn custom_alias(calls: &mut u32) -> ApiResult<u32> {
    *calls += 1;
    Err(ApiError { status: 500 })
}

#[test]
fn result_aliases_are_results() {
    let mut calls = 0;
    let err = io_alias(io::ErrorKind::TimedOut, &mut calls).unwrap_err();
    assert_eq!((err.kind(), calls), (io::ErrorKind::TimedOut, 3));
    let mut calls = 0;
    assert!(io_alias(io::ErrorKind::NotFound, &mut calls).is_err());
    assert_eq!(calls, 1);
    let mut calls = 0;
    assert!(custom_alias(&mut calls).is_err());
    assert_eq!(calls, 2);
}

#[retry(
    stop = attempts(3),
    wait = fixed(1),
    retry = if_error(|e| e.status != 401),
    on_exhausted = |s| Ok(format!("fallback after {} attempts: {}", s.attempt(), s.error().unwrap())),
)]
async fn with_fallback(status: u16) -> Result<String, ApiError> {
    Err(ApiError { status })
}

#[tokio::test(start_paused = true)]
async fn on_exhausted_builds_the_return_value_only_when_the_policy_gave_up() {
    let started = Instant::now();
    assert_eq!(
        with_fallback(503).await,
        Ok("fallback after 3 attempts: status 503".to_owned())
    );
    assert_eq!(started.elapsed(), Duration::from_secs(2));
    // Not retryable: the error is returned as it is.
    assert_eq!(with_fallback(401).await, Err(ApiError { status: 401 }));
}

fn default_reply(state: RetryState<Option<u8>, std::convert::Infallible>) -> Option<u8> {
    Some(100 + state.attempt() as u8)
}

#[retry(stop = attempts(2), wait = none, retry = if_result(Option::is_none), on_exhausted = default_reply)]
fn value_fallback() -> Option<u8> {
    None
}

#[test]
fn on_exhausted_takes_paths_to_fns() {
    assert_eq!(value_fallback(), Some(102));
}

// ---------------------------------------------------------------------------------------------
// `policy`, `budget`, `sleep`, `timeout`, `name`, `clone`.

struct Service {
    policy: Retrying<retry_core::stop::Attempts, retry_core::wait::Fixed>,
    calls: AtomicU32,
}

impl Service {
    #[retry(policy = &self.policy)]
    async fn call(&self) -> Result<u32, ApiError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Err(ApiError { status: 503 })
    }
}

#[tokio::test(start_paused = true)]
async fn policy_takes_a_runtime_policy() {
    let service = Service {
        policy: Retrying::new().stop(attempts(4)).wait(fixed(3)),
        calls: AtomicU32::new(0),
    };
    let started = Instant::now();
    assert!(service.call().await.is_err());
    assert_eq!(service.calls.load(Ordering::SeqCst), 4);
    assert_eq!(started.elapsed(), Duration::from_secs(9));
}

#[retry(policy = Retrying::new().stop(attempts(3)).wait(fixed(2)).sleeper(clock.clone()).name("configured"))]
fn configured(clock: &TestClock) -> Result<(), RetryError<ApiError>> {
    Err(ApiError { status: 500 })
}

#[test]
fn policy_expressions_may_use_arguments() {
    let clock = TestClock::new();
    let err = configured(&clock).unwrap_err();
    assert_eq!(err.attempts(), 3);
    assert_eq!(err.stats().name(), "configured");
    assert_eq!(clock.sleeps(), [2, 2].map(Duration::from_secs));
    assert_eq!(err.elapsed(), Duration::from_secs(4));
}

/// Allows a fixed number of retries in total, shared by every call.
struct FixedBudget(AtomicU32);

impl RetryBudget for FixedBudget {
    fn try_retry(&self, _: FailureKind) -> Option<RetryPermit> {
        self.0
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1))
            .ok()
            .map(|_| RetryPermit::new(1))
    }
}

#[retry(stop = attempts(10), wait = fixed(1), budget = budget)]
async fn budgeted(budget: &FixedBudget, calls: &AtomicU32) -> Result<(), RetryError<ApiError>> {
    calls.fetch_add(1, Ordering::SeqCst);
    Err(ApiError { status: 503 })
}

#[tokio::test(start_paused = true)]
async fn a_shared_budget_stops_the_loop() {
    let budget = FixedBudget(AtomicU32::new(3));
    let calls = AtomicU32::new(0);
    let err = budgeted(&budget, &calls).await.unwrap_err();
    assert_eq!((err.attempts(), err.reason()), (4, StopReason::Budget));
    // The budget is spent: the next call gets no retry at all.
    let err = budgeted(&budget, &calls).await.unwrap_err();
    assert_eq!((err.attempts(), err.reason()), (1, StopReason::Budget));
    assert_eq!(calls.load(Ordering::SeqCst), 5);
}

#[retry(stop = attempts(5), wait = exponential(1, 2, 10), sleep = clock.clone())]
fn sync_on_test_clock(clock: &TestClock, calls: &mut u32) -> Result<(), ApiError> {
    *calls += 1;
    Err(ApiError { status: 500 })
}

#[retry(stop = attempts(4), wait = chain(fixed(1), fixed(2), exponential(1, 0, 60)), sleep = clock.clone())]
async fn async_on_test_clock(clock: &TestClock) -> Result<(), ApiError> {
    Err(ApiError { status: 500 })
}

#[tokio::test]
async fn sleep_plugs_in_a_test_clock() {
    let clock = TestClock::new();
    let mut calls = 0;
    let started = std::time::Instant::now();
    assert!(sync_on_test_clock(&clock, &mut calls).is_err());
    assert_eq!(calls, 5);
    assert_eq!(clock.sleeps(), [2, 2, 4, 8].map(Duration::from_secs));
    assert_eq!(clock.elapsed(), Duration::from_secs(16));
    assert!(started.elapsed() < Duration::from_secs(1));

    let clock = TestClock::new();
    assert!(async_on_test_clock(&clock).await.is_err());
    // chain: attempt 1 fixed(1), attempt 2 fixed(2), attempt 3 exponential at n = 3.
    assert_eq!(clock.sleeps(), [1, 2, 4].map(Duration::from_secs));
}

#[retry(stop = attempts(3), wait = fixed(1), timeout = 2s)]
async fn slow(calls: &AtomicU32, takes: Duration) -> io::Result<u32> {
    let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
    tokio::time::sleep(takes).await;
    Ok(n)
}

#[tokio::test(start_paused = true)]
async fn timeout_cancels_each_attempt() {
    let calls = AtomicU32::new(0);
    let started = Instant::now();
    let err = slow(&calls, Duration::from_secs(60)).await.unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::TimedOut);
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    // Three attempts cut at 2 s, two waits of 1 s.
    assert_eq!(started.elapsed(), Duration::from_secs(8));

    let calls = AtomicU32::new(0);
    let started = Instant::now();
    assert_eq!(slow(&calls, Duration::from_secs(1)).await.unwrap(), 1);
    assert_eq!(started.elapsed(), Duration::from_secs(1));
}

#[retry(stop = attempts(2), wait = none, name = "lookup-user")]
fn named() -> Result<(), RetryError<ApiError>> {
    Err(ApiError { status: 500 })
}

#[test]
fn name_names_the_policy() {
    assert_eq!(named().unwrap_err().stats().name(), "lookup-user");
}

fn consume(request: String, seen: &Mutex<Vec<String>>) -> Result<usize, ApiError> {
    let len = request.len();
    seen.lock().unwrap().push(request);
    if seen.lock().unwrap().len() < 3 {
        Err(ApiError { status: 503 })
    } else {
        Ok(len)
    }
}

#[retry(stop = attempts(5), wait = none, clone(request))]
fn by_value(mut request: String, seen: &Mutex<Vec<String>>) -> Result<usize, ApiError> {
    request.push('!');
    consume(request, seen)
}

#[retry(stop = attempts(5), wait = fixed(1), clone(body))]
async fn by_value_async(body: Vec<u8>, seen: &Mutex<Vec<String>>) -> Result<usize, ApiError> {
    tokio::task::yield_now().await;
    consume(String::from_utf8(body).unwrap(), seen)
}

#[tokio::test(start_paused = true)]
async fn clone_gives_each_attempt_its_own_copy_of_by_value_arguments() {
    let seen = Mutex::new(Vec::new());
    assert_eq!(by_value("hi".to_owned(), &seen), Ok(3));
    assert_eq!(*seen.lock().unwrap(), ["hi!", "hi!", "hi!"]);

    let seen = Mutex::new(Vec::new());
    assert_eq!(by_value_async(b"abc".to_vec(), &seen).await, Ok(3));
    assert_eq!(*seen.lock().unwrap(), ["abc", "abc", "abc"]);
}

// ---------------------------------------------------------------------------------------------
// Conditions and strategies in the DSL.

#[retry(stop = attempts(4), wait = none, retry = transient)]
fn transient_only(kind: io::ErrorKind, calls: &mut u32) -> io::Result<()> {
    *calls += 1;
    Err(kind.into())
}

#[derive(Debug)]
struct Flaky {
    kind: &'static str,
}

impl Transient for Flaky {
    fn is_transient(&self) -> bool {
        self.kind != "bad request"
    }
}

// `!if_error(..)` stays within errors (it never retries an `Ok`), hence the grouping.
#[retry(
    stop = attempts(6),
    wait = none,
    retry = (transient & !if_error(|e| e.kind == "fatal")) | if_result(|n| *n < 3),
)]
fn combined(calls: &mut u32, script: &[Result<u32, &'static str>]) -> Result<u32, Flaky> {
    let step = script[*calls as usize];
    *calls += 1;
    step.map_err(|kind| Flaky { kind })
}

#[test]
fn conditions_combine_with_or_and_not() {
    let mut calls = 0;
    assert!(transient_only(io::ErrorKind::ConnectionReset, &mut calls).is_err());
    assert_eq!(calls, 4);
    let mut calls = 0;
    assert!(transient_only(io::ErrorKind::PermissionDenied, &mut calls).is_err());
    assert_eq!(calls, 1);

    let script = [Err("timeout"), Ok(1), Ok(2), Err("timeout"), Ok(7)];
    let mut calls = 0;
    assert_eq!(combined(&mut calls, &script).unwrap(), 7);
    assert_eq!(calls, 5);
    let script = [Err("timeout"), Err("fatal"), Ok(9)];
    let mut calls = 0;
    assert_eq!(combined(&mut calls, &script).unwrap_err().kind, "fatal");
    assert_eq!(calls, 2);
    let script = [Err("bad request"), Ok(9)];
    let mut calls = 0;
    assert_eq!(
        combined(&mut calls, &script).unwrap_err().kind,
        "bad request"
    );
    assert_eq!(calls, 1);
}

#[derive(Debug)]
struct RateLimited {
    hint: Option<Duration>,
}

impl RetryAfter for RateLimited {
    fn retry_after(&self) -> Option<Duration> {
        self.hint
    }
}

#[retry(
    stop = attempts(4),
    wait = retry_after(exponential(1, 0, 30), cap = 10s) + fixed(100ms),
    sleep = clock.clone(),
)]
fn rate_limited(
    clock: &TestClock,
    hints: &[Option<u64>],
    calls: &mut usize,
) -> Result<(), RateLimited> {
    let hint = hints[*calls].map(Duration::from_secs);
    *calls += 1;
    Err(RateLimited { hint })
}

// The builder's spelling, `.cap(d)`, means the same as `cap = d`.
#[retry(
    stop = attempts(4),
    wait = retry_after(exponential(1, 0, 30)).cap(10s) + fixed(100ms),
    sleep = clock.clone(),
)]
fn rate_limited_builder_spelling(
    clock: &TestClock,
    hints: &[Option<u64>],
    calls: &mut usize,
) -> Result<(), RateLimited> {
    let hint = hints[*calls].map(Duration::from_secs);
    *calls += 1;
    Err(RateLimited { hint })
}

#[test]
fn retry_after_honours_hints_capped_and_falls_back() {
    let hints = [Some(3), None, Some(3600), None];
    let expected = [3100, 2100, 10100].map(Duration::from_millis);
    let clock = TestClock::new();
    let mut calls = 0;
    assert!(rate_limited(&clock, &hints, &mut calls).is_err());
    assert_eq!(clock.sleeps(), expected);
    let clock = TestClock::new();
    let mut calls = 0;
    assert!(rate_limited_builder_spelling(&clock, &hints, &mut calls).is_err());
    assert_eq!(clock.sleeps(), expected);
}

#[retry(stop = after_delay(5s), wait = fixed(2))]
async fn until_deadline(calls: &AtomicU32) -> Result<(), ApiError> {
    calls.fetch_add(1, Ordering::SeqCst);
    Err(ApiError { status: 500 })
}

#[retry(stop = before_delay(5s) | attempts(100), wait = fixed(2))]
async fn before_deadline(calls: &AtomicU32) -> Result<(), RetryError<ApiError>> {
    calls.fetch_add(1, Ordering::SeqCst);
    Err(ApiError { status: 500 })
}

#[tokio::test(start_paused = true)]
async fn time_based_stops() {
    let calls = AtomicU32::new(0);
    let started = Instant::now();
    assert!(until_deadline(&calls).await.is_err());
    // Outcomes at 0, 2, 4, 6 s; the one at 6 s is past the 5 s limit.
    assert_eq!(calls.load(Ordering::SeqCst), 4);
    assert_eq!(started.elapsed(), Duration::from_secs(6));

    let calls = AtomicU32::new(0);
    let started = Instant::now();
    let err = before_deadline(&calls).await.unwrap_err();
    // At 4 s the next 2 s sleep would reach 5 s: stop without sleeping.
    assert_eq!((err.attempts(), err.reason()), (3, StopReason::Deadline));
    assert_eq!(started.elapsed(), Duration::from_secs(4));
}

#[retry(stop = attempts(3), wait = { fixed(Duration::from_millis(base_ms)) } + random(0, 0))]
fn raw_wait(base_ms: u64, clock_calls: &mut u32) -> Result<(), ApiError> {
    *clock_calls += 1;
    if *clock_calls < 2 {
        Err(ApiError { status: 500 })
    } else {
        Ok(())
    }
}

#[test]
fn strategy_arguments_and_whole_strategies_may_be_rust_expressions() {
    let mut calls = 0;
    let started = std::time::Instant::now();
    assert_eq!(raw_wait(1, &mut calls), Ok(()));
    assert_eq!(calls, 2);
    assert!(started.elapsed() >= Duration::from_millis(1));
}

// ---------------------------------------------------------------------------------------------
// Async shapes: spawned futures, `impl Future`, async-trait.

#[retry(
    stop = attempts(3),
    wait = fixed(1),
    retry = if_error(|e| e.status >= 500),
    before_sleep = |s| tracing::warn!(attempt = s.attempt(), "retrying"),
)]
async fn spawnable(calls: std::sync::Arc<AtomicU32>) -> Result<u32, ApiError> {
    let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
    tokio::task::yield_now().await;
    if n < 3 {
        Err(ApiError { status: 500 })
    } else {
        Ok(n)
    }
}

#[tokio::test(start_paused = true)]
async fn annotated_async_fns_are_send_and_spawnable() {
    let calls = std::sync::Arc::new(AtomicU32::new(0));
    let handle = tokio::spawn(spawnable(calls.clone()));
    assert_eq!(handle.await.unwrap(), Ok(3));
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

struct Client {
    calls: AtomicU32,
}

impl Client {
    #[retry(stop = attempts(3), wait = fixed(1))]
    fn fetch(&self, id: u32) -> impl Future<Output = Result<u32, ApiError>> + Send + '_ {
        let offset = id * 100;
        async move {
            let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
            if n < 3 {
                Err(ApiError { status: 503 })
            } else {
                Ok(offset + n)
            }
        }
    }
}

#[async_trait::async_trait]
trait Api {
    async fn get(&self, id: u32) -> Result<u32, ApiError>;
}

#[async_trait::async_trait]
impl Api for Client {
    #[retry(stop = attempts(4), wait = fixed(2), timeout = 10s)]
    async fn get(&self, id: u32) -> Result<u32, ApiError> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        if n < 2 {
            return Err(ApiError { status: 503 });
        }
        Ok(id + n)
    }
}

#[tokio::test(start_paused = true)]
async fn impl_future_and_async_trait_methods_retry_inside_their_future() {
    let client = std::sync::Arc::new(Client {
        calls: AtomicU32::new(0),
    });
    let started = Instant::now();
    assert_eq!(client.fetch(7).await, Ok(703));
    assert_eq!(started.elapsed(), Duration::from_secs(2));

    client.calls.store(0, Ordering::SeqCst);
    let started = Instant::now();
    let c = client.clone();
    let spawned = tokio::spawn(async move { c.get(40).await });
    assert_eq!(spawned.await.unwrap(), Ok(42));
    assert_eq!(started.elapsed(), Duration::from_secs(2));
}
