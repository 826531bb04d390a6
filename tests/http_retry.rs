//! Retrying real HTTP calls on loopback: the client is reqwest, the server the mock in
//! `retry_examples::mock_server`. Backoff sleeps go through a `TestClock`, so waits are measured
//! exactly and cost no real time; per-attempt timeouts are real (a few tens of milliseconds).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use retry_core::condition::transient;
use retry_core::http::HttpError;
use retry_core::stop::attempts;
use retry_core::testing::TestClock;
use retry_core::wait::{exponential, fixed, retry_after};
use retry_core::{RetryState, Retrying, StopReason, Transient};
use retry_examples::chat::{ChatClient, ChatRequest, ChatResponse};
use retry_examples::mock_server::{
    ADVERSARIAL_RETRY_AFTER, Faults, MockConfig, MockServer, Outcome, Reply, RetryAfterValue,
};

type State = RetryState<ChatResponse, HttpError>;

async fn setup(config: MockConfig) -> (MockServer, ChatClient) {
    let server = MockServer::start(config).await.unwrap();
    let client = ChatClient::new(&server.base_url(), Some("sk-test".into())).unwrap();
    (server, client)
}

fn request() -> ChatRequest {
    ChatRequest::new("gpt-4.1", "Explain retries.")
}

fn secs(s: &[f64]) -> Vec<Duration> {
    s.iter().map(|s| Duration::from_secs_f64(*s)).collect()
}

#[tokio::test]
async fn retry_after_two_seconds_is_honoured_then_200() {
    let (server, client) = setup(MockConfig::default()).await;
    server.script([Reply::rate_limited(RetryAfterValue::Seconds(2)), Reply::Ok]);
    let clock = TestClock::new();
    let policy = Retrying::new()
        .stop(attempts(3))
        .wait(retry_after(fixed(0.1)))
        .retry(transient())
        .sleeper(clock.clone());
    let started = Instant::now();
    let request = request();
    let reply = policy.call_async(|| client.complete(&request)).await;

    assert_eq!(
        reply.unwrap().text(),
        "Here is an answer to \"Explain retries.\"."
    );
    assert_eq!(clock.sleeps(), secs(&[2.0]));
    assert_eq!(server.counts().requests, 2);
    assert_eq!(server.counts().status(429), 1);
    // The two seconds were virtual.
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn retry_after_makes_three_attempts_at_most() {
    let (server, client) = setup(MockConfig::default()).await;
    server.script(vec![Reply::rate_limited(RetryAfterValue::Seconds(2)); 5]);
    let clock = TestClock::new();
    let policy = Retrying::new()
        .stop(attempts(3))
        .wait(retry_after(fixed(0.1)))
        .retry(transient())
        .sleeper(clock.clone());
    let request = request();
    let err = policy
        .call_async_detailed(|| client.complete(&request))
        .await
        .unwrap_err();

    assert_eq!((err.attempts(), err.reason()), (3, StopReason::Attempts));
    assert_eq!(err.error().status().map(|s| s.as_u16()), Some(429));
    assert_eq!(clock.sleeps(), secs(&[2.0, 2.0]));
    assert_eq!(server.counts().requests, 3);
    assert_eq!(server.scripted_left(), 2);
}

#[tokio::test]
async fn every_hint_form_reaches_the_wait() {
    let (server, client) = setup(MockConfig::default()).await;
    server.script([
        Reply::rate_limited(RetryAfterValue::Millis(1500)),
        Reply::rate_limited(RetryAfterValue::DateIn(Duration::from_secs(3))),
        Reply::unavailable(Some(RetryAfterValue::Seconds(4))),
        Reply::Ok,
    ]);
    let clock = TestClock::new();
    let policy = Retrying::new()
        .stop(attempts(4))
        .wait(retry_after(fixed(0.1)))
        .retry(transient())
        .sleeper(clock.clone());
    let request = request();
    assert!(
        policy
            .call_async(|| client.complete(&request))
            .await
            .is_ok()
    );

    let sleeps = clock.sleeps();
    assert_eq!(sleeps.len(), 3);
    assert_eq!(sleeps[0], Duration::from_millis(1500));
    // An HTTP-date has whole seconds: the mock rounds up, the wall clock moves on.
    assert!(
        sleeps[1] > Duration::from_secs(2) && sleeps[1] <= Duration::from_secs(4),
        "{:?}",
        sleeps[1]
    );
    assert_eq!(sleeps[2], Duration::from_secs(4));
}

#[tokio::test]
async fn adversarial_retry_after_values_are_bounded_or_ignored() {
    let (server, client) = setup(MockConfig::default()).await;
    let fallback = 0.25;
    let cap = 10.0;
    // What each of ADVERSARIAL_RETRY_AFTER becomes: zero, ignored (the fallback), capped.
    let expected = [0.0, fallback, fallback, fallback, cap, cap, fallback, 0.0];
    assert_eq!(expected.len(), ADVERSARIAL_RETRY_AFTER.len());
    let clock = TestClock::new();
    let policy = Retrying::new()
        .stop(attempts(10))
        .wait(retry_after(fixed(fallback)).cap(cap))
        .retry(transient())
        .sleeper(clock.clone());
    server.script(
        ADVERSARIAL_RETRY_AFTER
            .iter()
            .map(|v| Reply::rate_limited(RetryAfterValue::Raw(v.to_string())))
            .chain([Reply::Ok]),
    );
    let request = request();
    assert!(
        policy
            .call_async(|| client.complete(&request))
            .await
            .is_ok()
    );
    assert_eq!(clock.sleeps(), secs(&expected));
    assert_eq!(server.counts().requests, 9);
}

#[tokio::test]
async fn unauthorized_fails_after_exactly_one_request() {
    let (server, client) = setup(MockConfig {
        api_key: Some("sk-the-real-key".into()),
        ..MockConfig::default()
    })
    .await;
    let clock = TestClock::new();
    let policy = Retrying::new()
        .stop(attempts(5))
        .wait(exponential(1, 0, 10))
        .retry(transient())
        .sleeper(clock.clone());
    let request = request();
    let err = policy
        .call_async_detailed(|| client.complete(&request))
        .await
        .unwrap_err();

    assert_eq!(
        (err.attempts(), err.reason()),
        (1, StopReason::NotRetryable)
    );
    assert_eq!(
        err.error().to_string(),
        "HTTP 401 Unauthorized: Incorrect API key provided."
    );
    assert!(!err.error().is_transient());
    assert_eq!(server.counts().requests, 1);
    assert_eq!(server.counts().status(401), 1);
    assert!(clock.sleeps().is_empty());
}

#[tokio::test]
async fn bad_request_fails_after_exactly_one_request() {
    let (server, client) = setup(MockConfig::default()).await;
    let clock = TestClock::new();
    let policy = Retrying::new()
        .stop(attempts(5))
        .wait(exponential(1, 0, 10))
        .retry(transient())
        .sleeper(clock.clone());
    let malformed = request().max_tokens(0);
    let err = policy
        .call_async_detailed(|| client.complete(&malformed))
        .await
        .unwrap_err();
    assert_eq!(
        (err.attempts(), err.reason()),
        (1, StopReason::NotRetryable)
    );
    assert_eq!(
        err.error().to_string(),
        "HTTP 400 Bad Request: Invalid 'max_tokens': integer below minimum value. \
         Expected a value >= 1, but got 0 instead."
    );

    let mut empty = request();
    empty.messages.clear();
    let err = policy
        .call_async(|| client.complete(&empty))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(server.counts().requests, 2);
    assert_eq!(server.counts().status(400), 2);
    assert!(clock.sleeps().is_empty());
}

#[tokio::test]
async fn two_503s_then_success_takes_three_requests() {
    let (server, client) = setup(MockConfig::default()).await;
    server.script([Reply::status(503), Reply::status(503), Reply::Ok]);
    let clock = TestClock::new();
    let policy = Retrying::new()
        .stop(attempts(5))
        .wait(exponential(0.5, 0, 10))
        .retry(transient())
        .sleeper(clock.clone());
    let request = request();
    assert!(
        policy
            .call_async(|| client.complete(&request))
            .await
            .is_ok()
    );
    assert_eq!(clock.sleeps(), secs(&[0.5, 1.0]));
    let counts = server.counts();
    assert_eq!(counts.requests, 3);
    assert_eq!((counts.status(503), counts.status(200)), (2, 1));
}

#[tokio::test]
async fn a_slow_answer_trips_the_per_attempt_timeout_and_is_retried() {
    let (server, client) = setup(MockConfig::default()).await;
    server.script([Reply::Slow(Duration::from_secs(30)), Reply::Ok]);
    let failures = Arc::new(Mutex::new(Vec::new()));
    let seen = failures.clone();
    let clock = TestClock::new();
    let policy = Retrying::new()
        .stop(attempts(3))
        .wait(fixed(1))
        .retry(transient())
        .timeout(Duration::from_millis(50))
        .after(move |s: &State| {
            let e = s.error().unwrap();
            seen.lock().unwrap().push((e.is_timeout(), e.to_string()));
        })
        .sleeper(clock.clone());
    let started = Instant::now();
    let request = request();
    assert!(
        policy
            .call_async(|| client.complete(&request))
            .await
            .is_ok()
    );

    assert_eq!(
        *failures.lock().unwrap(),
        [(true, "attempt timed out after 50ms".to_string())]
    );
    assert_eq!(clock.sleeps(), secs(&[1.0]));
    let log = server.log();
    assert_eq!(
        log.iter().map(|r| r.outcome).collect::<Vec<_>>(),
        [Outcome::Slow, Outcome::Status(200)]
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_dropped_connection_is_transient_and_retried() {
    let (server, client) = setup(MockConfig::default()).await;
    server.script([Reply::Drop, Reply::Drop, Reply::Ok]);
    let failures = Arc::new(Mutex::new(Vec::new()));
    let seen = failures.clone();
    let policy = Retrying::new()
        .stop(attempts(3))
        .wait(fixed(1))
        .retry(transient())
        .after(move |s: &State| {
            let e = s.error().unwrap();
            let transport = matches!(e, HttpError::Transport(_));
            seen.lock().unwrap().push((transport, e.is_transient()));
        })
        .sleeper(TestClock::new());
    let request = request();
    assert!(
        policy
            .call_async(|| client.complete(&request))
            .await
            .is_ok()
    );
    assert_eq!(*failures.lock().unwrap(), [(true, true), (true, true)]);
    let counts = server.counts();
    assert_eq!(
        (counts.requests, counts.dropped, counts.status(200)),
        (3, 2, 1)
    );
}

/// A dropped connection is a reset (RST), as from a crashed server, not an orderly close.
#[tokio::test]
async fn a_dropped_connection_is_a_reset() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (server, _) = setup(MockConfig::default()).await;
    server.script([Reply::Drop]);
    let mut stream = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    let body = r#"{"model":"gpt-4.1","messages":[{"role":"user","content":"hi"}]}"#;
    let request = format!(
        "POST /v1/chat/completions HTTP/1.1\r\nhost: mock\r\ncontent-type: application/json\r\n\
         content-length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let error = stream.read_to_end(&mut answer).await.unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::ConnectionReset);
    assert!(answer.is_empty());
    assert_eq!(server.counts().dropped, 1);
}

#[tokio::test]
async fn a_refused_connection_is_transient() {
    // A port that was just free: nothing listens on it once the listener is closed.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base_url = format!("http://{}/v1", listener.local_addr().unwrap());
    drop(listener);
    let client = ChatClient::new(&base_url, None).unwrap();
    let mut calls = 0;
    let request = request();
    let err = Retrying::new()
        .stop(attempts(2))
        .retry(transient())
        .sleeper(TestClock::new())
        .call_async(|| {
            calls += 1;
            client.complete(&request)
        })
        .await
        .unwrap_err();
    let HttpError::Transport(inner) = &err else {
        panic!("expected a transport error, got {err}");
    };
    assert!(inner.is_connect(), "{err}");
    assert!(err.is_transient());
    assert_eq!(calls, 2);
}

#[tokio::test]
async fn random_faults_follow_the_seed() {
    let faults = Faults {
        slow: 0.0,
        drop_connection: 0.0,
        ..Faults::mix(0.6)
    };
    let outcomes = |seed| {
        let faults = faults.clone();
        async move {
            let (server, client) = setup(MockConfig {
                seed,
                faults,
                ..MockConfig::default()
            })
            .await;
            for n in 0..40 {
                let _ = client
                    .complete(&ChatRequest::new("m", format!("p{}", n % 10)))
                    .await;
            }
            server
                .log()
                .into_iter()
                .map(|r| r.outcome)
                .collect::<Vec<_>>()
        }
    };
    let first = outcomes(3).await;
    assert_eq!(first, outcomes(3).await);
    assert_ne!(first, outcomes(4).await);
    let faulty = first.iter().filter(|o| **o != Outcome::Status(200)).count();
    assert!((10..=38).contains(&faulty), "{faulty} faults in 40");
}

#[tokio::test]
async fn maintenance_answers_503_with_a_hint_and_health_says_so() {
    let (server, client) = setup(MockConfig::default()).await;
    server.start_maintenance(Duration::from_secs(90));
    let err = client.complete(&request()).await.unwrap_err();
    assert_eq!(err.to_string().lines().next().unwrap(), {
        "HTTP 503 Service Unavailable (retry after 90s): \
         The engine is currently overloaded, please try again later."
    });
    let health = retry_examples::chat::http_client()
        .build()
        .unwrap()
        .get(server.url("/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status().as_u16(), 503);
    assert_eq!(health.headers()["retry-after"], "90");
    assert_eq!(server.counts().health_checks, 1);
}

#[tokio::test]
async fn random_adversarial_hints_never_exceed_the_cap() {
    let (server, client) = setup(MockConfig {
        seed: 9,
        faults: Faults {
            adversarial_retry_after: 1.0,
            ..Faults::NONE
        },
        ..MockConfig::default()
    })
    .await;
    let clock = TestClock::new();
    let policy = Retrying::new()
        .stop(attempts(4))
        .wait(retry_after(fixed(0.25)).cap(10))
        .retry(transient())
        .sleeper(clock.clone());
    for n in 0..8 {
        let request = ChatRequest::new("gpt-4.1", format!("chaos {n}"));
        let err = policy
            .call_async(|| client.complete(&request))
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    }
    let counts = server.counts();
    assert_eq!((counts.requests, counts.status(429)), (32, 32));
    let allowed = secs(&[0.0, 0.25, 10.0]);
    let sleeps = clock.sleeps();
    assert_eq!(sleeps.len(), 24);
    assert!(sleeps.iter().all(|d| allowed.contains(d)), "{sleeps:?}");
    // The draws cover every kind of value: zero, ignored, capped.
    for kind in &allowed {
        assert!(sleeps.contains(kind), "no {kind:?} in {sleeps:?}");
    }
}
