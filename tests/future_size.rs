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

/// The same policy built at compile time and borrowed, as `policy = &..` allows today.
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

/// What the attribute adds to an annotated async fn's future today (x86-64): the engine
/// (120 bytes) and, unlike `call_async`, the policy itself (120 bytes for the bare default): the
/// expansion builds it in the fn, so it lives in the future beside the engine that borrows it.
/// The body's future and tokio's `Sleep` (112 bytes) share one slot. 320 bytes over this 56-byte
/// body; with `policy = &STATIC` only a reference is kept, 208 bytes. Fails if either grows.
#[test]
fn the_attributes_overhead_does_not_grow() {
    let s = sizes();
    assert!(s.annotated > s.annotated_body);
    let overhead = s.annotated - s.annotated_body;
    assert!(overhead <= 320, "overhead {overhead} bytes");
    let overhead = s.annotated_static - s.annotated_body;
    assert!(
        overhead <= 208,
        "overhead with a static policy {overhead} bytes"
    );
    // The policy by value is what separates the two.
    assert_eq!(
        s.annotated - s.annotated_static,
        size_of::<Retrying>() - size_of::<&Retrying>()
    );
}

/// The target: an annotated async fn's future smaller than backon's. Missed today (376 against
/// 256 bytes; 264 with `policy = &STATIC`) because the expansion keeps the policy, or a reference
/// to it, in the future. docs/BENCHMARKS.md measures the fix (the policy built at compile time
/// and the engine borrowing it directly: 256 bytes, 248 with a 20-byte jitter generator).
/// `cargo test --test future_size -- --ignored` shows where it stands.
#[test]
#[ignore = "missed: the expansion stores the policy in the future (docs/BENCHMARKS.md)"]
fn annotated_fns_future_is_smaller_than_backons() {
    let s = sizes();
    assert!(
        s.annotated < s.backon && s.annotated_static < s.backon,
        "#[retry] async fn {} bytes, with a static policy {}, backon {} bytes",
        s.annotated,
        s.annotated_static,
        s.backon
    );
}
