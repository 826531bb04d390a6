//! Conditional retry by status: 429 and 5xx are retried (honouring `Retry-After`), 401 and 400
//! fail at once, after exactly one request.
//!
//! ```sh
//! cargo run --example retry_by_status
//! ```

use http::StatusCode;
use retry_core::http::HttpError;
use retry_core::{RetryState, retry};
use retry_examples::chat::{ChatClient, ChatRequest, ChatResponse};
use retry_examples::mock_server::{MockConfig, MockServer, Reply, RetryAfterValue};

/// Retry on 429, on 5xx and on transport failures; never on other 4xx.
fn worth_retrying(error: &HttpError) -> bool {
    match error.status() {
        Some(StatusCode::TOO_MANY_REQUESTS) => true,
        Some(status) => status.is_server_error(),
        None => true, // timeouts, refused or dropped connections
    }
}

/// Four attempts at most; the server's `Retry-After` when it sends one (capped at 2 s),
/// exponential backoff from 100 ms otherwise.
#[retry(
    stop = attempts(4),
    wait = retry_after(exponential(100ms, 100ms, 1s), cap = 2s),
    retry = if_error(worth_retrying),
    before_sleep = report_retry,
)]
async fn ask(client: &ChatClient, request: &ChatRequest) -> Result<ChatResponse, HttpError> {
    client.complete(request).await
}

fn report_retry(state: &RetryState<ChatResponse, HttpError>) {
    if let (Some(error), Some(sleep)) = (state.error(), state.next_sleep()) {
        println!("    {error}; retrying in {sleep:?}");
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = MockServer::start(MockConfig {
        api_key: Some("sk-good".into()),
        ..MockConfig::default()
    })
    .await?;
    let good = ChatClient::new(&server.base_url(), Some("sk-good".into()))?;
    let bad_key = ChatClient::new(&server.base_url(), Some("sk-revoked".into()))?;
    let request = ChatRequest::new("gpt-4.1", "Classify this status code.");

    let scenarios: [(&str, &ChatClient, ChatRequest, Vec<Reply>); 4] = [
        (
            "429 with Retry-After: 1, then 200",
            &good,
            request.clone(),
            vec![Reply::rate_limited(RetryAfterValue::Seconds(1)), Reply::Ok],
        ),
        (
            "502, 500, then 200",
            &good,
            request.clone(),
            vec![Reply::status(502), Reply::status(500), Reply::Ok],
        ),
        ("a revoked API key (401)", &bad_key, request.clone(), vec![]),
        (
            "a malformed request (max_tokens = 0, 400)",
            &good,
            request.clone().max_tokens(0),
            vec![],
        ),
    ];
    for (title, client, request, script) in scenarios {
        println!("{title}:");
        server.script(script);
        let before = server.counts().requests;
        let outcome = match ask(client, &request).await {
            Ok(reply) => format!("ok: {}", reply.text()),
            Err(error) => format!("gave up: {error}"),
        };
        let requests = server.counts().requests - before;
        println!("  {outcome}\n  requests sent: {requests}\n");
    }
    Ok(())
}
