//! How big is the future a retried async call hands its caller, against the body's own future
//! and backon's `Retry` (exponential backoff, tokio sleeper)? The benchmarks print the same
//! numbers (docs/BENCHMARKS.md).

use backon::{ExponentialBuilder, Retryable};
use retry_core::Retrying;

async fn body(x: u64) -> Result<u64, String> {
    tokio::task::yield_now().await;
    Ok(x)
}

struct Sizes {
    body: usize,
    ours: usize,
    backon: usize,
}

fn sizes() -> Sizes {
    let policy = Retrying::new();
    let ours = policy.call_async(|| body(1));
    let backon = (|| body(1)).retry(ExponentialBuilder::default().with_jitter());
    let sizes = Sizes {
        body: size_of_val(&body(1)),
        ours: size_of_val(&ours),
        backon: size_of_val(&backon),
    };
    println!(
        "future sizes (bytes): body {}, Retrying::call_async {}, backon Retry {}",
        sizes.body, sizes.ours, sizes.backon
    );
    sizes
}

/// What a retried call adds to its body's future today (x86-64): the engine (192 bytes:
/// RetryStats 88, JitterRng 56, budget handle 16, permit, describer and policy pointers, flags),
/// `run_attempt`'s future (the attempt, plus `tokio::time::timeout`'s `Sleep` of 112 bytes even
/// when the policy has no timeout) and the policy reference: 408 bytes over this 40-byte body.
/// Fails if that grows.
#[test]
fn the_retry_overhead_does_not_grow() {
    let s = sizes();
    assert!(s.ours > s.body);
    assert!(s.ours - s.body <= 408, "overhead {} bytes", s.ours - s.body);
}

/// The target: smaller than backon's future. Not met yet (448 against 256 bytes on x86-64):
/// docs/BENCHMARKS.md says what costs what and how to get there.
#[test]
#[ignore = "target not met yet: see docs/BENCHMARKS.md, future sizes"]
fn ours_is_smaller_than_backons() {
    let s = sizes();
    assert!(
        s.ours < s.backon,
        "ours {} bytes, backon {} bytes",
        s.ours,
        s.backon
    );
}
