//! Callbacks: metrics on every attempt, an alert after the third failed attempt, and cleanup when
//! the retries run out.
//!
//! ```sh
//! cargo run --example callbacks
//! ```

use retry_core::http::HttpError;
use retry_core::{RetryError, RetryState, retry};
use retry_examples::chat::{ChatClient, ChatRequest, ChatResponse};
use retry_examples::mock_server::{MockConfig, MockServer, Reply};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

type State = RetryState<ChatResponse, HttpError>;

/// What the hooks record.
#[derive(Debug, Default)]
struct Metrics {
    attempts: AtomicU64,
    failures: AtomicU64,
    slept_ms: AtomicU64,
    alerts: Mutex<Vec<String>>,
}

impl Metrics {
    /// `before`: counts attempts.
    fn on_attempt(&self, _: &State) {
        self.attempts.fetch_add(1, Ordering::Relaxed);
    }

    /// `after`: counts failures and raises an alert from the third failed attempt on.
    fn on_failure(&self, state: &State) {
        self.failures.fetch_add(1, Ordering::Relaxed);
        if state.attempt() >= 3 {
            let error = state.error().map(ToString::to_string).unwrap_or_default();
            let alert = format!("ALERT: attempt {} failed: {error}", state.attempt());
            println!("  {alert}");
            self.alerts.lock().unwrap().push(alert);
        }
    }

    /// `before_sleep`: adds up the time spent waiting.
    fn on_sleep(&self, state: &State) {
        let ms = state.next_sleep().unwrap_or_default().as_millis() as u64;
        self.slept_ms.fetch_add(ms, Ordering::Relaxed);
    }
}

/// Four attempts 50 ms apart, transient failures only; every hook reports to `metrics`, and a
/// final error carries the attempts, elapsed time and reason.
#[retry(
    stop = attempts(4),
    wait = fixed(50ms),
    retry = transient,
    before = |s| metrics.on_attempt(s),
    after = |s| metrics.on_failure(s),
    before_sleep = |s| metrics.on_sleep(s),
)]
async fn ask(
    client: &ChatClient,
    request: &ChatRequest,
    metrics: &Metrics,
) -> Result<ChatResponse, RetryError<HttpError>> {
    client.complete(request).await
}

/// What to undo when a prompt is given up on: here, a reservation made before asking.
fn release_reservation(prompt: &str, error: &RetryError<HttpError>) {
    println!(
        "  cleanup: released the reservation for {prompt:?} ({} attempts, {})",
        error.attempts(),
        error.reason()
    );
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = MockServer::start(MockConfig::default()).await?;
    let client = ChatClient::new(&server.base_url(), None)?;
    let metrics = Metrics::default();

    println!("a call that recovers on its fourth attempt:");
    server.script([
        Reply::status(500),
        Reply::status(502),
        Reply::status(503),
        Reply::Ok,
    ]);
    let request = ChatRequest::new("gpt-4.1", "Summarise the incident report.");
    match ask(&client, &request, &metrics).await {
        Ok(reply) => println!("  ok: {}", reply.text()),
        Err(error) => release_reservation("incident report", &error),
    }

    println!("a call that runs out of attempts:");
    server.script(vec![Reply::status(503); 4]);
    let request = ChatRequest::new("gpt-4.1", "Translate the release notes.");
    match ask(&client, &request, &metrics).await {
        Ok(reply) => println!("  ok: {}", reply.text()),
        Err(error) if error.reason().is_exhausted() => release_reservation("release notes", &error),
        Err(error) => println!("  failed at once: {error}"),
    }

    println!(
        "metrics: {} attempts, {} failures, {} ms asleep, {} alerts; the server saw {} requests",
        metrics.attempts.load(Ordering::Relaxed),
        metrics.failures.load(Ordering::Relaxed),
        metrics.slept_ms.load(Ordering::Relaxed),
        metrics.alerts.lock().unwrap().len(),
        server.counts().requests,
    );
    Ok(())
}
