//! The main job: a batch of chat-completion prompts with per-model retry policies.
//!
//! ```sh
//! cargo run --example llm_batch                        # offline, against an embedded mock server
//! cargo run --example llm_batch -- --help
//! OPENAI_API_KEY=... cargo run --example llm_batch -- --base-url https://api.openai.com/v1 -n 5
//! ```
//!
//! By default it starts an OpenAI-compatible mock server on 127.0.0.1 that injects faults into
//! 30 % of the requests (429 with `Retry-After` in seconds or as a date, 500/502/503, slow answers
//! that trip the per-attempt timeout, dropped connections), and every 50th prompt is malformed
//! (the server answers 400). Each prompt runs under its model's policy from `src/policies.toml`
//! (or `--policies FILE`), and the run ends with a summary.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use retry_core::config::{PolicyTable, parse_duration};
use retry_core::sleep::DefaultSleeper;
use retry_examples::batch::{BatchOptions, Job, Outcome, default_policies, run_batch, sample_jobs};
use retry_examples::chat::ChatClient;
use retry_examples::mock_server::{Faults, MockConfig, MockServer, Outcome as ServerOutcome};

/// Runs a batch of chat-completion prompts with per-model retry policies, a concurrency limit
/// and optional request/cost budgets, then prints what happened.
///
/// Without --base-url it starts an embedded OpenAI-compatible mock server on 127.0.0.1 with
/// fault injection, so it runs offline.
#[derive(Debug, Parser)]
#[command(name = "llm_batch", version)]
struct Args {
    /// OpenAI-compatible API base URL (e.g. https://api.openai.com/v1). Default: an embedded
    /// mock server.
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,

    /// Environment variable holding the API key sent with --base-url.
    #[arg(long, value_name = "NAME", default_value = "OPENAI_API_KEY")]
    api_key_env: String,

    /// Number of generated prompts.
    #[arg(short = 'n', long, default_value_t = 200)]
    prompts: usize,

    /// Read prompts from FILE, one per line, instead of generating them.
    #[arg(long, value_name = "FILE")]
    prompts_file: Option<PathBuf>,

    /// Models to spread the prompts over, in turn.
    #[arg(
        long,
        value_name = "MODEL,...",
        value_delimiter = ',',
        default_value = "gpt-4.1,deepseek-v3.2"
    )]
    models: Vec<String>,

    /// Per-model retry policies, TOML (or JSON for a .json file). Default: the built-in table
    /// (src/policies.toml).
    #[arg(long, value_name = "FILE")]
    policies: Option<PathBuf>,

    /// Prompts in flight at once.
    #[arg(short = 'c', long, default_value_t = 10, value_parser = clap::value_parser!(u16).range(1..))]
    concurrency: u16,

    /// Request budget: at most N requests in all, retries included.
    #[arg(long, value_name = "N")]
    max_requests: Option<u64>,

    /// Cost budget in USD (illustrative prices): start no new prompt once spent.
    #[arg(long, value_name = "USD")]
    max_cost: Option<f64>,

    /// Make every N-th generated prompt malformed (max_tokens = 0, answered with 400); 0: none.
    #[arg(long, value_name = "N", default_value_t = 50)]
    invalid_every: usize,

    /// Mock server: share of requests that get a fault.
    #[arg(long, value_name = "RATE", default_value_t = 0.3)]
    fault_rate: f64,

    /// Mock server: how long a slow answer takes (longer than the policies' timeouts).
    #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = parse_duration)]
    slow_delay: Duration,

    /// Mock server: reject the client's API key (every request gets 401).
    #[arg(long)]
    bad_key: bool,

    /// Seed of the mock server's faults and of the retry jitter.
    #[arg(long, default_value_t = 7)]
    seed: u64,

    /// No progress bar (it is hidden anyway when stdout is not a terminal).
    #[arg(short, long)]
    quiet: bool,
}

const MOCK_KEY: &str = "sk-mock-key";

fn load_policies(path: Option<&Path>) -> Result<PolicyTable, String> {
    let Some(path) = path else {
        return Ok(default_policies());
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let parsed = if path.extension().is_some_and(|e| e == "json") {
        serde_json::from_str(&text).map_err(|e| e.to_string())
    } else {
        toml::from_str(&text).map_err(|e| e.to_string())
    };
    parsed.map_err(|e| format!("invalid policies in {}: {e}", path.display()))
}

fn load_jobs(args: &Args) -> Result<Vec<Job>, String> {
    let Some(path) = &args.prompts_file else {
        return Ok(sample_jobs(args.prompts, &args.models, args.invalid_every));
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .enumerate()
        .map(|(id, prompt)| Job {
            id,
            model: args.models[id % args.models.len()].clone(),
            prompt: prompt.to_string(),
            max_tokens: None,
        })
        .collect())
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    if std::env::var_os("RUST_LOG").is_some() {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_writer(std::io::stderr)
            .init();
    }
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("llm_batch: {message}");
            ExitCode::from(2)
        }
    }
}

async fn run(args: Args) -> Result<(), String> {
    if args.models.iter().all(|m| m.trim().is_empty()) {
        return Err("--models needs at least one model".to_string());
    }
    let policies = load_policies(args.policies.as_deref())?;
    let jobs = load_jobs(&args)?;

    let (server, base_url, api_key) = match &args.base_url {
        Some(url) => {
            let key = std::env::var(&args.api_key_env).map_err(|_| {
                format!(
                    "--base-url needs an API key in ${} (or name another variable with --api-key-env)",
                    args.api_key_env
                )
            })?;
            println!("endpoint: {url}");
            (None, url.clone(), key)
        }
        None => {
            let config = MockConfig {
                seed: args.seed,
                faults: Faults::mix(args.fault_rate),
                api_key: Some(MOCK_KEY.to_string()),
                latency: Duration::from_millis(5),
                slow_delay: args.slow_delay,
            };
            let server = MockServer::start(config)
                .await
                .map_err(|e| format!("cannot start the mock server: {e}"))?;
            let base_url = server.base_url();
            println!(
                "mock server: {base_url} (faults on {:.0}% of requests, seed {}{})",
                args.fault_rate.clamp(0.0, 1.0) * 100.0,
                args.seed,
                if args.bad_key {
                    ", rejecting the key"
                } else {
                    ""
                }
            );
            let key = if args.bad_key {
                "sk-wrong-key"
            } else {
                MOCK_KEY
            };
            (Some(server), base_url, key.to_string())
        }
    };

    let mut models: Vec<&str> = args.models.iter().map(String::as_str).collect();
    models.dedup();
    for model in models {
        let p = policies.get(model);
        let timeout = p.timeout().map_or("none".to_string(), |t| format!("{t:?}"));
        println!(
            "policy {model}: {} attempts, timeout {timeout}, {} backoff {:?}..{:?}, Retry-After capped at {:?}",
            p.attempts(),
            p.backoff_kind(),
            p.initial_delay(),
            p.max_delay(),
            p.retry_after_cap(),
        );
    }

    let client = ChatClient::new(&base_url, Some(api_key))
        .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
    let options = BatchOptions {
        concurrency: usize::from(args.concurrency),
        policies,
        max_requests: args.max_requests,
        max_cost_usd: args.max_cost,
        sleeper: DefaultSleeper,
        seed: Some(args.seed),
    };

    let progress = ProgressBar::new(jobs.len() as u64);
    if args.quiet || !std::io::stdout().is_terminal() {
        progress.set_draw_target(ProgressDrawTarget::hidden());
    }
    progress.set_style(
        ProgressStyle::with_template("{bar:40.cyan/blue} {pos}/{len} [{elapsed_precise}] {msg}")
            .map_err(|e| e.to_string())?,
    );
    progress.enable_steady_tick(Duration::from_millis(120));
    let (mut ok, mut failed) = (0u64, 0u64);
    let report = run_batch(&client, &jobs, &options, |job| {
        match job.outcome {
            Outcome::Succeeded { .. } => ok += 1,
            _ => failed += 1,
        }
        progress.set_message(format!("ok {ok}, failed {failed}"));
        progress.inc(1);
    })
    .await;
    progress.finish_and_clear();

    println!();
    println!("{report}");

    let failures: Vec<_> = report
        .jobs
        .iter()
        .filter_map(|job| match &job.outcome {
            Outcome::FailedPermanently { error } => Some((job, "failed", error.as_str())),
            Outcome::Exhausted { error, .. } => Some((job, "exhausted", error.as_str())),
            _ => None,
        })
        .collect();
    if !failures.is_empty() {
        if failures.len() > 5 {
            println!("failures (first 5 of {}):", failures.len());
        } else {
            println!("failures:");
        }
        for (job, kind, error) in failures.iter().take(5) {
            println!(
                "  #{:<4} {:<14} {kind} after {} attempt(s): {error}",
                job.id,
                job.model,
                job.attempts.len()
            );
        }
    }

    if let Some(server) = server {
        // Attempts the client gave up on may still be on their way to the server.
        let counts = server
            .counts_after(report.attempts(), Duration::from_secs(5))
            .await;
        let statuses: Vec<String> = counts
            .statuses
            .iter()
            .map(|(status, n)| format!("{status}: {n}"))
            .collect();
        println!(
            "server saw {} requests ({}, slow: {}, dropped: {})",
            counts.requests,
            statuses.join(", "),
            counts.slow,
            counts.dropped
        );
        let reconciled =
            retry_examples::batch::Reconciliation::new(&report.attempts_by_kind(), &counts);
        let timeouts = server
            .log()
            .iter()
            .filter(|r| r.outcome == ServerOutcome::Slow)
            .count();
        if reconciled.agrees() {
            println!(
                "client and server counts agree ({timeouts} slow answers and {} late ones tripped the timeout)",
                reconciled.late_answers
            );
        } else {
            return Err(format!(
                "client and server counts disagree: {}",
                reconciled.mismatches.join("; ")
            ));
        }
    }
    Ok(())
}
