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

/// What a retried call adds to its body's future today (x86-64): the engine (120 bytes: the policy
/// and describer pointers, the attempt counter and flags, and the part a failure needs: start time,
/// elapsed/idle/next-sleep nanoseconds, budget handle and permit, a 16-byte jitter generator) and
/// the policy reference; the body's future and tokio's `Sleep` (112 bytes) share one slot, since
/// they are never alive at the same time. 208 bytes over this 40-byte body. Fails if that grows.
#[test]
fn the_retry_overhead_does_not_grow() {
    let s = sizes();
    assert!(s.ours > s.body);
    assert!(s.ours - s.body <= 208, "overhead {} bytes", s.ours - s.body);
}

/// Smaller than backon's future (248 against 256 bytes on x86-64).
#[test]
fn ours_is_smaller_than_backons() {
    let s = sizes();
    assert!(
        s.ours < s.backon,
        "ours {} bytes, backon {} bytes",
        s.ours,
        s.backon
    );
}
