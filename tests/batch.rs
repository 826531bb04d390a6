//! The batch runner end to end on loopback: every prompt ends as a success or a typed failure,
//! and what the client counted matches what the server counted, request for request.

use std::time::{Duration, Instant};

use retry_core::StopReason;
use retry_core::config::PolicyTable;
use retry_core::testing::TestClock;
use retry_examples::batch::{
    Attempt, BatchOptions, BatchReport, Outcome, Reconciliation, default_policies, run_batch,
    sample_jobs,
};
use retry_examples::chat::ChatClient;
use retry_examples::mock_server::{Faults, MockConfig, MockServer, ServerCounts};

fn models() -> Vec<String> {
    vec!["gpt-4.1".to_string(), "deepseek-v3.2".to_string()]
}

/// The client's attempts against the server's counts, once the server has seen them all.
async fn assert_counts_match(report: &BatchReport, server: &MockServer) -> ServerCounts {
    let counts = server
        .counts_after(report.attempts(), Duration::from_secs(5))
        .await;
    let reconciled = Reconciliation::new(&report.attempts_by_kind(), &counts);
    assert!(reconciled.agrees(), "{:?}", reconciled.mismatches);
    counts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_prompts_against_thirty_percent_faults() {
    let server = MockServer::start(MockConfig {
        seed: 42,
        faults: Faults::mix(0.3),
        slow_delay: Duration::from_secs(30),
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let client = ChatClient::new(&server.base_url(), None).unwrap();
    let policies: PolicyTable = serde_json::from_str(
        r#"{"default": {"attempts": 4, "timeout": "200ms", "backoff": "full_jitter",
                         "initial_delay": "100ms", "max_delay": "2s", "retry_after_cap": "5s"}}"#,
    )
    .unwrap();
    let clock = TestClock::new();
    let options = BatchOptions {
        concurrency: 10,
        policies,
        seed: Some(1),
        ..BatchOptions::new(clock.clone())
    };
    let jobs = sample_jobs(200, &models(), 50);
    let mut finished = 0;
    let report = run_batch(&client, &jobs, &options, |_| finished += 1).await;

    assert_eq!(finished, 200);
    assert_eq!(report.jobs.len(), 200);
    assert_eq!(
        report.jobs.iter().map(|j| j.id).collect::<Vec<_>>(),
        (0..200).collect::<Vec<_>>()
    );
    assert_eq!(report.skipped(), 0);
    assert_eq!(
        report.succeeded() + report.failed_permanently() + report.exhausted(),
        200
    );
    assert_eq!(report.failed_permanently(), 4, "the four malformed prompts");
    assert!(report.succeeded() >= 190, "{report}");

    let counts = assert_counts_match(&report, &server).await;
    let faults = counts.requests - counts.status(200) - counts.status(400);
    assert!(
        faults * 100 >= counts.requests * 20 && faults * 100 <= counts.requests * 40,
        "{faults} faults in {} requests",
        counts.requests
    );

    for (job, result) in jobs.iter().zip(&report.jobs) {
        // Nothing lost, nothing counted twice.
        assert_eq!(
            server.requests_for(&job.prompt),
            result.attempts.len() as u64,
            "job {}",
            job.id
        );
        let last = *result.attempts.last().unwrap();
        match &result.outcome {
            Outcome::Succeeded { usage, .. } => {
                assert_eq!(last, Attempt::Status(200));
                assert!(usage.total_tokens > 0);
            }
            Outcome::FailedPermanently { error } => {
                assert_eq!(job.max_tokens, Some(0), "job {}: {error}", job.id);
                assert_eq!(result.attempts, [Attempt::Status(400)]);
            }
            Outcome::Exhausted { reason, .. } => {
                assert_eq!(*reason, StopReason::Attempts);
                assert_eq!(result.attempts.len(), 4);
                assert!(!result.attempts.contains(&Attempt::Status(200)));
            }
            Outcome::Skipped => panic!("job {} skipped without a budget", job.id),
        }
    }
    // Retries happened, with virtual sleeps: one per retry.
    let retries: u64 = report.retries_by_class().values().sum();
    assert_eq!(retries, report.attempts() - 200);
    assert_eq!(clock.sleeps().len() as u64, retries);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_budget_bounds_the_batch() {
    let server = MockServer::start(MockConfig {
        seed: 5,
        faults: Faults {
            slow: 0.0,
            ..Faults::mix(0.5)
        },
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let client = ChatClient::new(&server.base_url(), None).unwrap();
    let options = BatchOptions {
        concurrency: 4,
        max_requests: Some(60),
        ..BatchOptions::new(TestClock::new())
    };
    let jobs = sample_jobs(80, &models(), 0);
    let report = run_batch(&client, &jobs, &options, |_| {}).await;

    assert_eq!(report.attempts(), 60);
    assert_eq!(
        server
            .counts_after(60, Duration::from_secs(5))
            .await
            .requests,
        60
    );
    assert!(report.skipped() > 0, "{report}");
    assert!(report.stopped_by_budget() > 0, "{report}");
    assert_eq!(
        report.succeeded() + report.exhausted() + report.stopped_by_budget() + report.skipped(),
        80
    );
    assert_counts_match(&report, &server).await;
}

/// `llm_batch`'s core with its defaults (policies, prompts, fault mix, seed), minus the slow
/// answers whose timeouts would cost real seconds: it finishes quickly and accounts for every
/// prompt.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_llm_batch_core_runs_to_completion_quickly() {
    let server = MockServer::start(MockConfig {
        seed: 7,
        faults: Faults {
            slow: 0.0,
            ..Faults::mix(0.3)
        },
        api_key: Some("sk-mock".into()),
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let client = ChatClient::new(&server.base_url(), Some("sk-mock".into())).unwrap();
    let options = BatchOptions {
        seed: Some(7),
        ..BatchOptions::new(TestClock::new())
    };
    assert_eq!(options.policies, default_policies());
    let jobs = sample_jobs(200, &models(), 50);
    let started = Instant::now();
    let report = run_batch(&client, &jobs, &options, |_| {}).await;
    let elapsed = started.elapsed();

    assert!(elapsed < Duration::from_secs(20), "took {elapsed:?}");
    assert_eq!(report.jobs.len(), 200);
    assert_eq!(report.failed_permanently(), 4);
    assert_eq!(
        report.succeeded() + report.failed_permanently() + report.exhausted(),
        200
    );
    assert_counts_match(&report, &server).await;
    let summary = report.to_string();
    assert!(
        summary.starts_with("200 prompts, concurrency 10, "),
        "{summary}"
    );
    for line in [
        "succeeded",
        "failed permanently",
        "exhausted",
        "retries by class: ",
        "p50",
        "p99",
    ] {
        assert!(summary.contains(line), "{line} missing from\n{summary}");
    }
}
