//! Side-by-side benchmarks of one retried call: a plain call, a hand-written loop, this library
//! (a `#[retry]`-annotated function, `Retrying::call`/`call_async`, the `Engine` driven by hand),
//! backon and tokio-retry.
//!
//! - `happy/*`: the first attempt succeeds, which is what almost every call does;
//! - `failure/*`: 3 attempts that all fail, with a zero wait (the loop's own cost, no sleeping).
//!
//! `cargo bench --bench retry` measures; `cargo test --benches` runs each benchmark once (quick
//! test mode) so they keep compiling and working; `bash benches/callgrind.sh` counts each
//! contender's instructions per call. Ratios against the hand-written loop and backon are in
//! `docs/BENCHMARKS.md`.
//!
//! Every contender is one function of a group, `fn(&mut BenchmarkGroup)`, registered in that
//! group's list: adding one is one function and one list entry.

use std::hint::black_box;
use std::time::Duration;

use backon::{BlockingRetryable, ConstantBuilder, ExponentialBuilder, Retryable};
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, criterion_group, criterion_main};
use retry_core::stop::attempts;
use retry_core::wait::none;
use retry_core::{Retrying, Step, retry};
use tokio::runtime::Runtime;
use tokio_retry::strategy::{ExponentialBackoff, FixedInterval};

type Group<'a> = BenchmarkGroup<'a, WallTime>;

/// The operation's error.
#[derive(Debug)]
struct Failed(u64);

impl std::fmt::Display for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "failed with {}", self.0)
    }
}

/// The operation: succeeds with its input, or fails with it. The input goes through `black_box`
/// at every call so no contender can fold the outcome away.
#[inline(never)]
fn operation(succeed: bool, x: u64) -> Result<u64, Failed> {
    if succeed { Ok(x) } else { Err(Failed(x)) }
}

#[inline(never)]
async fn operation_async(succeed: bool, x: u64) -> Result<u64, Failed> {
    operation(succeed, x)
}

const ATTEMPTS: u32 = 3;

/// The loop everybody writes by hand: at most 3 attempts, a fixed sleep between them.
#[inline]
fn hand_written<T, E>(mut op: impl FnMut() -> Result<T, E>, wait: Duration) -> Result<T, E> {
    let mut attempt = 1;
    loop {
        match op() {
            Ok(value) => return Ok(value),
            Err(e) if attempt >= ATTEMPTS => return Err(e),
            Err(_) => {
                attempt += 1;
                if !wait.is_zero() {
                    std::thread::sleep(wait);
                }
            }
        }
    }
}

#[inline]
async fn hand_written_async<T, E, F: Future<Output = Result<T, E>>>(
    mut op: impl FnMut() -> F,
    wait: Duration,
) -> Result<T, E> {
    let mut attempt = 1;
    loop {
        match op().await {
            Ok(value) => return Ok(value),
            Err(e) if attempt >= ATTEMPTS => return Err(e),
            Err(_) => {
                attempt += 1;
                tokio::time::sleep(wait).await;
            }
        }
    }
}

/// The same calls as the hand-written loop's, through `#[retry]`: `#[inline]` like
/// `hand_written`, the operation called in the body exactly as the loop's closure calls it (with
/// `black_box` at every attempt). The happy path uses the bare default (3 attempts, full jitter),
/// like `Retrying::call`; the failure path 3 attempts with no wait.
#[retry]
#[inline]
fn annotated_happy() -> Result<u64, Failed> {
    operation(true, black_box(1))
}

#[retry(stop = attempts(3), wait = none)]
#[inline]
fn annotated_failure() -> Result<u64, Failed> {
    operation(false, black_box(1))
}

#[retry]
#[inline]
async fn annotated_happy_async() -> Result<u64, Failed> {
    operation_async(true, black_box(1)).await
}

#[retry(stop = attempts(3), wait = none)]
#[inline]
async fn annotated_failure_async() -> Result<u64, Failed> {
    operation_async(false, black_box(1)).await
}

/// The bare default again, built by hand in a `static` and passed with `policy = &..`: beside
/// `#[retry]`, whose literal policy the expansion builds at compile time itself.
static DEFAULT_POLICY: Retrying = Retrying::new();

#[retry(policy = &DEFAULT_POLICY)]
#[inline]
fn annotated_static() -> Result<u64, Failed> {
    operation(true, black_box(1))
}

#[retry(policy = &DEFAULT_POLICY)]
#[inline]
async fn annotated_static_async() -> Result<u64, Failed> {
    operation_async(true, black_box(1)).await
}

/// A current-thread runtime. Paused time on the failure path: there a zero wait is still a
/// `tokio::time::sleep(0)` for every contender, which on a running clock waits for the timer's
/// next 1 ms tick and would measure the tick instead of the loop.
fn runtime(paused: bool) -> Runtime {
    match tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(paused)
        .build()
    {
        Ok(rt) => rt,
        Err(e) => panic!("cannot build a tokio runtime: {e}"),
    }
}

// ---------------------------------------------------------------------------------------------
// The contenders. `SUCCEED` picks the happy path (true) or the failure path (false).

fn plain<const SUCCEED: bool>(g: &mut Group<'_>) {
    g.bench_function("plain call", |b| {
        b.iter(|| operation(SUCCEED, black_box(1)))
    });
}

fn hand_loop<const SUCCEED: bool>(g: &mut Group<'_>) {
    g.bench_function("hand-written loop", |b| {
        b.iter(|| {
            hand_written(
                || operation(SUCCEED, black_box(1)),
                black_box(Duration::ZERO),
            )
        })
    });
}

fn annotated<const SUCCEED: bool>(g: &mut Group<'_>) {
    g.bench_function("#[retry]", |b| {
        if SUCCEED {
            b.iter(annotated_happy)
        } else {
            b.iter(annotated_failure)
        }
    });
}

/// Happy path only: on the failure path building the policy is lost in the noise.
fn annotated_static_policy<const SUCCEED: bool>(g: &mut Group<'_>) {
    if SUCCEED {
        g.bench_function("#[retry(policy = &STATIC)]", |b| b.iter(annotated_static));
    }
}

fn retrying_call<const SUCCEED: bool>(g: &mut Group<'_>) {
    // The bare default (3 attempts, full jitter) on the happy path; no wait on the failure path.
    let policy = Retrying::new().stop(attempts(ATTEMPTS)).wait(none());
    let default = Retrying::new();
    g.bench_function("Retrying::call", |b| {
        if SUCCEED {
            b.iter(|| default.call(|| operation(SUCCEED, black_box(1))))
        } else {
            b.iter(|| policy.call(|| operation(SUCCEED, black_box(1))))
        }
    });
}

fn engine_by_hand<const SUCCEED: bool>(g: &mut Group<'_>) {
    let policy = Retrying::new().stop(attempts(ATTEMPTS)).wait(none());
    g.bench_function("Engine by hand", |b| {
        b.iter(|| {
            let mut engine = policy.start();
            loop {
                engine.before_attempt();
                match engine.on_outcome(operation(SUCCEED, black_box(1))) {
                    Step::Retry(delay) => engine.sleep_blocking(delay),
                    Step::Done(outcome) => break outcome,
                }
            }
        })
    });
}

fn backon_blocking<const SUCCEED: bool>(g: &mut Group<'_>) {
    g.bench_function("backon", |b| {
        if SUCCEED {
            b.iter(|| {
                (|| operation(SUCCEED, black_box(1)))
                    .retry(ExponentialBuilder::default())
                    .call()
            })
        } else {
            let zero = ConstantBuilder::new()
                .with_delay(Duration::ZERO)
                .with_max_times(ATTEMPTS as usize - 1);
            b.iter(|| (|| operation(SUCCEED, black_box(1))).retry(zero).call())
        }
    });
}

fn plain_async<const SUCCEED: bool>(g: &mut Group<'_>, rt: &Runtime) {
    g.bench_function("plain call", |b| {
        b.to_async(rt)
            .iter(|| operation_async(SUCCEED, black_box(1)))
    });
}

fn hand_loop_async<const SUCCEED: bool>(g: &mut Group<'_>, rt: &Runtime) {
    g.bench_function("hand-written loop", |b| {
        b.to_async(rt).iter(|| {
            hand_written_async(
                || operation_async(SUCCEED, black_box(1)),
                black_box(Duration::ZERO),
            )
        })
    });
}

fn annotated_async<const SUCCEED: bool>(g: &mut Group<'_>, rt: &Runtime) {
    g.bench_function("#[retry]", |b| {
        if SUCCEED {
            b.to_async(rt).iter(annotated_happy_async)
        } else {
            b.to_async(rt).iter(annotated_failure_async)
        }
    });
}

fn annotated_static_policy_async<const SUCCEED: bool>(g: &mut Group<'_>, rt: &Runtime) {
    if SUCCEED {
        g.bench_function("#[retry(policy = &STATIC)]", |b| {
            b.to_async(rt).iter(annotated_static_async)
        });
    }
}

fn retrying_call_async<const SUCCEED: bool>(g: &mut Group<'_>, rt: &Runtime) {
    let policy = Retrying::new().stop(attempts(ATTEMPTS)).wait(none());
    let default = Retrying::new();
    g.bench_function("Retrying::call_async", |b| {
        if SUCCEED {
            b.to_async(rt)
                .iter(|| default.call_async(|| operation_async(SUCCEED, black_box(1))))
        } else {
            b.to_async(rt)
                .iter(|| policy.call_async(|| operation_async(SUCCEED, black_box(1))))
        }
    });
}

fn engine_by_hand_async<const SUCCEED: bool>(g: &mut Group<'_>, rt: &Runtime) {
    let policy = Retrying::new().stop(attempts(ATTEMPTS)).wait(none());
    g.bench_function("Engine by hand", |b| {
        b.to_async(rt).iter(|| async {
            let mut engine = policy.start();
            loop {
                engine.before_attempt();
                let raw = engine
                    .guard_attempt(operation_async(SUCCEED, black_box(1)))
                    .await;
                let outcome = engine.finish_attempt(raw);
                match engine.on_outcome(outcome) {
                    Step::Retry(delay) => engine.sleep(delay).await,
                    Step::Done(outcome) => break outcome,
                }
            }
        })
    });
}

fn backon_async<const SUCCEED: bool>(g: &mut Group<'_>, rt: &Runtime) {
    g.bench_function("backon", |b| {
        if SUCCEED {
            b.to_async(rt).iter(|| {
                (|| operation_async(SUCCEED, black_box(1))).retry(ExponentialBuilder::default())
            })
        } else {
            let zero = ConstantBuilder::new()
                .with_delay(Duration::ZERO)
                .with_max_times(ATTEMPTS as usize - 1);
            b.to_async(rt)
                .iter(|| (|| operation_async(SUCCEED, black_box(1))).retry(zero))
        }
    });
}

fn tokio_retry<const SUCCEED: bool>(g: &mut Group<'_>, rt: &Runtime) {
    g.bench_function("tokio-retry", |b| {
        if SUCCEED {
            b.to_async(rt).iter(|| {
                tokio_retry::Retry::start(
                    ExponentialBackoff::from_millis(100).take(ATTEMPTS as usize - 1),
                    || operation_async(SUCCEED, black_box(1)),
                )
            })
        } else {
            b.to_async(rt).iter(|| {
                tokio_retry::Retry::start(
                    FixedInterval::new(Duration::ZERO).take(ATTEMPTS as usize - 1),
                    || operation_async(SUCCEED, black_box(1)),
                )
            })
        }
    });
}

// ---------------------------------------------------------------------------------------------
// The groups: one list of contenders each.

type SyncContender = fn(&mut Group<'_>);
type AsyncContender = fn(&mut Group<'_>, &Runtime);

fn sync_contenders<const SUCCEED: bool>() -> [SyncContender; 7] {
    [
        plain::<SUCCEED>,
        hand_loop::<SUCCEED>,
        annotated::<SUCCEED>,
        annotated_static_policy::<SUCCEED>,
        retrying_call::<SUCCEED>,
        engine_by_hand::<SUCCEED>,
        backon_blocking::<SUCCEED>,
    ]
}

fn async_contenders<const SUCCEED: bool>() -> [AsyncContender; 8] {
    [
        plain_async::<SUCCEED>,
        hand_loop_async::<SUCCEED>,
        annotated_async::<SUCCEED>,
        annotated_static_policy_async::<SUCCEED>,
        retrying_call_async::<SUCCEED>,
        engine_by_hand_async::<SUCCEED>,
        backon_async::<SUCCEED>,
        tokio_retry::<SUCCEED>,
    ]
}

fn run_sync(c: &mut Criterion, name: &str, contenders: &[SyncContender]) {
    let mut group = c.benchmark_group(name);
    for contender in contenders {
        contender(&mut group);
    }
    group.finish();
}

fn run_async(c: &mut Criterion, name: &str, paused: bool, contenders: &[AsyncContender]) {
    let rt = runtime(paused);
    let mut group = c.benchmark_group(name);
    for contender in contenders {
        contender(&mut group, &rt);
    }
    group.finish();
}

fn happy(c: &mut Criterion) {
    run_sync(c, "happy/sync", &sync_contenders::<true>());
    run_async(c, "happy/async", false, &async_contenders::<true>());
}

fn failure(c: &mut Criterion) {
    run_sync(c, "failure/sync", &sync_contenders::<false>());
    run_async(c, "failure/async", true, &async_contenders::<false>());
}

/// Sizes of the futures each contender's caller holds, printed with the results (and pinned by
/// `tests/future_size.rs`).
fn future_sizes(_: &mut Criterion) {
    // Sleep futures need a runtime's timer to be created.
    let rt = runtime(false);
    let _guard = rt.enter();
    let policy = Retrying::new();
    let body = operation_async(true, 1);
    let ours = policy.call_async(|| operation_async(true, 1));
    let annotated = annotated_happy_async();
    let annotated_static = annotated_static_async();
    let backon = (|| operation_async(true, 1)).retry(ExponentialBuilder::default().with_jitter());
    let tokio_retry =
        tokio_retry::Retry::start(ExponentialBackoff::from_millis(100).take(2), || {
            operation_async(true, 1)
        });
    println!(
        "future sizes (bytes): body {}, #[retry] async fn {}, #[retry(policy = &STATIC)] {}, \
         Retrying::call_async {}, backon Retry {}, tokio-retry Retry {}",
        size_of_val(&body),
        size_of_val(&annotated),
        size_of_val(&annotated_static),
        size_of_val(&ours),
        size_of_val(&backon),
        size_of_val(&tokio_retry),
    );
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(50)
}

criterion_group! {
    name = benches;
    config = config();
    targets = future_sizes, happy, failure
}
criterion_main!(benches);
