//! Async retries with full jitter, 20 prompts at most 10 at a time, against a server that fails
//! 40 % of the requests; prints each prompt's fate and the success rate.
//!
//! ```sh
//! cargo run --example concurrent_jitter
//! ```

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use retry_core::condition::transient;
use retry_core::http::HttpError;
use retry_core::stop::attempts;
use retry_core::wait::{random_exponential, retry_after};
use retry_core::{RetryState, Retrying};
use retry_examples::chat::{ChatClient, ChatRequest, ChatResponse};
use retry_examples::mock_server::{Faults, MockConfig, MockServer};

const PROMPTS: usize = 20;
const CONCURRENCY: usize = 10;

/// One prompt: up to 5 attempts, each cancelled after 500 ms, full-jitter waits in
/// `[0, 50 ms * 2^(n-1)]` capped at 1 s (server hints capped at 1 s too). Returns the attempts
/// it took along with the outcome.
///
/// With the attribute the policy part reads:
///
/// ```ignore
/// #[retry(stop = attempts(5), wait = retry_after(random_exponential(0.05, 0, 1)).cap(1),
///         retry = transient, timeout = 500ms, before = |s| attempts.store(s.attempt(), Relaxed))]
/// ```
async fn ask(client: &ChatClient, request: &ChatRequest) -> (u32, Result<ChatResponse, HttpError>) {
    let attempts_made = AtomicU32::new(0);
    let outcome = Retrying::new()
        .stop(attempts(5))
        .wait(retry_after(random_exponential(0.05, 0, 1)).cap(1))
        .retry(transient())
        .timeout(Duration::from_millis(500))
        .before(|s: &RetryState<ChatResponse, HttpError>| {
            attempts_made.store(s.attempt(), Ordering::Relaxed)
        })
        .call_async(|| client.complete(request))
        .await;
    (attempts_made.load(Ordering::Relaxed), outcome)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = MockServer::start(MockConfig {
        seed: 11,
        faults: Faults::mix(0.4),
        slow_delay: Duration::from_secs(5),
        ..MockConfig::default()
    })
    .await?;
    let client = ChatClient::new(&server.base_url(), None)?;
    let requests: Vec<ChatRequest> = (0..PROMPTS)
        .map(|i| ChatRequest::new("deepseek-v3.2", format!("Fact #{i} about jitter, please.")))
        .collect();

    let started = Instant::now();
    let mut results: Vec<(usize, u32, Result<ChatResponse, HttpError>)> =
        futures_util::stream::iter(requests.iter().enumerate())
            .map(|(i, request)| {
                let client = &client;
                async move {
                    let (attempts, outcome) = ask(client, request).await;
                    (i, attempts, outcome)
                }
            })
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
    results.sort_by_key(|(i, ..)| *i);

    for (i, attempts, outcome) in &results {
        match outcome {
            Ok(_) => println!("prompt {i:>2}: ok after {attempts} attempt(s)"),
            Err(e) => println!("prompt {i:>2}: failed after {attempts} attempt(s): {e}"),
        }
    }
    let ok = results.iter().filter(|(_, _, o)| o.is_ok()).count();
    let counts = server.counts();
    println!(
        "\nsuccess rate: {ok}/{PROMPTS} ({:.0}%) in {:.2?}, {} requests (faults: {} slow, {} dropped, {:?} by status)",
        ok as f64 * 100.0 / PROMPTS as f64,
        started.elapsed(),
        counts.requests,
        counts.slow,
        counts.dropped,
        counts.statuses,
    );
    Ok(())
}
