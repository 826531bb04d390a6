//! A client-side rate limiter combined with `Retry-After`: requests go through a token bucket,
//! and a 429's hint both sets the retry's wait and pauses the whole bucket, so the other tasks
//! back off too instead of piling onto a server that just asked for quiet.
//!
//! ```sh
//! cargo run --example rate_limiter
//! ```

use std::sync::Mutex;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use retry_core::http::HttpError;
use retry_core::{RetryAfter, RetryState, retry};
use retry_examples::chat::{ChatClient, ChatRequest, ChatResponse};
use retry_examples::mock_server::{Faults, MockConfig, MockServer};

/// A token bucket: `rate` requests per second, bursts of `burst`, and a pause that a server's
/// `Retry-After` can extend.
#[derive(Debug)]
struct RateLimiter {
    rate: f64,
    burst: f64,
    state: Mutex<Bucket>,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    refilled: Instant,
    paused_until: Instant,
}

impl RateLimiter {
    fn new(rate: f64, burst: u32) -> Self {
        let now = Instant::now();
        RateLimiter {
            rate,
            burst: f64::from(burst),
            state: Mutex::new(Bucket {
                tokens: f64::from(burst),
                refilled: now,
                paused_until: now,
            }),
        }
    }

    /// Waits for a token.
    async fn acquire(&self) {
        loop {
            let wait = {
                let mut bucket = self.state.lock().unwrap();
                let now = Instant::now();
                let elapsed = now.duration_since(bucket.refilled).as_secs_f64();
                bucket.tokens = (bucket.tokens + elapsed * self.rate).min(self.burst);
                bucket.refilled = now;
                if now < bucket.paused_until {
                    bucket.paused_until - now
                } else if bucket.tokens >= 1.0 {
                    bucket.tokens -= 1.0;
                    return;
                } else {
                    Duration::from_secs_f64((1.0 - bucket.tokens) / self.rate)
                }
            };
            tokio::time::sleep(wait).await;
        }
    }

    /// Stops handing out tokens for `delay` (never shortens a pause already set).
    fn pause_for(&self, delay: Duration) {
        let mut bucket = self.state.lock().unwrap();
        bucket.paused_until = bucket.paused_until.max(Instant::now() + delay);
    }
}

/// Every attempt waits for a token from the shared limiter; a 429's `Retry-After` pauses the
/// limiter for everyone (capped at 2 s) and is honoured by this call's own wait.
#[retry(
    stop = attempts(5),
    wait = retry_after(fixed(200ms), cap = 2s),
    retry = transient,
    before_sleep = |s| pause_on_hint(limiter, s),
)]
async fn ask(
    limiter: &RateLimiter,
    client: &ChatClient,
    request: &ChatRequest,
) -> Result<ChatResponse, HttpError> {
    limiter.acquire().await;
    client.complete(request).await
}

fn pause_on_hint(limiter: &RateLimiter, state: &RetryState<ChatResponse, HttpError>) {
    if let Some(hint) = state.error().and_then(RetryAfter::retry_after) {
        println!("  429: the server asks for {hint:?}; pausing every request");
        limiter.pause_for(hint.min(Duration::from_secs(2)));
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = MockServer::start(MockConfig {
        seed: 8,
        faults: Faults {
            rate_limited: 0.15,
            retry_after: Duration::from_secs(1),
            ..Faults::NONE
        },
        ..MockConfig::default()
    })
    .await?;
    let client = ChatClient::new(&server.base_url(), None)?;
    let limiter = RateLimiter::new(20.0, 5);

    let started = Instant::now();
    let outcomes: Vec<bool> = futures_util::stream::iter(0..30)
        .map(|i| {
            let (limiter, client) = (&limiter, &client);
            async move {
                let request = ChatRequest::new("gpt-4.1", format!("Rate-limited question {i}"));
                ask(limiter, client, &request).await.is_ok()
            }
        })
        .buffer_unordered(8)
        .collect()
        .await;
    let elapsed = started.elapsed();

    let counts = server.counts();
    let ok = outcomes.iter().filter(|ok| **ok).count();
    println!(
        "{ok}/30 answered in {elapsed:.2?}: {} requests ({} answered 429), {:.1} requests/s against a limit of 20/s",
        counts.requests,
        counts.status(429),
        counts.requests as f64 / elapsed.as_secs_f64(),
    );
    Ok(())
}
