//! An OpenAI-compatible mock server on `127.0.0.1` with fault injection, for the examples, the
//! `llm_batch` job and the integration tests.
//!
//! `POST /v1/chat/completions` answers like the real API: `401` without the right bearer key (when
//! one is configured), `400` for a malformed request, otherwise a completion, unless a fault is
//! injected:
//!
//! - scripted replies, consumed in order ([`MockServer::script`]): exact sequences for tests,
//!   such as "503, 503, 200";
//! - random faults at configured rates ([`Faults`]): 429 with `Retry-After` in seconds or as an
//!   HTTP-date, 500, 502, 503, slow answers that trip a client's timeout, dropped connections,
//!   and adversarial `Retry-After` values ([`ADVERSARIAL_RETRY_AFTER`]);
//! - a maintenance window ([`MockServer::start_maintenance`]) during which every request, and
//!   `GET /health`, gets 503.
//!
//! Random faults are deterministic: the draw for a request depends only on the seed, the request
//! body and how many times that body was seen before, so a batch meets the same faults on every
//! run whatever the order its requests arrive in.
//!
//! The server counts everything it does ([`MockServer::counts`], [`MockServer::log`]), so tests
//! can compare what the client saw with what the server sent.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! use retry_examples::chat::{ChatClient, ChatRequest};
//! use retry_examples::mock_server::{MockConfig, MockServer, Reply};
//!
//! let server = MockServer::start(MockConfig::default()).await.unwrap();
//! server.script([Reply::status(503), Reply::Ok]);
//! let client = ChatClient::new(&server.base_url(), None).unwrap();
//! let request = ChatRequest::new("gpt-4.1", "Say hi");
//! assert_eq!(client.complete(&request).await.unwrap_err().status().unwrap().as_u16(), 503);
//! assert!(client.complete(&request).await.is_ok());
//! assert_eq!(server.counts().requests, 2);
//! assert_eq!(server.counts().status(503), 1);
//! # }
//! ```

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use serde_json::json;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::task::{JoinHandle, JoinSet};

use crate::chat::{ChatRequest, Usage};

/// `Retry-After` values a careless or hostile server may send: zero, negative, garbage, a
/// fraction, a billion seconds, a date in the far future, an empty value, and a date in the past.
pub const ADVERSARIAL_RETRY_AFTER: [&str; 8] = [
    "0",
    "-5",
    "soon",
    "1.5",
    "1000000000",
    "Fri, 31 Dec 9999 23:59:59 GMT",
    "",
    "Thu, 01 Jan 1970 00:00:00 GMT",
];

/// How a reply asks the client to wait.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RetryAfterValue {
    /// `Retry-After: <seconds>`.
    Seconds(u64),
    /// `Retry-After: <HTTP-date>`, this long from now, rounded up to the next whole second.
    DateIn(Duration),
    /// `retry-after-ms: <milliseconds>` (OpenAI's header).
    Millis(u64),
    /// `Retry-After: <anything>`, sent as it is (for adversarial values).
    Raw(String),
}

impl RetryAfterValue {
    fn apply(&self, headers: &mut HeaderMap) {
        let (name, value) = match self {
            RetryAfterValue::Seconds(secs) => (header::RETRY_AFTER, secs.to_string()),
            RetryAfterValue::DateIn(delay) => {
                let at = SystemTime::now() + *delay;
                let secs = at
                    .duration_since(UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs() + u64::from(d.subsec_nanos() > 0));
                let at = UNIX_EPOCH + Duration::from_secs(secs);
                (header::RETRY_AFTER, httpdate::fmt_http_date(at))
            }
            RetryAfterValue::Millis(ms) => (
                header::HeaderName::from_static("retry-after-ms"),
                ms.to_string(),
            ),
            RetryAfterValue::Raw(text) => (header::RETRY_AFTER, text.clone()),
        };
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
}

/// What the server does with one (valid, authorized) request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// 200 with a completion.
    Ok,
    /// This status, with an OpenAI-style error body and an optional hint.
    Status {
        /// The status code.
        status: u16,
        /// The hint, if any.
        retry_after: Option<RetryAfterValue>,
    },
    /// 200 with a completion, after this delay (a client with a shorter timeout gives up first).
    Slow(Duration),
    /// Reset the connection (TCP RST) without answering, as a crashed server or a load
    /// balancer that gave up does.
    Drop,
}

impl Reply {
    /// `status` without a hint.
    ///
    /// ```
    /// use retry_examples::mock_server::Reply;
    /// assert_eq!(Reply::status(502), Reply::Status { status: 502, retry_after: None });
    /// ```
    pub fn status(status: u16) -> Reply {
        Reply::Status {
            status,
            retry_after: None,
        }
    }

    /// 429 with a hint.
    ///
    /// ```
    /// use retry_examples::mock_server::{Reply, RetryAfterValue};
    /// let r = Reply::rate_limited(RetryAfterValue::Seconds(2));
    /// assert!(matches!(r, Reply::Status { status: 429, .. }));
    /// ```
    pub fn rate_limited(hint: RetryAfterValue) -> Reply {
        Reply::Status {
            status: 429,
            retry_after: Some(hint),
        }
    }

    /// 503 with an optional hint.
    ///
    /// ```
    /// use retry_examples::mock_server::Reply;
    /// assert_eq!(Reply::unavailable(None), Reply::status(503));
    /// ```
    pub fn unavailable(hint: Option<RetryAfterValue>) -> Reply {
        Reply::Status {
            status: 503,
            retry_after: hint,
        }
    }
}

/// Rates (probabilities per request, summing to at most 1) of the random faults.
#[derive(Clone, Debug, PartialEq)]
pub struct Faults {
    /// 429 with `Retry-After: <seconds>`.
    pub rate_limited: f64,
    /// 429 with `Retry-After: <HTTP-date>`.
    pub rate_limited_date: f64,
    /// 500.
    pub internal_error: f64,
    /// 502.
    pub bad_gateway: f64,
    /// 503 with `Retry-After: <seconds>`.
    pub unavailable: f64,
    /// A completion after [`MockConfig::slow_delay`].
    pub slow: f64,
    /// A dropped connection (reset, no answer).
    pub drop_connection: f64,
    /// 429 with one of [`ADVERSARIAL_RETRY_AFTER`].
    pub adversarial_retry_after: f64,
    /// The delay the 429 and 503 hints ask for.
    pub retry_after: Duration,
}

impl Faults {
    /// No faults.
    pub const NONE: Faults = Faults {
        rate_limited: 0.0,
        rate_limited_date: 0.0,
        internal_error: 0.0,
        bad_gateway: 0.0,
        unavailable: 0.0,
        slow: 0.0,
        drop_connection: 0.0,
        adversarial_retry_after: 0.0,
        retry_after: Duration::from_secs(1),
    };

    /// Faults on `total` of the requests (clamped to `0..=1`), spread like a bad day at an LLM
    /// provider: a third 429s (a quarter of those with a date), 500/502/503 a sixth each, slow
    /// answers and dropped connections a tenth each; hints ask for 1 s.
    ///
    /// ```
    /// let faults = retry_examples::mock_server::Faults::mix(0.3);
    /// assert!((faults.total() - 0.3).abs() < 1e-9);
    /// ```
    pub fn mix(total: f64) -> Faults {
        let total = if total.is_nan() {
            0.0
        } else {
            total.clamp(0.0, 1.0)
        };
        Faults {
            rate_limited: total * 0.25,
            rate_limited_date: total * 0.10,
            internal_error: total * 0.15,
            bad_gateway: total * 0.15,
            unavailable: total * 0.15,
            slow: total * 0.10,
            drop_connection: total * 0.10,
            adversarial_retry_after: 0.0,
            retry_after: Duration::from_secs(1),
        }
    }

    /// The sum of the rates.
    ///
    /// ```
    /// assert_eq!(retry_examples::mock_server::Faults::NONE.total(), 0.0);
    /// ```
    pub fn total(&self) -> f64 {
        self.rate_limited
            + self.rate_limited_date
            + self.internal_error
            + self.bad_gateway
            + self.unavailable
            + self.slow
            + self.drop_connection
            + self.adversarial_retry_after
    }

    /// The reply for a draw `u` in `[0, 1)`; `pick` selects an adversarial value.
    fn reply(&self, u: f64, pick: u64, slow_delay: Duration) -> Reply {
        let hint_secs = self.retry_after.as_secs();
        let choices = [
            (
                self.rate_limited,
                Reply::rate_limited(RetryAfterValue::Seconds(hint_secs)),
            ),
            (
                self.rate_limited_date,
                Reply::rate_limited(RetryAfterValue::DateIn(self.retry_after)),
            ),
            (self.internal_error, Reply::status(500)),
            (self.bad_gateway, Reply::status(502)),
            (
                self.unavailable,
                Reply::unavailable(Some(RetryAfterValue::Seconds(hint_secs))),
            ),
            (self.slow, Reply::Slow(slow_delay)),
            (self.drop_connection, Reply::Drop),
        ];
        let mut edge = 0.0;
        for (rate, reply) in choices {
            edge += rate;
            if u < edge {
                return reply;
            }
        }
        edge += self.adversarial_retry_after;
        if u < edge {
            let index = (pick % ADVERSARIAL_RETRY_AFTER.len() as u64) as usize;
            let value = ADVERSARIAL_RETRY_AFTER[index].to_string();
            return Reply::rate_limited(RetryAfterValue::Raw(value));
        }
        Reply::Ok
    }
}

impl Default for Faults {
    fn default() -> Self {
        Faults::NONE
    }
}

/// The server's settings.
#[derive(Clone, Debug, PartialEq)]
pub struct MockConfig {
    /// Seeds the fault draws.
    pub seed: u64,
    /// Random faults.
    pub faults: Faults,
    /// When set, requests must carry `Authorization: Bearer <key>`, or get 401.
    pub api_key: Option<String>,
    /// Added to every completion (to look like work).
    pub latency: Duration,
    /// How long a slow reply takes.
    pub slow_delay: Duration,
}

impl Default for MockConfig {
    /// No faults, no key, no latency, slow replies of 30 s.
    fn default() -> Self {
        MockConfig {
            seed: 0,
            faults: Faults::NONE,
            api_key: None,
            latency: Duration::ZERO,
            slow_delay: Duration::from_secs(30),
        }
    }
}

/// What the server did with one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Outcome {
    /// Answered at once with this status.
    Status(u16),
    /// Started a slow completion.
    Slow,
    /// Dropped the connection.
    Dropped,
}

/// One request to `/v1/chat/completions`, as the server saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestRecord {
    /// 0-based arrival order.
    pub index: u64,
    /// Time since the server started.
    pub at: Duration,
    /// The request's model, if the body parsed.
    pub model: Option<String>,
    /// The last message's text, if the body parsed.
    pub prompt: Option<String>,
    /// What the server did.
    pub outcome: Outcome,
}

/// Counters of everything the server did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerCounts {
    /// Requests to `/v1/chat/completions`.
    pub requests: u64,
    /// Requests answered at once, by status (200 included).
    pub statuses: BTreeMap<u16, u64>,
    /// Slow completions started.
    pub slow: u64,
    /// Connections dropped.
    pub dropped: u64,
    /// Requests to `/health`.
    pub health_checks: u64,
}

impl ServerCounts {
    /// Requests answered at once with `status`.
    ///
    /// ```
    /// assert_eq!(retry_examples::mock_server::ServerCounts::default().status(200), 0);
    /// ```
    pub fn status(&self, status: u16) -> u64 {
        self.statuses.get(&status).copied().unwrap_or(0)
    }
}

#[derive(Debug)]
struct Inner {
    config: MockConfig,
    script: VecDeque<Reply>,
    seen: HashMap<u64, u64>,
    counts: ServerCounts,
    log: Vec<RequestRecord>,
    maintenance_until: Option<Instant>,
}

#[derive(Debug)]
struct Shared {
    started: Instant,
    inner: Mutex<Inner>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Closes the connection a request came on.
#[derive(Clone, Debug)]
struct Kill(Arc<Notify>);

/// A running mock server. Dropping it stops the server and closes its connections.
#[derive(Debug)]
pub struct MockServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: JoinHandle<()>,
}

impl MockServer {
    /// Binds `127.0.0.1:0` and serves on the current tokio runtime.
    pub async fn start(config: MockConfig) -> io::Result<MockServer> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            started: Instant::now(),
            inner: Mutex::new(Inner {
                config,
                script: VecDeque::new(),
                seen: HashMap::new(),
                counts: ServerCounts::default(),
                log: Vec::new(),
                maintenance_until: None,
            }),
        });
        let router = Router::new()
            .route("/v1/chat/completions", post(chat_completions))
            .route("/health", get(health))
            .with_state(shared.clone());
        let accept = tokio::spawn(serve(listener, router));
        Ok(MockServer {
            addr,
            shared,
            accept,
        })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The API base URL, `http://127.0.0.1:<port>/v1`.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// The URL of `path` (which starts with `/`) on this server.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Queues replies for the next valid, authorized requests, in order, ahead of random faults.
    pub fn script(&self, replies: impl IntoIterator<Item = Reply>) {
        self.shared.lock().script.extend(replies);
    }

    /// Replies still queued.
    pub fn scripted_left(&self) -> usize {
        self.shared.lock().script.len()
    }

    /// Replaces the random faults.
    pub fn set_faults(&self, faults: Faults) {
        self.shared.lock().config.faults = faults;
    }

    /// Sets or clears the key requests must carry.
    pub fn set_api_key(&self, key: Option<String>) {
        self.shared.lock().config.api_key = key;
    }

    /// Answers every request, and `/health`, with 503 and a `Retry-After` for the next `window`.
    pub fn start_maintenance(&self, window: Duration) {
        self.shared.lock().maintenance_until = Some(Instant::now() + window);
    }

    /// The counters so far.
    pub fn counts(&self) -> ServerCounts {
        self.shared.lock().counts.clone()
    }

    /// Every request so far, in arrival order.
    pub fn log(&self) -> Vec<RequestRecord> {
        self.shared.lock().log.clone()
    }

    /// The counters once the server has seen at least `requests` requests, or once `limit` has
    /// passed (real time). The server counts a request when its handler runs, so an attempt the
    /// client has already given up on (a timeout, a dropped connection) may still be on its way
    /// when the client's call returns.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use retry_examples::mock_server::{MockConfig, MockServer};
    /// let server = MockServer::start(MockConfig::default()).await.unwrap();
    /// let counts = server.counts_after(0, std::time::Duration::from_secs(1)).await;
    /// assert_eq!(counts.requests, 0);
    /// # }
    /// ```
    pub async fn counts_after(&self, requests: u64, limit: Duration) -> ServerCounts {
        let started = Instant::now();
        loop {
            let counts = self.counts();
            if counts.requests >= requests || started.elapsed() >= limit {
                return counts;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Requests whose last message was `prompt`.
    pub fn requests_for(&self, prompt: &str) -> u64 {
        let inner = self.shared.lock();
        inner
            .log
            .iter()
            .filter(|r| r.prompt.as_deref() == Some(prompt))
            .count() as u64
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        // Dropping the accept task drops its JoinSet, which aborts every connection.
        self.accept.abort();
    }
}

async fn serve(listener: TcpListener, router: Router) {
    let mut connections = JoinSet::new();
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of file descriptors, or a connection reset while queued: try again soon.
                tokio::time::sleep(Duration::from_millis(5)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        // A second handle on the socket, kept beside the connection: a dropped connection sets
        // a zero linger through it before closing, so the client sees a reset, not an orderly
        // close. (Only then: a zero linger on every close would discard answers still unsent.)
        let Ok((stream, reset)) = split_for_reset(stream) else {
            continue;
        };
        let kill = Kill(Arc::new(Notify::new()));
        let service = TowerToHyperService::new(router.clone().layer(Extension(kill.clone())));
        connections.spawn(async move {
            let connection = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                _ = connection => {}
                _ = kill.0.notified() => {
                    let _ = reset.set_zero_linger();
                }
            }
        });
        while connections.try_join_next().is_some() {}
    }
}

/// The stream, and a second handle on the same socket.
fn split_for_reset(stream: tokio::net::TcpStream) -> io::Result<(TcpStream, TcpStream)> {
    let stream = stream.into_std()?;
    let second = stream.try_clone()?;
    Ok((TcpStream::from_std(stream)?, TcpStream::from_std(second)?))
}

/// A deterministic draw in `[0, 1)` and a second number, from the seed, the body and how often
/// the body was seen.
fn draw(seed: u64, body: &[u8], occurrence: u64) -> (f64, u64) {
    let mut hasher = DefaultHasher::new();
    (seed, body, occurrence).hash(&mut hasher);
    let first = hasher.finish();
    first.hash(&mut hasher);
    let second = hasher.finish();
    ((first >> 11) as f64 / (1u64 << 53) as f64, second)
}

fn error_body(status: StatusCode, message: &str, kind: &str, code: Option<&str>) -> Response {
    let body = json!({"error": {"message": message, "type": kind, "param": null, "code": code}});
    (status, Json(body)).into_response()
}

/// The request, if it parses, and whether it is valid.
fn validate(body: &[u8]) -> (Option<ChatRequest>, Result<(), String>) {
    let request: ChatRequest = match serde_json::from_slice(body) {
        Ok(request) => request,
        Err(e) => {
            let message = format!("We could not parse the JSON body of your request: {e}");
            return (None, Err(message));
        }
    };
    let verdict = check(&request);
    (Some(request), verdict)
}

fn check(request: &ChatRequest) -> Result<(), String> {
    if request.model.trim().is_empty() {
        return Err("You must provide a model parameter.".to_string());
    }
    if request.messages.is_empty() {
        return Err("'messages' must contain at least one message.".to_string());
    }
    for message in &request.messages {
        if !["system", "developer", "user", "assistant", "tool"].contains(&message.role.as_str()) {
            return Err(format!("Invalid value for 'role': '{}'.", message.role));
        }
    }
    if let Some(max) = request.max_tokens
        && max < 1
    {
        return Err(format!(
            "Invalid 'max_tokens': integer below minimum value. Expected a value >= 1, but got {max} instead."
        ));
    }
    Ok(())
}

fn completion(request: &ChatRequest, index: u64) -> Response {
    let prompt = request.messages.last().map_or("", |m| m.content.as_str());
    let words: Vec<&str> = prompt.split_whitespace().collect();
    let prompt_tokens: u64 = request
        .messages
        .iter()
        .map(|m| m.content.split_whitespace().count() as u64 * 4 / 3 + 1)
        .sum();
    let shown: Vec<&str> = words.iter().take(6).copied().collect();
    let ellipsis = if words.len() > 6 { " ..." } else { "" };
    let content = format!("Here is an answer to \"{}{ellipsis}\".", shown.join(" "));
    let wanted = u64::try_from(request.max_tokens.unwrap_or(256)).unwrap_or(1);
    let completion_tokens = (content.split_whitespace().count() as u64 * 4 / 3 + 1).min(wanted);
    let usage = Usage {
        prompt_tokens,
        completion_tokens,
        total_tokens: prompt_tokens + completion_tokens,
    };
    let created = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let body = json!({
        "id": format!("chatcmpl-mock-{index}"),
        "object": "chat.completion",
        "created": created,
        "model": request.model,
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": content},
            "finish_reason": "stop",
        }],
        "usage": usage,
    });
    (StatusCode::OK, Json(body)).into_response()
}

fn status_reply(status: u16, retry_after: Option<&RetryAfterValue>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let (message, kind, code) = match status.as_u16() {
        429 => (
            "Rate limit reached for requests. Please try again later.",
            "requests",
            Some("rate_limit_exceeded"),
        ),
        500 => (
            "The server had an error while processing your request.",
            "server_error",
            None,
        ),
        502 => ("Bad gateway.", "server_error", None),
        503 => (
            "The engine is currently overloaded, please try again later.",
            "server_error",
            None,
        ),
        504 => ("Gateway timeout.", "server_error", None),
        401 => (
            "Incorrect API key provided.",
            "invalid_request_error",
            Some("invalid_api_key"),
        ),
        _ => ("Scripted failure.", "invalid_request_error", None),
    };
    let mut response = error_body(status, message, kind, code);
    if let Some(hint) = retry_after {
        hint.apply(response.headers_mut());
    }
    response
}

fn ceil_secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

async fn chat_completions(
    State(shared): State<Arc<Shared>>,
    Extension(kill): Extension<Kill>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (parsed, verdict) = validate(&body);
    let authorized = |expected: &Option<String>| match expected {
        None => true,
        Some(key) => {
            headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                == Some(key.as_str())
        }
    };
    let (index, reply, latency) = {
        let mut inner = shared.lock();
        let index = inner.counts.requests;
        inner.counts.requests += 1;
        let reply = if !authorized(&inner.config.api_key) {
            Err(error_body(
                StatusCode::UNAUTHORIZED,
                "Incorrect API key provided.",
                "invalid_request_error",
                Some("invalid_api_key"),
            ))
        } else {
            match &verdict {
                Err(message) => Err(error_body(
                    StatusCode::BAD_REQUEST,
                    message,
                    "invalid_request_error",
                    None,
                )),
                Ok(_) => {
                    let remaining = inner
                        .maintenance_until
                        .map(|until| until.saturating_duration_since(Instant::now()))
                        .filter(|left| !left.is_zero());
                    if let Some(left) = remaining {
                        Ok(Reply::unavailable(Some(RetryAfterValue::Seconds(
                            ceil_secs(left),
                        ))))
                    } else if let Some(reply) = inner.script.pop_front() {
                        Ok(reply)
                    } else {
                        let key = {
                            let mut hasher = DefaultHasher::new();
                            body.hash(&mut hasher);
                            hasher.finish()
                        };
                        let seen = inner.seen.entry(key).or_insert(0);
                        let occurrence = *seen;
                        *seen += 1;
                        let (u, pick) = draw(inner.config.seed, &body, occurrence);
                        Ok(inner.config.faults.reply(u, pick, inner.config.slow_delay))
                    }
                }
            }
        };
        let outcome = match &reply {
            Err(response) => Outcome::Status(response.status().as_u16()),
            Ok(Reply::Ok) => Outcome::Status(200),
            Ok(Reply::Status { status, .. }) => Outcome::Status(*status),
            Ok(Reply::Slow(_)) => Outcome::Slow,
            Ok(Reply::Drop) => Outcome::Dropped,
        };
        match outcome {
            Outcome::Status(status) => *inner.counts.statuses.entry(status).or_insert(0) += 1,
            Outcome::Slow => inner.counts.slow += 1,
            Outcome::Dropped => inner.counts.dropped += 1,
        }
        let request = parsed.as_ref();
        inner.log.push(RequestRecord {
            index,
            at: shared.started.elapsed(),
            model: request.map(|r| r.model.clone()),
            prompt: request.and_then(|r| r.messages.last().map(|m| m.content.clone())),
            outcome,
        });
        (index, reply, inner.config.latency)
    };
    match reply {
        Err(response) => response,
        Ok(Reply::Status {
            status,
            retry_after,
        }) => status_reply(status, retry_after.as_ref()),
        Ok(Reply::Drop) => {
            kill.0.notify_one();
            std::future::pending().await
        }
        Ok(Reply::Slow(delay)) => {
            tokio::time::sleep(delay).await;
            match &parsed {
                Some(request) => completion(request, index),
                None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
            }
        }
        Ok(Reply::Ok) => {
            if !latency.is_zero() {
                tokio::time::sleep(latency).await;
            }
            match &parsed {
                Some(request) => completion(request, index),
                None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
            }
        }
    }
}

async fn health(State(shared): State<Arc<Shared>>) -> Response {
    let remaining = {
        let mut inner = shared.lock();
        inner.counts.health_checks += 1;
        inner
            .maintenance_until
            .map(|until| until.saturating_duration_since(Instant::now()))
            .filter(|left| !left.is_zero())
    };
    match remaining {
        None => (StatusCode::OK, Json(json!({"status": "ok"}))).into_response(),
        Some(left) => {
            let mut response = (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"status": "maintenance"})),
            )
                .into_response();
            RetryAfterValue::Seconds(ceil_secs(left)).apply(response.headers_mut());
            response
        }
    }
}
