//! 503 maintenance: the server goes down for a few seconds. The client backs off for long,
//! honours `Retry-After`, and before each new attempt asks `/health` whether the service is back,
//! so it does not spend attempts on a server that said it is down.
//!
//! ```sh
//! cargo run --example maintenance
//! ```

use std::time::{Duration, Instant};

use retry_core::condition::transient;
use retry_core::http::HttpError;
use retry_core::stop::{after_delay, attempts};
use retry_core::wait::{exponential, retry_after};
use retry_core::{Retrying, Step};
use retry_examples::chat::{ChatClient, ChatRequest, ChatResponse, http_client};
use retry_examples::mock_server::{MockConfig, MockServer};

/// `true` when `/health` answers 200.
async fn healthy(http: &reqwest::Client, url: &str) -> bool {
    match http.get(url).send().await {
        Ok(response) => response.status().is_success(),
        Err(_) => false,
    }
}

/// Drives the engine by hand, because the health check between attempts is async. (A plain
/// `#[retry(...)]` fn would retry on the same policy without the health check.)
async fn ask(
    client: &ChatClient,
    request: &ChatRequest,
    health_url: &str,
    started: Instant,
) -> Result<ChatResponse, HttpError> {
    let policy = Retrying::new()
        .stop(attempts(8) | after_delay(30))
        .wait(retry_after(exponential(0.5, 0.5, 8)).cap(2))
        .retry(transient());
    let http = http_client().build().expect("an HTTP client");
    let mut engine = policy.start();
    loop {
        engine.before_attempt();
        let raw = engine.guard_attempt(client.complete(request)).await;
        let outcome = engine.finish_attempt(raw);
        let line = match &outcome {
            Ok(_) => "ok".to_string(),
            Err(e) => e.to_string(),
        };
        println!(
            "  [{:>5.2?}] attempt {}: {line}",
            started.elapsed(),
            engine.stats().attempt()
        );
        match engine.on_outcome(outcome) {
            Step::Retry(delay) => {
                println!("  [{:>5.2?}] backing off for {delay:?}", started.elapsed());
                engine.sleep(delay).await;
                // Wait for the health check to pass before spending another attempt.
                let mut checks = 0;
                while !healthy(&http, health_url).await && checks < 20 {
                    checks += 1;
                    println!(
                        "  [{:>5.2?}] /health: still in maintenance",
                        started.elapsed()
                    );
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
            }
            Step::Done(outcome) => return outcome,
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = MockServer::start(MockConfig::default()).await?;
    let client = ChatClient::new(&server.base_url(), None)?;
    server.start_maintenance(Duration::from_secs(3));
    println!("the server is in maintenance for 3 s");

    let started = Instant::now();
    let request = ChatRequest::new("gpt-4.1", "Are you back?");
    let reply = ask(&client, &request, &server.url("/health"), started).await?;
    let counts = server.counts();
    println!(
        "answer after {:.2?}: {} ({} requests, {} of them 503, {} health checks)",
        started.elapsed(),
        reply.text(),
        counts.requests,
        counts.status(503),
        counts.health_checks,
    );
    Ok(())
}
