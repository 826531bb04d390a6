//! Chaos soak: 1,000 logical requests from 50 concurrent tasks against the loopback
//! fault-injecting mock server, under one shared retry budget (the AWS SDKs' retry quota).
//!
//! The server throws everything it has: 429s with honest and adversarial `Retry-After` values
//! (`0`, `-5`, `soon`, `1.5`, `1000000000`, a date in the year 9999, an empty value, a date in
//! 1970), HTTP-date hints, bursts of 500/502/503/504, slow answers that trip the per-attempt
//! timeout, dropped connections, and requests that are invalid (400, never worth retrying).
//!
//! Checked, request by request and in total:
//! - every request ends as a success carrying its own answer, or a typed failure
//!   (`RetryError<HttpError>` whose reason and attempt count match what happened);
//! - the client's and the server's attempt counts agree exactly, per request and in total;
//! - no sleep is ever planned past the deadline (`before_delay`), so no request outlives its
//!   deadline by more than one attempt's timeout (plus the scheduler's slack on a loaded
//!   machine), and no sleep exceeds the `Retry-After` cap, whatever the server asked for;
//! - total attempts respect the retry quota's amplification bound from `retry_core::budget`:
//!   `A <= N + N_r + (Q + N_1) / c`, which holds under any interleaving of the quota's atomic
//!   updates (the token bucket's bound assumes the failure's decrement and the retry check are
//!   not split by another call's success, so a 50-task soak could exceed it by a few).
//!
//! Real time stays small: waits and timeouts are milliseconds (a real HTTP server cannot run on
//! paused time), so the whole soak takes a few seconds. It prints its figures.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use retry_core::budget::RetryQuota;
use retry_core::condition::transient;
use retry_core::http::HttpError;
use retry_core::stop::{attempts, before_delay};
use retry_core::wait::{random_exponential, retry_after};
use retry_core::{Engine, RetryAfter, RetryError, Retrying, Step, StopReason, Transient};
use retry_examples::batch::{Attempt, Reconciliation};
use retry_examples::chat::{ChatClient, ChatRequest, ChatResponse};
use retry_examples::mock_server::{Faults, MockConfig, MockServer, Reply, RetryAfterValue};

const REQUESTS: usize = 1_000;
const TASKS: usize = 50;
/// Every 50th request is invalid: the server answers 400.
const INVALID_EVERY: usize = 50;
const MAX_ATTEMPTS: u32 = 6;
/// Each attempt's own limit.
const ATTEMPT_TIMEOUT: Duration = Duration::from_millis(150);
/// The request's deadline: no sleep may end past it (`before_delay`).
const DEADLINE: Duration = Duration::from_millis(200);
/// The longest sleep a `Retry-After` hint may cause.
const RETRY_AFTER_CAP: Duration = Duration::from_millis(20);
/// The backoff when there is no usable hint: full jitter up to this.
const BACKOFF_MAX: Duration = Duration::from_millis(30);
/// How long a slow answer takes: far past the attempt timeout.
const SLOW_ANSWER: Duration = Duration::from_secs(2);
/// Timers fire on millisecond ticks and 2 cores run 50 tasks, a server and a timer: what a
/// request may run past `DEADLINE + ATTEMPT_TIMEOUT` without a fault of the retry loop.
const SCHEDULER_SLACK: Duration = Duration::from_millis(100);
/// 5xx bursts, scripted when this many requests have finished.
const BURSTS_AT: [usize; 3] = [200, 450, 700];
const BURST_LEN: usize = 40;

struct Report {
    id: usize,
    prompt: String,
    attempts: Vec<Attempt>,
    outcome: Result<ChatResponse, RetryError<HttpError>>,
    latency: Duration,
    /// Every sleep: the attempt it followed, the server's hint if it gave a usable one, the
    /// sleep.
    sleeps: Vec<(Attempt, Option<Duration>, Duration)>,
}

fn prompt(id: usize) -> String {
    format!("request {id}")
}

/// One logical request, driving the engine attempt by attempt so every attempt is seen.
async fn run_request(client: &ChatClient, quota: &Arc<RetryQuota>, id: usize) -> Report {
    let prompt = prompt(id);
    let mut request = ChatRequest::new("gpt-4.1", prompt.clone());
    if id % INVALID_EVERY == INVALID_EVERY - 1 {
        request = request.max_tokens(0);
    }
    let policy = Retrying::new()
        .stop(attempts(MAX_ATTEMPTS) | before_delay(DEADLINE))
        .wait(
            retry_after(random_exponential(Duration::from_millis(2), 0, BACKOFF_MAX))
                .cap(RETRY_AFTER_CAP),
        )
        .retry(transient())
        .timeout(ATTEMPT_TIMEOUT)
        .budget(quota.clone())
        .seed(id as u64);
    let mut engine = Engine::new(&policy).measure_from_start();
    let mut attempts = Vec::new();
    let mut sleeps = Vec::new();
    let started = Instant::now();
    let outcome = loop {
        engine.before_attempt();
        let raw = engine.guard_attempt(client.complete(&request)).await;
        let outcome = engine.finish_attempt(raw);
        let attempt = Attempt::of(&outcome);
        let hint = outcome.as_ref().err().and_then(RetryAfter::retry_after);
        attempts.push(attempt);
        let delay = match engine.on_outcome(outcome) {
            Step::Retry(delay) => delay,
            Step::Done(outcome) => break outcome,
        };
        // `before_delay`: the sleep is planned to end before the deadline, to the nanosecond.
        let planned_end = engine.stats().elapsed() + delay;
        assert!(
            planned_end < DEADLINE,
            "request {id}: a sleep planned to end at {planned_end:?}"
        );
        sleeps.push((attempt, hint, delay));
        engine.sleep(delay).await;
    };
    let latency = started.elapsed();
    Report {
        id,
        prompt,
        attempts,
        outcome: outcome.map_err(|e| engine.retry_error(e)),
        latency,
        sleeps,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_requests_through_chaos() {
    // The whole soak, bounded: a hang fails instead of stalling CI.
    tokio::time::timeout(Duration::from_secs(60), soak())
        .await
        .expect("the soak finished within a minute");
}

async fn soak() {
    let faults = Faults {
        rate_limited: 0.04,
        rate_limited_date: 0.02,
        internal_error: 0.03,
        bad_gateway: 0.03,
        unavailable: 0.03,
        slow: 0.06,
        drop_connection: 0.04,
        adversarial_retry_after: 0.10,
        retry_after: Duration::from_secs(1),
    };
    let server = Arc::new(
        MockServer::start(MockConfig {
            seed: 6,
            faults,
            slow_delay: SLOW_ANSWER,
            ..MockConfig::default()
        })
        .await
        .unwrap(),
    );
    let client = ChatClient::new(&server.base_url(), None).unwrap();
    let quota = Arc::new(RetryQuota::new());
    let next = Arc::new(AtomicUsize::new(0));
    let finished = Arc::new(AtomicUsize::new(0));

    let wall = Instant::now();
    let tasks: Vec<_> = (0..TASKS)
        .map(|_| {
            let (client, quota, server) = (client.clone(), quota.clone(), server.clone());
            let (next, finished) = (next.clone(), finished.clone());
            tokio::spawn(async move {
                let mut reports = Vec::new();
                loop {
                    let id = next.fetch_add(1, Ordering::Relaxed);
                    if id >= REQUESTS {
                        break reports;
                    }
                    reports.push(run_request(&client, &quota, id).await);
                    let done = finished.fetch_add(1, Ordering::Relaxed) + 1;
                    if BURSTS_AT.contains(&done) {
                        // A 5xx burst: the next requests to arrive, whoever sends them.
                        server.script((0..BURST_LEN).map(|i| match i % 4 {
                            0 => Reply::status(500),
                            1 => Reply::status(502),
                            2 => Reply::unavailable(Some(RetryAfterValue::Seconds(1))),
                            _ => Reply::status(504),
                        }));
                    }
                }
            })
        })
        .collect();
    let mut reports = Vec::with_capacity(REQUESTS);
    for task in tasks {
        reports.extend(task.await.expect("no task panicked"));
    }
    let wall = wall.elapsed();
    reports.sort_by_key(|r| r.id);

    // Every request ended, once.
    assert_eq!(reports.len(), REQUESTS);
    assert!(reports.iter().enumerate().all(|(i, r)| r.id == i));

    // The server counts a request when its handler runs; an attempt the client gave up on may
    // still be on its way. Wait (briefly) until the server has seen them all.
    let client_attempts: usize = reports.iter().map(|r| r.attempts.len()).sum();
    let counts = server
        .counts_after(client_attempts as u64, Duration::from_secs(5))
        .await;
    let log = server.log();

    // Client and server agree exactly: in total and request by request.
    assert_eq!(counts.requests, client_attempts as u64, "total attempts");
    let mut per_prompt: BTreeMap<&str, usize> = BTreeMap::new();
    for record in &log {
        *per_prompt
            .entry(record.prompt.as_deref().expect("every body parsed"))
            .or_default() += 1;
    }
    for report in &reports {
        assert_eq!(
            per_prompt.get(report.prompt.as_str()).copied().unwrap_or(0),
            report.attempts.len(),
            "request {}: server and client disagree",
            report.id
        );
    }
    // ... and attempt by attempt, for every kind the client can tell apart. An answer that
    // arrived after the client's timeout counts as a status on the server and a timeout here.
    let mut by_kind: BTreeMap<Attempt, u64> = BTreeMap::new();
    for attempt in reports.iter().flat_map(|r| &r.attempts) {
        *by_kind.entry(*attempt).or_default() += 1;
    }
    let reconciled = Reconciliation::new(&by_kind, &counts);
    assert!(reconciled.agrees(), "{:?}", reconciled.mismatches);
    let late_answers = reconciled.late_answers;

    // Every request ends as a success with its own answer, or a typed failure.
    let mut failures: BTreeMap<String, usize> = BTreeMap::new();
    let (mut first_try, mut after_retrying) = (0u64, 0u64);
    for report in &reports {
        let invalid = report.id % INVALID_EVERY == INVALID_EVERY - 1;
        let tries = report.attempts.len() as u32;
        match &report.outcome {
            Ok(response) => {
                assert!(!invalid, "request {} was invalid", report.id);
                assert_eq!(
                    response.text(),
                    format!("Here is an answer to \"{}\".", report.prompt)
                );
                assert_eq!(report.attempts.last(), Some(&Attempt::Status(200)));
                if tries == 1 {
                    first_try += 1
                } else {
                    after_retrying += 1
                }
            }
            Err(error) => {
                assert_eq!(error.attempts(), tries, "request {}", report.id);
                let last = *report.attempts.last().unwrap();
                match error.reason() {
                    StopReason::NotRetryable => {
                        // Only the invalid requests, refused at once and never retried.
                        assert!(invalid, "request {}: {}", report.id, error.error());
                        assert_eq!(report.attempts, [Attempt::Status(400)]);
                        assert!(!error.error().is_transient());
                    }
                    StopReason::Attempts => assert_eq!(tries, MAX_ATTEMPTS),
                    StopReason::Deadline | StopReason::Budget => {}
                    other => panic!("request {}: stopped by {other}", report.id),
                }
                if error.reason() != StopReason::NotRetryable {
                    assert!(!invalid);
                    assert!(
                        error.error().is_transient(),
                        "request {}: {}",
                        report.id,
                        error.error()
                    );
                }
                let name = match last {
                    Attempt::Status(s) => s.to_string(),
                    Attempt::Timeout => "timeout".into(),
                    Attempt::Connection => "connection".into(),
                    Attempt::Other => "an unclassified failure".into(),
                };
                *failures
                    .entry(format!("{} after {name}", error.reason()))
                    .or_default() += 1;
            }
        }
    }

    // Deadlines: no request outlived its deadline by more than one attempt's timeout.
    let max_latency = reports.iter().map(|r| r.latency).max().unwrap();
    let max_overrun = max_latency.saturating_sub(DEADLINE);
    assert!(
        max_latency <= DEADLINE + ATTEMPT_TIMEOUT + SCHEDULER_SLACK,
        "a request took {max_latency:?}"
    );

    // A usable hint is honoured up to the cap, however large (a billion seconds, the year 9999);
    // without one (`-5`, `soon`, `1.5`, empty, no header) the backoff applies.
    let (mut max_sleep, mut hints, mut capped) = (Duration::ZERO, 0, 0);
    for (after, hint, delay) in reports.iter().flat_map(|r| &r.sleeps) {
        max_sleep = max_sleep.max(*delay);
        match hint {
            Some(hint) => {
                assert_eq!(*delay, (*hint).min(RETRY_AFTER_CAP), "after {after:?}");
                hints += 1;
                capped += usize::from(*hint > RETRY_AFTER_CAP);
            }
            None => assert!(*delay <= BACKOFF_MAX, "{delay:?} after {after:?}"),
        }
    }
    assert!(capped > 0, "no hint above the cap in the soak");

    // The quota's amplification bound: A <= N + N_r + (Q + N_1) / c.
    let n = REQUESTS as u64;
    let bound = n
        + after_retrying
        + (u64::from(RetryQuota::DEFAULT_CAPACITY) + first_try)
            / u64::from(RetryQuota::DEFAULT_RETRY_COST);
    let attempts_made = client_attempts as u64;
    assert!(
        attempts_made <= bound,
        "{attempts_made} attempts, bound {bound}"
    );
    let refusals = reports
        .iter()
        .filter(|r| matches!(&r.outcome, Err(e) if e.reason() == StopReason::Budget))
        .count();

    // The figures.
    let statuses: Vec<String> = counts
        .statuses
        .iter()
        .map(|(s, n)| format!("{s}: {n}"))
        .collect();
    println!("chaos soak: {REQUESTS} requests from {TASKS} tasks in {wall:.2?}");
    println!(
        "  attempts {attempts_made} (server {}), retries {}, amplification bound {bound}",
        counts.requests,
        attempts_made - n
    );
    println!(
        "  server: {}, slow {}, dropped {}",
        statuses.join(", "),
        counts.slow,
        counts.dropped
    );
    println!(
        "  client timeouts {} (slow answers {}, late answers {late_answers})",
        by_kind.get(&Attempt::Timeout).copied().unwrap_or(0),
        counts.slow
    );
    println!(
        "  successes {} ({first_try} first try, {after_retrying} after retrying)",
        first_try + after_retrying
    );
    println!(
        "  typed failures {}: {failures:?}",
        REQUESTS as u64 - first_try - after_retrying
    );
    println!(
        "  budget refusals {refusals}, quota left {}",
        quota.available()
    );
    println!(
        "  sleeps on a server hint {hints} ({capped} hints above the {RETRY_AFTER_CAP:?} cap)"
    );
    println!(
        "  max latency {max_latency:.2?}, max overrun of the deadline {max_overrun:.2?}, max sleep {max_sleep:.2?}"
    );

    // The soak met every fault it claims to test.
    for (what, n) in [
        ("429", counts.status(429)),
        (
            "5xx",
            counts.status(500) + counts.status(502) + counts.status(503) + counts.status(504),
        ),
        ("slow", counts.slow),
        ("dropped", counts.dropped),
        ("400", counts.status(400)),
        ("budget refusals", refusals as u64),
    ] {
        assert!(n > 0, "no {what} in the soak");
    }
}
