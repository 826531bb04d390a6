//! Cancellation: a dropped retrying future makes no further attempt, whether it was sleeping or
//! running an attempt; `tokio::time::timeout` around a call works and leaves nothing behind; and
//! a stop-on-flag strategy ends a long loop promptly from another task or thread.
//!
//! "Promptly" for `on_flag` / `on_cancel` means: at the first failed attempt whose outcome
//! arrives after the flag is set. The stop check runs after every failure, so the latency is the
//! rest of the current sleep (if the loop was sleeping) plus at most one attempt, and at most one
//! attempt starts after the flag became visible. All times below are virtual (paused tokio time).

use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use retry_core::stop::{attempts, never, on_cancel, on_flag};
use retry_core::wait::{fixed, none};
use retry_core::{RetryState, Retrying, Step, StopReason};
use tokio::time::{Instant, advance, sleep};

/// Counts attempts: started, finished, and in flight (alive futures; a dropped one decrements).
#[derive(Clone, Default)]
struct Attempts {
    started: Arc<AtomicU32>,
    finished: Arc<AtomicU32>,
    live: Arc<AtomicI32>,
    starts: Arc<Mutex<Vec<Duration>>>,
}

struct InFlight(Arc<AtomicI32>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Attempts {
    /// One attempt that takes `length` of virtual time and fails.
    fn attempt(
        &self,
        origin: Instant,
        length: Duration,
    ) -> impl Future<Output = Result<(), &'static str>> + Send + 'static {
        self.started.fetch_add(1, Ordering::SeqCst);
        self.starts.lock().unwrap().push(origin.elapsed());
        self.live.fetch_add(1, Ordering::SeqCst);
        let guard = InFlight(self.live.clone());
        let finished = self.finished.clone();
        async move {
            let _guard = guard;
            sleep(length).await;
            finished.fetch_add(1, Ordering::SeqCst);
            Err("down")
        }
    }

    fn counts(&self) -> (u32, u32, i32) {
        (
            self.started.load(Ordering::SeqCst),
            self.finished.load(Ordering::SeqCst),
            self.live.load(Ordering::SeqCst),
        )
    }

    fn starts(&self) -> Vec<Duration> {
        self.starts.lock().unwrap().clone()
    }
}

fn secs(v: &[u64]) -> Vec<Duration> {
    v.iter().copied().map(Duration::from_secs).collect()
}

const SECOND: Duration = Duration::from_secs(1);

/// Attempts of 1 s separated by 10 s sleeps: attempts run over [0, 1], [11, 12], [22, 23], ...
fn slow_policy() -> Retrying<retry_core::stop::Attempts, retry_core::wait::Fixed> {
    Retrying::new().stop(attempts(100)).wait(fixed(10))
}

/// Runs `future` alone until `at` (virtual time from now), then hands it back unfinished.
async fn run_until<F: Future + Unpin>(future: &mut F, at: Duration) {
    tokio::select! {
        _ = future => panic!("the call should still be running"),
        _ = sleep(at) => {}
    }
}

#[tokio::test(start_paused = true)]
async fn dropping_call_async_while_it_sleeps_makes_no_further_attempt() {
    let counter = Attempts::default();
    let policy = slow_policy();
    let origin = Instant::now();
    let mut call = Box::pin(policy.call_async(|| counter.attempt(origin, SECOND)));
    run_until(&mut call, Duration::from_secs(15)).await;
    // Two attempts ran; the loop is in its second sleep (12 s to 22 s), no attempt in flight.
    assert_eq!(counter.counts(), (2, 2, 0));
    drop(call);
    advance(Duration::from_secs(1000)).await;
    sleep(Duration::from_secs(1000)).await;
    assert_eq!(counter.counts(), (2, 2, 0));
    assert_eq!(counter.starts(), secs(&[0, 11]));
}

#[tokio::test(start_paused = true)]
async fn dropping_call_async_during_an_attempt_cancels_it_and_makes_no_other() {
    let counter = Attempts::default();
    let policy = slow_policy();
    let origin = Instant::now();
    let mut call = Box::pin(policy.call_async(|| counter.attempt(origin, SECOND)));
    run_until(&mut call, Duration::from_millis(11_500)).await;
    // The second attempt (11 s to 12 s) is running.
    assert_eq!(counter.counts(), (2, 1, 1));
    drop(call);
    // Dropping the call dropped the attempt's future: it never finishes.
    assert_eq!(counter.counts(), (2, 1, 0));
    sleep(Duration::from_secs(1000)).await;
    assert_eq!(counter.counts(), (2, 1, 0));
}

#[tokio::test(start_paused = true)]
async fn aborting_a_spawned_call_during_an_attempt_stops_it() {
    let counter = Attempts::default();
    let policy = Arc::new(slow_policy());
    let origin = Instant::now();
    let task = {
        let (policy, counter) = (policy.clone(), counter.clone());
        tokio::spawn(async move { policy.call_async(|| counter.attempt(origin, SECOND)).await })
    };
    sleep(Duration::from_millis(22_500)).await;
    assert_eq!(counter.counts(), (3, 2, 1));
    task.abort();
    assert!(task.await.unwrap_err().is_cancelled());
    assert_eq!(counter.counts(), (3, 2, 0));
    sleep(Duration::from_secs(1000)).await;
    assert_eq!(counter.counts(), (3, 2, 0));
}

/// The engine driven by hand, the way `#[retry]` expands.
async fn engine_loop(
    policy: &Retrying<retry_core::stop::Attempts, retry_core::wait::Fixed>,
    counter: &Attempts,
    origin: Instant,
) -> Result<(), &'static str> {
    let mut engine = policy.start();
    loop {
        engine.before_attempt();
        let raw = engine.guard_attempt(counter.attempt(origin, SECOND)).await;
        let outcome = engine.finish_attempt(raw);
        let delay = match engine.on_outcome(outcome) {
            Step::Retry(delay) => delay,
            Step::Done(outcome) => return outcome,
        };
        engine.sleep(delay).await;
    }
}

#[tokio::test(start_paused = true)]
async fn dropping_a_hand_driven_engine_loop_makes_no_further_attempt() {
    let policy = slow_policy();
    let origin = Instant::now();

    // While sleeping.
    let counter = Attempts::default();
    let mut call = Box::pin(engine_loop(&policy, &counter, origin));
    run_until(&mut call, Duration::from_secs(15)).await;
    assert_eq!(counter.counts(), (2, 2, 0));
    drop(call);
    sleep(Duration::from_secs(1000)).await;
    assert_eq!(counter.counts(), (2, 2, 0));

    // While an attempt runs.
    let counter = Attempts::default();
    let origin = Instant::now();
    let mut call = Box::pin(engine_loop(&policy, &counter, origin));
    run_until(&mut call, Duration::from_millis(11_500)).await;
    assert_eq!(counter.counts(), (2, 1, 1));
    drop(call);
    assert_eq!(counter.counts(), (2, 1, 0));
    sleep(Duration::from_secs(1000)).await;
    assert_eq!(counter.counts(), (2, 1, 0));
    assert_eq!(counter.starts(), secs(&[0, 11]));
}

#[tokio::test(start_paused = true)]
async fn a_timeout_around_the_call_ends_it_on_time_and_leaves_no_attempt_behind() {
    let policy = slow_policy();

    // The deadline falls in a sleep.
    let counter = Attempts::default();
    let origin = Instant::now();
    let timed = tokio::time::timeout(
        Duration::from_secs(15),
        policy.call_async(|| counter.attempt(origin, SECOND)),
    )
    .await;
    assert!(timed.is_err());
    assert_eq!(origin.elapsed(), Duration::from_secs(15));
    assert_eq!(counter.counts(), (2, 2, 0));
    sleep(Duration::from_secs(1000)).await;
    assert_eq!(counter.counts(), (2, 2, 0));

    // The deadline falls in an attempt: the attempt is cancelled with the call.
    let counter = Attempts::default();
    let origin = Instant::now();
    let timed = tokio::time::timeout(
        Duration::from_millis(22_500),
        policy.call_async(|| counter.attempt(origin, SECOND)),
    )
    .await;
    assert!(timed.is_err());
    assert_eq!(origin.elapsed(), Duration::from_millis(22_500));
    assert_eq!(counter.counts(), (3, 2, 0));
    sleep(Duration::from_secs(1000)).await;
    assert_eq!(counter.counts(), (3, 2, 0));

    // A generous deadline lets the policy finish: 3 attempts, 2 sleeps.
    let counter = Attempts::default();
    let origin = Instant::now();
    let three = Retrying::new().stop(attempts(3)).wait(fixed(10));
    let timed = tokio::time::timeout(
        Duration::from_secs(60),
        three.call_async(|| counter.attempt(origin, SECOND)),
    )
    .await;
    assert_eq!(timed.unwrap(), Err("down"));
    assert_eq!(origin.elapsed(), Duration::from_secs(23));
    assert_eq!(counter.counts(), (3, 3, 0));
}

#[tokio::test(start_paused = true)]
async fn a_flag_set_by_another_task_during_a_sleep_stops_the_loop_at_the_next_failure() {
    let flag = Arc::new(AtomicBool::new(false));
    let counter = Attempts::default();
    let policy = Retrying::new()
        .stop(never() | on_flag(flag.clone()))
        .wait(fixed(10));
    let origin = Instant::now();
    let setter = {
        let flag = flag.clone();
        tokio::spawn(async move {
            sleep(Duration::from_secs(25)).await;
            flag.store(true, Ordering::Release);
        })
    };
    let err = policy
        .call_async_detailed(|| counter.attempt(origin, SECOND))
        .await
        .unwrap_err();
    setter.await.unwrap();
    // Set at 25 s, in the sleep from 23 s to 33 s; the attempt at 33 s fails at 34 s and the
    // loop stops there: 8 s of sleep left plus one 1 s attempt.
    assert_eq!(err.reason(), StopReason::Cancelled);
    assert_eq!(err.attempts(), 4);
    assert_eq!(origin.elapsed(), Duration::from_secs(34));
    assert_eq!(counter.starts(), secs(&[0, 11, 22, 33]));
    sleep(Duration::from_secs(1000)).await;
    assert_eq!(counter.counts(), (4, 4, 0));
}

#[tokio::test(start_paused = true)]
async fn a_cancel_check_set_during_an_attempt_stops_the_loop_when_it_fails() {
    let cancelled = Arc::new(AtomicBool::new(false));
    let counter = Attempts::default();
    let seen = cancelled.clone();
    let policy = Retrying::new()
        .stop(on_cancel(move || seen.load(Ordering::Acquire)))
        .wait(fixed(10));
    let origin = Instant::now();
    let setter = {
        let cancelled = cancelled.clone();
        tokio::spawn(async move {
            sleep(Duration::from_millis(22_500)).await;
            cancelled.store(true, Ordering::Release);
        })
    };
    let err = policy
        .call_async_detailed(|| counter.attempt(origin, SECOND))
        .await
        .unwrap_err();
    setter.await.unwrap();
    // Set at 22.5 s, during the attempt from 22 s to 23 s: that attempt is the last.
    assert_eq!((err.reason(), err.attempts()), (StopReason::Cancelled, 3));
    assert_eq!(origin.elapsed(), Duration::from_secs(23));
}

#[tokio::test(start_paused = true)]
async fn a_flag_set_by_another_thread_during_a_sleep_stops_the_loop_at_the_next_failure() {
    let flag = Arc::new(AtomicBool::new(false));
    let (sleeping_tx, sleeping_rx) = mpsc::channel::<u32>();
    let (set_tx, set_rx) = mpsc::channel::<()>();
    let thread = {
        let flag = flag.clone();
        std::thread::spawn(move || {
            let attempt = sleeping_rx.recv().unwrap();
            flag.store(true, Ordering::Release);
            set_tx.send(()).unwrap();
            attempt
        })
    };
    let counter = Attempts::default();
    let sleeping_tx = Mutex::new(Some(sleeping_tx));
    let policy = Retrying::new()
        .stop(never() | on_flag(flag.clone()))
        .wait(fixed(10))
        .before_sleep(|s: &RetryState<(), &str>| {
            // Tell the other thread the loop is going to sleep after its second attempt.
            if s.attempt() == 2 {
                let tx = sleeping_tx.lock().unwrap().take().unwrap();
                tx.send(s.attempt()).unwrap();
            }
        });
    let origin = Instant::now();
    let err = policy
        .call_async_detailed(|| {
            if counter.started.load(Ordering::SeqCst) == 2 {
                // The third attempt starts only once the other thread has set the flag, so
                // the flag flips during the sleep before it.
                set_rx.recv().unwrap();
            }
            counter.attempt(origin, SECOND)
        })
        .await
        .unwrap_err();
    assert_eq!(thread.join().unwrap(), 2);
    assert_eq!((err.reason(), err.attempts()), (StopReason::Cancelled, 3));
    assert_eq!(origin.elapsed(), Duration::from_secs(23));
    assert_eq!(counter.starts(), secs(&[0, 11, 22]));
}

#[test]
fn a_flag_set_by_another_thread_stops_a_busy_sync_loop_within_one_attempt() {
    // A loop that never sleeps (instant attempts, no wait) against a thread that sets the flag
    // once the loop is well under way. Each attempt reads the flag as it starts: at most one
    // attempt may start after the flag became visible (the stop check after its failure sees
    // the flag too, being later on the same thread).
    let flag = Arc::new(AtomicBool::new(false));
    let calls = Arc::new(AtomicU32::new(0));
    let setter = {
        let (flag, calls) = (flag.clone(), calls.clone());
        std::thread::spawn(move || {
            while calls.load(Ordering::Acquire) < 1_000 {
                std::thread::yield_now();
            }
            flag.store(true, Ordering::Release);
        })
    };
    let policy = Retrying::new()
        .stop(never() | on_flag(flag.clone()))
        .wait(none())
        // Zero-length sleeps that record nothing, however long the loop runs.
        .sleeper(retry_core::sleep::from_fn(|_: Duration| {}));
    let mut started_after_flag = 0;
    let err = policy
        .call_detailed(|| {
            if flag.load(Ordering::Acquire) {
                started_after_flag += 1;
            }
            calls.fetch_add(1, Ordering::Release);
            Err::<(), _>("down")
        })
        .unwrap_err();
    setter.join().unwrap();
    assert_eq!(err.reason(), StopReason::Cancelled);
    assert!(err.attempts() >= 1_000);
    assert!(
        started_after_flag <= 1,
        "{started_after_flag} attempts started after the flag was set"
    );
    assert_eq!(err.attempts(), calls.load(Ordering::Acquire));
}

#[tokio::test(start_paused = true)]
async fn a_flag_does_not_cut_a_long_sleep_short_but_racing_the_call_does() {
    // The stop check runs after failures only: a loop that just started a one-hour sleep sees
    // the flag after that hour and one more attempt.
    let flag = Arc::new(AtomicBool::new(false));
    let counter = Attempts::default();
    let policy = Retrying::new()
        .stop(never() | on_flag(flag.clone()))
        .wait(fixed(3600));
    let origin = Instant::now();
    let setter = {
        let flag = flag.clone();
        tokio::spawn(async move {
            sleep(Duration::from_secs(5)).await;
            flag.store(true, Ordering::Release);
        })
    };
    let err = policy
        .call_async_detailed(|| counter.attempt(origin, SECOND))
        .await
        .unwrap_err();
    setter.await.unwrap();
    assert_eq!((err.reason(), err.attempts()), (StopReason::Cancelled, 2));
    assert_eq!(origin.elapsed(), Duration::from_secs(1 + 3600 + 1));

    // Racing the call against a cancellation signal stops it at once: dropping the retrying
    // future is safe at any point (see the tests above).
    let (cancel_tx, mut cancel_rx) = tokio::sync::watch::channel(false);
    let counter = Attempts::default();
    let policy = Retrying::new().stop(never()).wait(fixed(3600));
    let origin = Instant::now();
    tokio::spawn(async move {
        sleep(Duration::from_secs(5)).await;
        cancel_tx.send(true).unwrap();
    });
    let raced = tokio::select! {
        result = policy.call_async(|| counter.attempt(origin, SECOND)) => Some(result),
        _ = cancel_rx.wait_for(|cancelled| *cancelled) => None,
    };
    assert_eq!(raced, None);
    assert_eq!(origin.elapsed(), Duration::from_secs(5));
    assert_eq!(counter.counts(), (1, 1, 0));
    sleep(Duration::from_secs(7200)).await;
    assert_eq!(counter.counts(), (1, 1, 0));
}
