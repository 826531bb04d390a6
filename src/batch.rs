//! The batch runner behind `cargo run --example llm_batch`: chat-completion prompts run with a
//! concurrency limit, a retry policy per model, an optional request budget and cost budget, and
//! an account of every attempt.
//!
//! Each prompt drives the [`Engine`] itself (one attempt at a time, through the policy's
//! per-attempt timeout and sleeper) so the runner can classify every attempt: what the client
//! counts here matches what the server counted, request for request.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! use retry_core::sleep::DefaultSleeper;
//! use retry_examples::batch::{BatchOptions, run_batch, sample_jobs};
//! use retry_examples::chat::ChatClient;
//! use retry_examples::mock_server::{MockConfig, MockServer};
//!
//! let server = MockServer::start(MockConfig::default()).await.unwrap();
//! let client = ChatClient::new(&server.base_url(), None).unwrap();
//! let jobs = sample_jobs(8, &["gpt-4.1".to_string()], 0);
//! let report = run_batch(&client, &jobs, &BatchOptions::new(DefaultSleeper), |_| {}).await;
//! assert_eq!(report.succeeded(), 8);
//! assert_eq!(report.attempts(), 8);
//! assert_eq!(server.counts().requests, 8);
//! # }
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use retry_core::budget::{FailureKind, RetryBudget, RetryPermit};
use retry_core::config::PolicyTable;
use retry_core::http::HttpError;
use retry_core::sleep::AsyncSleeper;
use retry_core::{Engine, Step, StopReason};

use crate::chat::{ChatClient, ChatRequest, ChatResponse, Usage};
use crate::mock_server::ServerCounts;

/// The per-model policies `llm_batch` uses unless given others (`src/policies.toml`).
pub const DEFAULT_POLICIES: &str = include_str!("policies.toml");

/// The default policy table, parsed from [`DEFAULT_POLICIES`].
///
/// ```
/// let table = retry_examples::batch::default_policies();
/// assert_eq!(table.get("deepseek-v3.2").attempts(), 6);
/// ```
pub fn default_policies() -> PolicyTable {
    // The embedded file is checked by this crate's tests; a broken edit fails them.
    toml::from_str(DEFAULT_POLICIES).unwrap_or_default()
}

/// One prompt of a batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Job {
    /// Its position in the batch.
    pub id: usize,
    /// The model to ask.
    pub model: String,
    /// The prompt.
    pub prompt: String,
    /// `max_tokens`, if set (0 makes the request invalid: the server answers 400).
    pub max_tokens: Option<i64>,
}

impl Job {
    /// The request this job sends.
    ///
    /// ```
    /// let job = &retry_examples::batch::sample_jobs(1, &["m".into()], 0)[0];
    /// assert_eq!(job.request().model, "m");
    /// ```
    pub fn request(&self) -> ChatRequest {
        ChatRequest {
            model: self.model.clone(),
            messages: vec![crate::chat::Message::user(self.prompt.clone())],
            max_tokens: self.max_tokens,
        }
    }
}

/// `count` distinct prompts spread over `models` in turn. When `invalid_every` is `n > 0`, every
/// `n`-th prompt asks for `max_tokens = 0`, which the API rejects with 400 (a permanent failure).
///
/// ```
/// let jobs = retry_examples::batch::sample_jobs(4, &["a".into(), "b".into()], 2);
/// assert_eq!(jobs.iter().map(|j| j.model.as_str()).collect::<Vec<_>>(), ["a", "b", "a", "b"]);
/// assert_eq!(jobs[1].max_tokens, Some(0));
/// assert_eq!(jobs[0].max_tokens, Some(128));
/// ```
pub fn sample_jobs(count: usize, models: &[String], invalid_every: usize) -> Vec<Job> {
    const TOPICS: [&str; 10] = [
        "exponential backoff",
        "the Retry-After header",
        "idempotent requests",
        "circuit breakers",
        "rate limiting with token buckets",
        "jitter in distributed systems",
        "timeouts and deadlines",
        "retry budgets",
        "graceful degradation",
        "health checks",
    ];
    let fallback = ["gpt-4.1".to_string()];
    let models = if models.is_empty() {
        &fallback[..]
    } else {
        models
    };
    (0..count)
        .map(|id| {
            let topic = TOPICS[id % TOPICS.len()];
            let invalid = invalid_every > 0 && (id + 1) % invalid_every == 0;
            Job {
                id,
                model: models[id % models.len()].clone(),
                prompt: format!("Prompt {id}: explain {topic} in two sentences."),
                max_tokens: Some(if invalid { 0 } else { 128 }),
            }
        })
        .collect()
}

/// A request budget shared by a whole batch: every attempt, first or retry, spends one request.
/// As a [`RetryBudget`] it refuses retries once spent, and the loop stops with
/// [`StopReason::Budget`].
///
/// ```
/// use retry_core::budget::{FailureKind, RetryBudget};
/// let budget = retry_examples::batch::RequestBudget::new(2);
/// assert!(budget.try_acquire());
/// assert!(budget.try_retry(FailureKind::Error).is_some());
/// assert!(budget.try_retry(FailureKind::Error).is_none());
/// assert_eq!(budget.spent(), 2);
/// ```
#[derive(Debug)]
pub struct RequestBudget {
    limit: u64,
    remaining: AtomicU64,
}

impl RequestBudget {
    /// A budget of `limit` requests.
    pub fn new(limit: u64) -> Self {
        RequestBudget {
            limit,
            remaining: AtomicU64::new(limit),
        }
    }

    /// Spends one request; `false` when none is left.
    pub fn try_acquire(&self) -> bool {
        self.remaining
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1))
            .is_ok()
    }

    /// Requests spent so far.
    pub fn spent(&self) -> u64 {
        self.limit - self.remaining.load(Ordering::Acquire)
    }

    /// The limit.
    pub fn limit(&self) -> u64 {
        self.limit
    }
}

impl RetryBudget for RequestBudget {
    fn try_retry(&self, _: FailureKind) -> Option<RetryPermit> {
        self.try_acquire().then(|| RetryPermit::new(1))
    }
}

/// Illustrative prices in USD per million tokens (input, output), for the cost budget.
///
/// ```
/// assert_eq!(retry_examples::batch::price_per_million("gpt-4.1"), (2.0, 8.0));
/// ```
pub fn price_per_million(model: &str) -> (f64, f64) {
    match model {
        "gpt-4.1" => (2.0, 8.0),
        "gpt-4.1-mini" => (0.4, 1.6),
        "deepseek-v3.2" => (0.28, 0.42),
        _ => (1.0, 3.0),
    }
}

/// The cost of `usage` on `model`, in USD.
///
/// ```
/// use retry_examples::chat::Usage;
/// let usage = Usage { prompt_tokens: 1_000_000, completion_tokens: 0, total_tokens: 1_000_000 };
/// assert_eq!(retry_examples::batch::cost_usd("gpt-4.1", &usage), 2.0);
/// ```
pub fn cost_usd(model: &str, usage: &Usage) -> f64 {
    let (input, output) = price_per_million(model);
    (usage.prompt_tokens as f64 * input + usage.completion_tokens as f64 * output) / 1e6
}

/// How a batch runs.
#[derive(Clone, Debug)]
pub struct BatchOptions<Z> {
    /// Prompts in flight at once (at least 1).
    pub concurrency: usize,
    /// Retry policies per model.
    pub policies: PolicyTable,
    /// At most this many requests in all, retries included.
    pub max_requests: Option<u64>,
    /// Start no new prompt once this much (USD) was spent.
    pub max_cost_usd: Option<f64>,
    /// The sleeper of every policy (tests pass a `TestClock`).
    pub sleeper: Z,
    /// Seeds each prompt's jitter (with the prompt's id) for reproducible runs.
    pub seed: Option<u64>,
}

impl<Z> BatchOptions<Z> {
    /// Concurrency 10, the [`default_policies`], no budgets, no seed.
    pub fn new(sleeper: Z) -> Self {
        BatchOptions {
            concurrency: 10,
            policies: default_policies(),
            max_requests: None,
            max_cost_usd: None,
            sleeper,
            seed: None,
        }
    }
}

/// What one attempt ended with, from the client's side.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Attempt {
    /// A response with this status (200 included).
    Status(u16),
    /// The per-attempt timeout (or reqwest's) fired.
    Timeout,
    /// The connection failed or broke before a response.
    Connection,
    /// Anything else (an undecodable body, ...).
    Other,
}

impl Attempt {
    /// How the client classifies one attempt's outcome.
    ///
    /// ```
    /// use retry_examples::batch::Attempt;
    /// use retry_core::http::HttpError;
    /// let timeout = retry_core::AttemptTimedOut::new(std::time::Duration::from_secs(1));
    /// let outcome = Err(HttpError::TimedOut(timeout));
    /// assert_eq!(Attempt::of(&outcome), Attempt::Timeout);
    /// ```
    pub fn of(outcome: &Result<ChatResponse, HttpError>) -> Attempt {
        match outcome {
            Ok(_) => Attempt::Status(200),
            Err(HttpError::Status(e)) => Attempt::Status(e.status().as_u16()),
            Err(HttpError::TimedOut(_)) => Attempt::Timeout,
            Err(HttpError::Transport(e)) if e.is_timeout() => Attempt::Timeout,
            Err(HttpError::Transport(e)) if e.is_decode() => Attempt::Other,
            Err(HttpError::Transport(e)) => match e.status() {
                Some(status) => Attempt::Status(status.as_u16()),
                None => Attempt::Connection,
            },
            Err(_) => Attempt::Other,
        }
    }

    /// The class retries are counted by: `2xx`, `429`, `4xx`, `5xx`, `timeout`, `connection`,
    /// `other`.
    ///
    /// ```
    /// use retry_examples::batch::Attempt;
    /// assert_eq!(Attempt::Status(503).class(), "5xx");
    /// assert_eq!(Attempt::Status(429).class(), "429");
    /// ```
    pub fn class(self) -> &'static str {
        match self {
            Attempt::Status(429) => "429",
            Attempt::Status(s) if (200..300).contains(&s) => "2xx",
            Attempt::Status(s) if (400..500).contains(&s) => "4xx",
            Attempt::Status(s) if (500..600).contains(&s) => "5xx",
            Attempt::Status(_) => "other",
            Attempt::Timeout => "timeout",
            Attempt::Connection => "connection",
            Attempt::Other => "other",
        }
    }
}

/// How a prompt ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// It got an answer.
    Succeeded {
        /// The answer's token counts.
        usage: Usage,
        /// Its cost, USD.
        cost_usd: f64,
    },
    /// An error that retrying cannot fix (400, 401, ...).
    FailedPermanently {
        /// The error.
        error: String,
    },
    /// Retryable failures until the policy stopped (attempts, deadline) or the request budget
    /// refused another retry.
    Exhausted {
        /// Why the policy stopped.
        reason: StopReason,
        /// The last error.
        error: String,
    },
    /// Not started: a budget was spent.
    Skipped,
}

/// The account of one prompt.
#[derive(Clone, Debug, PartialEq)]
pub struct JobReport {
    /// The job's id.
    pub id: usize,
    /// Its model.
    pub model: String,
    /// Every attempt, in order.
    pub attempts: Vec<Attempt>,
    /// How it ended.
    pub outcome: Outcome,
    /// From the first attempt's start to the end (zero when skipped).
    pub latency: Duration,
}

/// Runs `jobs` with `options.concurrency` in flight, calling `on_done` as each finishes, and
/// returns the account of the batch.
pub async fn run_batch<Z>(
    client: &ChatClient,
    jobs: &[Job],
    options: &BatchOptions<Z>,
    mut on_done: impl FnMut(&JobReport),
) -> BatchReport
where
    Z: AsyncSleeper + Clone,
{
    let started = Instant::now();
    let budget = options.max_requests.map(RequestBudget::new);
    let spent_micro_usd = AtomicU64::new(0);
    let mut reports = Vec::with_capacity(jobs.len());
    let mut running = futures_util::stream::iter(jobs)
        .map(|job| run_job(client, job, options, budget.as_ref(), &spent_micro_usd))
        .buffer_unordered(options.concurrency.max(1));
    while let Some(report) = running.next().await {
        on_done(&report);
        reports.push(report);
    }
    drop(running);
    reports.sort_by_key(|r| r.id);
    BatchReport {
        jobs: reports,
        wall: started.elapsed(),
        concurrency: options.concurrency.max(1),
        max_requests: options.max_requests,
        max_cost_usd: options.max_cost_usd,
    }
}

async fn run_job<Z>(
    client: &ChatClient,
    job: &Job,
    options: &BatchOptions<Z>,
    budget: Option<&RequestBudget>,
    spent_micro_usd: &AtomicU64,
) -> JobReport
where
    Z: AsyncSleeper + Clone,
{
    let mut report = JobReport {
        id: job.id,
        model: job.model.clone(),
        attempts: Vec::new(),
        outcome: Outcome::Skipped,
        latency: Duration::ZERO,
    };
    let over_cost = options
        .max_cost_usd
        .is_some_and(|max| spent_micro_usd.load(Ordering::Acquire) as f64 / 1e6 >= max);
    if over_cost || budget.is_some_and(|b| !b.try_acquire()) {
        return report;
    }
    let request = job.request();
    let mut policy = options
        .policies
        .for_model(&job.model)
        .sleeper(options.sleeper.clone());
    if let Some(seed) = options.seed {
        policy = policy.seed(seed ^ (job.id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    }
    let mut engine = Engine::new(&policy).display_errors();
    if let Some(budget) = budget {
        engine = engine.with_budget(budget);
    }
    let started = Instant::now();
    let outcome = loop {
        engine.before_attempt();
        let raw = engine.guard_attempt(client.complete(&request)).await;
        let outcome = engine.finish_attempt(raw);
        report.attempts.push(Attempt::of(&outcome));
        match engine.on_outcome(outcome) {
            Step::Retry(delay) => engine.sleep(delay).await,
            Step::Done(outcome) => break outcome,
        }
    };
    report.latency = started.elapsed();
    report.outcome = match outcome {
        Ok(response) => {
            let cost_usd = cost_usd(&job.model, &response.usage);
            spent_micro_usd.fetch_add((cost_usd * 1e6).round() as u64, Ordering::AcqRel);
            Outcome::Succeeded {
                usage: response.usage,
                cost_usd,
            }
        }
        Err(error) => match engine.stats().stop_reason() {
            Some(reason) if reason.is_exhausted() => Outcome::Exhausted {
                reason,
                error: error.to_string(),
            },
            _ => Outcome::FailedPermanently {
                error: error.to_string(),
            },
        },
    };
    report
}

/// The account of a batch.
#[derive(Clone, Debug)]
pub struct BatchReport {
    /// Every job, by id.
    pub jobs: Vec<JobReport>,
    /// Wall-clock time of the whole batch.
    pub wall: Duration,
    /// The concurrency it ran with.
    pub concurrency: usize,
    /// The request budget, if any.
    pub max_requests: Option<u64>,
    /// The cost budget, if any.
    pub max_cost_usd: Option<f64>,
}

impl BatchReport {
    fn count(&self, f: impl Fn(&Outcome) -> bool) -> usize {
        self.jobs.iter().filter(|j| f(&j.outcome)).count()
    }

    /// Prompts answered.
    pub fn succeeded(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Succeeded { .. }))
    }

    /// Prompts that failed with an error retrying cannot fix.
    pub fn failed_permanently(&self) -> usize {
        self.count(|o| matches!(o, Outcome::FailedPermanently { .. }))
    }

    /// Prompts whose retries ran out (attempts, deadline), the request budget excluded.
    pub fn exhausted(&self) -> usize {
        self.count(
            |o| matches!(o, Outcome::Exhausted { reason, .. } if *reason != StopReason::Budget),
        )
    }

    /// Prompts stopped because the request budget refused a retry.
    pub fn stopped_by_budget(&self) -> usize {
        self.count(|o| {
            matches!(
                o,
                Outcome::Exhausted {
                    reason: StopReason::Budget,
                    ..
                }
            )
        })
    }

    /// Prompts never started because a budget was spent.
    pub fn skipped(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Skipped))
    }

    /// Attempts (HTTP requests) made.
    pub fn attempts(&self) -> u64 {
        self.jobs.iter().map(|j| j.attempts.len() as u64).sum()
    }

    /// Attempts by what they ended with.
    pub fn attempts_by_kind(&self) -> BTreeMap<Attempt, u64> {
        let mut counts = BTreeMap::new();
        for attempt in self.jobs.iter().flat_map(|j| &j.attempts) {
            *counts.entry(*attempt).or_insert(0) += 1;
        }
        counts
    }

    /// Retries by the class of the failure that caused them (every attempt but a job's last).
    pub fn retries_by_class(&self) -> BTreeMap<&'static str, u64> {
        let mut counts = BTreeMap::new();
        for job in &self.jobs {
            let retried = job.attempts.len().saturating_sub(1);
            for attempt in &job.attempts[..retried] {
                *counts.entry(attempt.class()).or_insert(0) += 1;
            }
        }
        counts
    }

    /// How many prompts took 1, 2, 3, ... attempts (skipped prompts excluded).
    pub fn attempts_histogram(&self) -> BTreeMap<usize, u64> {
        let mut histogram = BTreeMap::new();
        for job in self.jobs.iter().filter(|j| !j.attempts.is_empty()) {
            *histogram.entry(job.attempts.len()).or_insert(0) += 1;
        }
        histogram
    }

    /// The `p`-th percentile (nearest rank, `p` in `0..=100`) of the prompts' latencies.
    pub fn latency_percentile(&self, p: f64) -> Duration {
        let mut latencies: Vec<Duration> = self
            .jobs
            .iter()
            .filter(|j| !j.attempts.is_empty())
            .map(|j| j.latency)
            .collect();
        if latencies.is_empty() {
            return Duration::ZERO;
        }
        latencies.sort_unstable();
        let rank = ((p.clamp(0.0, 100.0) / 100.0) * latencies.len() as f64).ceil() as usize;
        latencies[rank.clamp(1, latencies.len()) - 1]
    }

    /// The cost of the answers, USD.
    pub fn cost_usd(&self) -> f64 {
        self.jobs
            .iter()
            .map(|j| match j.outcome {
                Outcome::Succeeded { cost_usd, .. } => cost_usd,
                _ => 0.0,
            })
            .sum()
    }
}

impl fmt::Display for BatchReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let line =
            |f: &mut fmt::Formatter<'_>, label: &str, n: usize| writeln!(f, "  {label:<22}{n:>6}");
        writeln!(
            f,
            "{} prompts, concurrency {}, {} requests in {:.2?}",
            self.jobs.len(),
            self.concurrency,
            self.attempts(),
            self.wall
        )?;
        line(f, "succeeded", self.succeeded())?;
        line(f, "failed permanently", self.failed_permanently())?;
        line(f, "exhausted", self.exhausted())?;
        if self.max_requests.is_some() || self.max_cost_usd.is_some() {
            line(f, "stopped by budget", self.stopped_by_budget())?;
            line(f, "skipped (budget)", self.skipped())?;
        }
        let join = |items: Vec<String>| {
            if items.is_empty() {
                "none".to_string()
            } else {
                items.join(", ")
            }
        };
        let retries: Vec<String> = self
            .retries_by_class()
            .iter()
            .map(|(class, n)| format!("{class}: {n}"))
            .collect();
        writeln!(f, "retries by class: {}", join(retries))?;
        let responses: Vec<String> = self
            .attempts_by_kind()
            .iter()
            .map(|(attempt, n)| match attempt {
                Attempt::Status(s) => format!("{s}: {n}"),
                Attempt::Timeout => format!("timeout: {n}"),
                Attempt::Connection => format!("connection: {n}"),
                Attempt::Other => format!("other: {n}"),
            })
            .collect();
        writeln!(f, "attempts by result: {}", join(responses))?;
        writeln!(f, "attempts per prompt:")?;
        let histogram = self.attempts_histogram();
        let widest = histogram.values().copied().max().unwrap_or(1).max(1);
        for (attempts, n) in &histogram {
            let bar = "#".repeat(((n * 40).div_ceil(widest)) as usize);
            writeln!(f, "  {attempts:>2} {n:>6}  {bar}")?;
        }
        writeln!(
            f,
            "latency: total {:.2?}, p50 {:.2?}, p99 {:.2?}",
            self.wall,
            self.latency_percentile(50.0),
            self.latency_percentile(99.0)
        )?;
        write!(f, "cost: ${:.4}", self.cost_usd())?;
        if let Some(max) = self.max_cost_usd {
            write!(f, " (budget ${max:.4})")?;
        }
        if let Some(max) = self.max_requests {
            write!(f, "; requests: {} (budget {max})", self.attempts())?;
        }
        Ok(())
    }
}

/// The client's attempts, by kind, set against what the server counted.
///
/// Every request the server counted was an attempt of the client's and the other way round, and
/// each kind matches: a status the client saw was sent by the server, a dropped connection is a
/// connection error, a slow answer is a timeout. One kind of attempt is counted differently on
/// the two sides: an answer that left the server at once but reached the client after its
/// per-attempt timeout (a loaded machine) is a status on the server and a timeout here. Those
/// are the *late answers*; a mismatch is anything else.
///
/// ```
/// use std::collections::BTreeMap;
/// use retry_examples::batch::{Attempt, Reconciliation};
/// use retry_examples::mock_server::ServerCounts;
///
/// let client = BTreeMap::from([(Attempt::Status(200), 2), (Attempt::Timeout, 2)]);
/// let server = ServerCounts {
///     requests: 4,
///     statuses: BTreeMap::from([(200, 3)]),
///     slow: 1,
///     ..ServerCounts::default()
/// };
/// let reconciled = Reconciliation::new(&client, &server);
/// assert!(reconciled.agrees(), "{:?}", reconciled.mismatches);
/// assert_eq!(reconciled.late_answers, 1);
/// ```
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Reconciliation {
    /// Answers the server sent at once that reached the client after its timeout.
    pub late_answers: u64,
    /// What does not add up, one line each.
    pub mismatches: Vec<String>,
}

impl Reconciliation {
    /// Compares `client` (for example [`BatchReport::attempts_by_kind`]) with `server`.
    pub fn new(client: &BTreeMap<Attempt, u64>, server: &ServerCounts) -> Self {
        let kind = |k: Attempt| client.get(&k).copied().unwrap_or(0);
        let mut reconciled = Reconciliation::default();
        let mut mismatch = |line: String| reconciled.mismatches.push(line);
        let attempts: u64 = client.values().sum();
        if attempts != server.requests {
            mismatch(format!(
                "the client made {attempts} attempts, the server counted {} requests",
                server.requests
            ));
        }
        let mut late_answers = 0;
        for attempt in client.keys() {
            if let Attempt::Status(status) = *attempt
                && !server.statuses.contains_key(&status)
            {
                mismatch(format!("status {status}: seen by the client, never sent"));
            }
        }
        for (&status, &sent) in &server.statuses {
            let seen = kind(Attempt::Status(status));
            match sent.checked_sub(seen) {
                Some(late) => late_answers += late,
                None => mismatch(format!(
                    "status {status}: the client saw {seen}, the server sent {sent}"
                )),
            }
        }
        if kind(Attempt::Connection) != server.dropped {
            mismatch(format!(
                "{} connection errors, {} dropped connections",
                kind(Attempt::Connection),
                server.dropped
            ));
        }
        if kind(Attempt::Timeout) != server.slow + late_answers {
            mismatch(format!(
                "{} timeouts, {} slow answers and {late_answers} late ones",
                kind(Attempt::Timeout),
                server.slow
            ));
        }
        if kind(Attempt::Other) != 0 {
            mismatch(format!("{} unclassified attempts", kind(Attempt::Other)));
        }
        reconciled.late_answers = late_answers;
        reconciled
    }

    /// `true` when nothing is amiss.
    ///
    /// ```
    /// use retry_examples::batch::Reconciliation;
    /// assert!(Reconciliation::default().agrees());
    /// ```
    pub fn agrees(&self) -> bool {
        self.mismatches.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_policies_parse() {
        let table: PolicyTable = toml::from_str(DEFAULT_POLICIES).unwrap();
        assert_eq!(
            table.names().collect::<Vec<_>>(),
            ["deepseek-v3.2", "gpt-4.1"]
        );
        assert_eq!(table.get("gpt-4.1").attempts(), 4);
        assert_eq!(table.fallback().attempts(), 3);
    }

    fn job(id: usize, attempts: &[Attempt], outcome: Outcome, latency_ms: u64) -> JobReport {
        JobReport {
            id,
            model: "m".into(),
            attempts: attempts.to_vec(),
            outcome,
            latency: Duration::from_millis(latency_ms),
        }
    }

    #[test]
    fn report_numbers() {
        use Attempt::*;
        let ok = || Outcome::Succeeded {
            usage: Usage::default(),
            cost_usd: 0.5,
        };
        let report = BatchReport {
            jobs: vec![
                job(0, &[Status(200)], ok(), 10),
                job(1, &[Status(429), Timeout, Status(200)], ok(), 30),
                job(
                    2,
                    &[Status(400)],
                    Outcome::FailedPermanently {
                        error: "400".into(),
                    },
                    20,
                ),
                job(
                    3,
                    &[Status(503), Connection],
                    Outcome::Exhausted {
                        reason: StopReason::Attempts,
                        error: "x".into(),
                    },
                    40,
                ),
                job(4, &[], Outcome::Skipped, 0),
            ],
            wall: Duration::from_millis(50),
            concurrency: 2,
            max_requests: Some(7),
            max_cost_usd: None,
        };
        assert_eq!(
            (
                report.succeeded(),
                report.failed_permanently(),
                report.exhausted(),
                report.skipped()
            ),
            (2, 1, 1, 1)
        );
        assert_eq!(report.attempts(), 7);
        assert_eq!(
            report.retries_by_class(),
            BTreeMap::from([("429", 1), ("5xx", 1), ("timeout", 1)])
        );
        assert_eq!(
            report.attempts_histogram(),
            BTreeMap::from([(1, 2), (2, 1), (3, 1)])
        );
        assert_eq!(report.latency_percentile(50.0), Duration::from_millis(20));
        assert_eq!(report.latency_percentile(99.0), Duration::from_millis(40));
        assert_eq!(report.latency_percentile(0.0), Duration::from_millis(10));
        assert_eq!(report.cost_usd(), 1.0);
        let text = report.to_string();
        assert!(
            text.starts_with("5 prompts, concurrency 2, 7 requests in 50.00ms\n"),
            "{text}"
        );
        assert!(
            text.contains("retries by class: 429: 1, 5xx: 1, timeout: 1\n"),
            "{text}"
        );
        assert!(
            text.contains(
                "attempts by result: 200: 2, 400: 1, 429: 1, 503: 1, timeout: 1, connection: 1\n"
            ),
            "{text}"
        );
        assert!(
            text.contains("   1      2  ########################################\n"),
            "{text}"
        );
        assert!(
            text.ends_with("cost: $1.0000; requests: 7 (budget 7)"),
            "{text}"
        );
    }
}
