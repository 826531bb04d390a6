//! Basic retry with exponential backoff: the endpoint answers 503 twice, then 200.
//!
//! ```sh
//! cargo run --example basic_backoff
//! ```

use retry_core::http::HttpError;
use retry_core::{RetryState, retry};
use retry_examples::chat::{ChatClient, ChatRequest, ChatResponse};
use retry_examples::mock_server::{MockConfig, MockServer, Reply};

/// Asks once, retrying transient failures with exponential backoff: 100 ms, 200 ms, 400 ms, ...
/// capped at 2 s, five attempts at most.
#[retry(
    stop = attempts(5),
    wait = exponential(100ms, 100ms, 2s),
    retry = transient,
    before_sleep = report_retry,
)]
async fn ask(client: &ChatClient, request: &ChatRequest) -> Result<ChatResponse, HttpError> {
    client.complete(request).await
}

fn report_retry(state: &RetryState<ChatResponse, HttpError>) {
    if let (Some(error), Some(sleep)) = (state.error(), state.next_sleep()) {
        println!(
            "  attempt {} failed: {error}; retrying in {sleep:?}",
            state.attempt()
        );
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = MockServer::start(MockConfig::default()).await?;
    server.script([Reply::status(503), Reply::status(503), Reply::Ok]);
    let client = ChatClient::new(&server.base_url(), None)?;

    println!("asking {} (scripted: 503, 503, 200)", server.base_url());
    let started = std::time::Instant::now();
    let reply = ask(
        &client,
        &ChatRequest::new("gpt-4.1", "What is exponential backoff?"),
    )
    .await?;
    println!("answer after {:.2?}: {}", started.elapsed(), reply.text());
    println!("the server saw {} requests", server.counts().requests);
    Ok(())
}
