//! Per-model policies from a configuration table, and a batch limited by a shared request budget:
//! once the budget is spent, retries are refused and the remaining prompts are skipped.
//!
//! ```sh
//! cargo run --example per_model_budget
//! ```

use std::collections::BTreeMap;
use std::sync::Arc;

use retry_core::config::PolicyTable;
use retry_core::http::HttpError;
use retry_core::{RetryError, StopReason, retry};
use retry_examples::batch::RequestBudget;
use retry_examples::chat::{ChatClient, ChatRequest, ChatResponse};
use retry_examples::mock_server::{Faults, MockConfig, MockServer};

const POLICIES: &str = r#"
["gpt-4.1"]
attempts = 3
timeout = "2s"
backoff = "exponential"
initial_delay = "50ms"
max_delay = "400ms"
retry_after_cap = "200ms"

["deepseek-v3.2"]
attempts = 6
timeout = "1s"
backoff = "full_jitter"
initial_delay = "20ms"
max_delay = "200ms"
retry_after_cap = "200ms"

[default]
attempts = 2
backoff = "fixed"
initial_delay = "50ms"
retry_after_cap = "200ms"
"#;

/// One prompt under its model's policy from the table, sharing the batch's request budget; a
/// final error says how many attempts it took and why it stopped.
#[retry(policy = table.for_model(model).budget(budget.clone()))]
async fn ask(
    table: &PolicyTable,
    model: &str,
    budget: &Arc<RequestBudget>,
    client: &ChatClient,
    request: &ChatRequest,
) -> Result<ChatResponse, RetryError<HttpError>> {
    client.complete(request).await
}

#[derive(Debug, Default)]
struct Tally {
    ok: u32,
    failed: u32,
    exhausted: u32,
    budget_refused: u32,
    skipped: u32,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let table: PolicyTable = toml::from_str(POLICIES)?;
    let server = MockServer::start(MockConfig {
        seed: 3,
        faults: Faults {
            slow: 0.0,
            ..Faults::mix(0.5)
        },
        ..MockConfig::default()
    })
    .await?;
    let client = ChatClient::new(&server.base_url(), None)?;
    let budget = Arc::new(RequestBudget::new(40));
    let models = ["gpt-4.1", "deepseek-v3.2", "claude-sonnet"];

    let mut tallies: BTreeMap<&str, Tally> = BTreeMap::new();
    for i in 0..30 {
        let model = models[i % models.len()];
        let tally = tallies.entry(model).or_default();
        // The first attempt spends from the budget here, retries through the policy.
        if !budget.try_acquire() {
            tally.skipped += 1;
            continue;
        }
        let request = ChatRequest::new(model, format!("Question {i}"));
        match ask(&table, model, &budget, &client, &request).await {
            Ok(_) => tally.ok += 1,
            Err(e) if e.reason() == StopReason::Budget => tally.budget_refused += 1,
            Err(e) if e.reason().is_exhausted() => tally.exhausted += 1,
            Err(_) => tally.failed += 1,
        }
    }

    for (model, tally) in &tallies {
        let policy = table.get(model);
        println!(
            "{model:<14} ({} attempts, {} backoff): {tally:?}",
            policy.attempts(),
            policy.backoff_kind()
        );
    }
    println!(
        "budget: {} of {} requests spent; the server saw {}",
        budget.spent(),
        budget.limit(),
        server.counts().requests
    );
    Ok(())
}
