//! How big is the future a retried async call hands its caller, against the body's own future
//! and backon's `Retry` (exponential backoff, tokio sleeper)? For `Retrying::call_async` and for a
//! `#[retry]`-annotated async fn. The benchmarks print the same numbers (docs/BENCHMARKS.md).

use backon::{ExponentialBuilder, Retryable};
use retry_core::{Retrying, retry};

async fn body(x: u64) -> Result<u64, String> {
    tokio::task::yield_now().await;
    Ok(x)
}

/// `body` under the bare `#[retry]` (3 attempts, full jitter: what backon's
/// `ExponentialBuilder::default().with_jitter()` is compared with).
#[retry]
async fn annotated(x: u64) -> Result<u64, String> {
    body(x).await
}

/// The same policy built by hand in a `static` and borrowed with `policy = &..`.
static DEFAULT: Retrying = Retrying::new();

#[retry(policy = &DEFAULT)]
async fn annotated_static(x: u64) -> Result<u64, String> {
    body(x).await
}

/// What the annotated fn's body is without the attribute.
async fn unannotated(x: u64) -> Result<u64, String> {
    body(x).await
}

struct Sizes {
    body: usize,
    ours: usize,
    backon: usize,
    annotated: usize,
    annotated_static: usize,
    annotated_body: usize,
}

fn sizes() -> Sizes {
    let policy = Retrying::new();
    let ours = policy.call_async(|| body(1));
    let backon = (|| body(1)).retry(ExponentialBuilder::default().with_jitter());
    let sizes = Sizes {
        body: size_of_val(&body(1)),
        ours: size_of_val(&ours),
        backon: size_of_val(&backon),
        annotated: size_of_val(&annotated(1)),
        annotated_static: size_of_val(&annotated_static(1)),
        annotated_body: size_of_val(&unannotated(1)),
    };
    println!(
        "future sizes (bytes): body {}, Retrying::call_async {}, backon Retry {}, \
         #[retry] async fn {}, with `policy = &STATIC` {} (its body without the attribute {})",
        sizes.body,
        sizes.ours,
        sizes.backon,
        sizes.annotated,
        sizes.annotated_static,
        sizes.annotated_body
    );
    sizes
}

/// What a retried call adds to its body's future today (x86-64): the engine (112 bytes: the policy
/// and describer pointers, the attempt counter and flags, and the part a failure needs: start time,
/// elapsed/idle/next-sleep nanoseconds, budget handle and permit, a 20-byte jitter generator) and
/// the policy reference; the body's future and tokio's `Sleep` (112 bytes) share one slot, since
/// they are never alive at the same time. 200 bytes over this 40-byte body. Fails if that grows.
#[test]
fn the_retry_overhead_does_not_grow() {
    let s = sizes();
    assert!(s.ours > s.body);
    assert!(s.ours - s.body <= 200, "overhead {} bytes", s.ours - s.body);
}

/// Smaller than backon's future (240 against 256 bytes on x86-64).
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

/// What the attribute adds to an annotated async fn's future today (x86-64): the engine
/// (112 bytes), which borrows the policy the expansion built at compile time (the bare default
/// is all literals), and the slot the body's future and tokio's `Sleep` (112 bytes) share.
/// 192 bytes over this 56-byte body. With `policy = &STATIC` the expansion also keeps the
/// reference it was given, which the engine borrows: 200 bytes. Fails if either grows.
#[test]
fn the_attributes_overhead_does_not_grow() {
    let s = sizes();
    assert!(s.annotated > s.annotated_body);
    let overhead = s.annotated - s.annotated_body;
    assert!(overhead <= 192, "overhead {overhead} bytes");
    let overhead = s.annotated_static - s.annotated_body;
    assert!(
        overhead <= 200,
        "overhead with a static policy {overhead} bytes"
    );
    // A policy of literals is no dearer than one built by hand in a `static`.
    assert!(s.annotated <= s.annotated_static);
}

/// The target: an annotated async fn's future smaller than backon's (248 against 256 bytes on
/// x86-64, for this fn of one `u64` argument).
#[test]
fn annotated_fns_future_is_smaller_than_backons() {
    let s = sizes();
    assert!(
        s.annotated < s.backon,
        "#[retry] async fn {} bytes, backon {} bytes",
        s.annotated,
        s.backon
    );
}
