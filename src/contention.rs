//! A deterministic port of the contention model of AWS's "Exponential Backoff And Jitter" study,
//! driving this library's own wait strategies.
//!
//! `N` clients start at t = 0 and each wants to update one shared row once, with optimistic
//! concurrency: read the row's version, then write it conditionally on that version. A write
//! whose version is stale fails; its client backs off (asks its wait strategy for the sleep after
//! its `n`-th failure) and starts over with a read. Every message, request or reply, takes
//! `|Normal(10 ms, 2 ms)|`. As in the original:
//!
//! - **calls** ("work") counts the writes the server handles, failed and successful; reads are
//!   free;
//! - **time** is the moment the last client learns that its write succeeded;
//! - the backoff after the `n`-th failure is added to the delay of the next read request.
//!
//! Each wait strategy is asked through [`Wait::next_wait`] with a [`RetryState`] at attempt `n`
//! and the client's own seeded [`JitterRng`], exactly as the engine asks it. The network draws
//! from one generator per run. Everything is seeded, so a run is a pure function of
//! `(strategy, clients, seed)`.
//!
//! ```
//! use retry_core::wait::random_exponential;
//! use retry_examples::contention::{simulate, simulate_many};
//! use std::time::Duration;
//!
//! let full_jitter = random_exponential(Duration::from_millis(10), 0, 2);
//! let one = simulate(&full_jitter, 5, 7);
//! assert_eq!(one, simulate(&full_jitter, 5, 7));
//! assert!(one.calls >= 5);
//! let mean = simulate_many(&full_jitter, 5, 10, 7);
//! assert!(mean.calls >= 5.0);
//! ```

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Duration;

use rand::SeedableRng;
use rand::rngs::SmallRng;
use rand_distr::{Distribution, Normal};
use retry_core::RetryState;
use retry_core::wait::{JitterRng, Wait};

/// The study's network: each message takes `|Normal(MEAN, SD)|`.
pub const MESSAGE_MEAN: Duration = Duration::from_millis(10);
/// The standard deviation of a message's delay.
pub const MESSAGE_SD: Duration = Duration::from_millis(2);

/// What one run cost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Run {
    /// Writes the server handled (failed and successful).
    pub calls: u64,
    /// When the last client received its successful write's reply.
    pub time: Duration,
}

/// The mean over many runs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Mean {
    /// Mean writes per run.
    pub calls: f64,
    /// Mean completion time per run.
    pub time: Duration,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Message {
    /// A read request reaches the server.
    Read,
    /// The server's reply to a read reaches the client.
    ReadReply { version: u64 },
    /// A conditional write reaches the server.
    Write { version: u64 },
    /// The server's reply to a write reaches the client.
    WriteReply { written: bool },
}

struct Client<S> {
    failures: u32,
    wait_state: S,
    rng: JitterRng,
}

/// The seed of client `index`'s jitter generator in the run seeded with `seed`.
fn client_seed(seed: u64, index: usize) -> u64 {
    // SplitMix64's increment and finaliser: well-spread seeds for neighbouring indices.
    let mut z = seed
        .wrapping_add(0x9E37_79B9_7F4A_7C15u64.wrapping_mul(index as u64 + 1))
        .wrapping_add(0x2545_F491_4F6C_DD1D);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// One run of the model with `clients` clients, all backing off with `wait`.
///
/// ```
/// use retry_core::wait::none;
/// use retry_examples::contention::simulate;
/// // A single client never conflicts: one write, four messages of about 10 ms.
/// let run = simulate(&none(), 1, 1);
/// assert_eq!(run.calls, 1);
/// assert!(run.time > std::time::Duration::from_millis(20));
/// ```
pub fn simulate<W: Wait<(), ()>>(wait: &W, clients: usize, seed: u64) -> Run {
    let mut net = SmallRng::seed_from_u64(seed);
    let normal = match Normal::new(
        MESSAGE_MEAN.as_secs_f64() * 1e9,
        MESSAGE_SD.as_secs_f64() * 1e9,
    ) {
        Ok(normal) => normal,
        Err(e) => unreachable!("constant parameters are valid: {e}"),
    };
    let mut delay = move || normal.sample(&mut net).abs().round() as u64;

    let mut population: Vec<Client<W::State>> = (0..clients)
        .map(|i| Client {
            failures: 0,
            wait_state: W::State::default(),
            rng: JitterRng::seeded(client_seed(seed, i)),
        })
        .collect();
    // (arrival time in ns, sequence number for a total order, client, message)
    let mut queue = BinaryHeap::with_capacity(clients);
    let mut sequence = 0u64;
    let mut send = |queue: &mut BinaryHeap<_>, at: u64, client: usize, message: Message| {
        queue.push(Reverse((at, sequence, client, message)));
        sequence += 1;
    };
    for client in 0..clients {
        let at = delay();
        send(&mut queue, at, client, Message::Read);
    }

    let mut version = 0u64;
    let mut calls = 0u64;
    let mut now = 0u64;
    while let Some(Reverse((at, _, client, message))) = queue.pop() {
        now = at;
        match message {
            Message::Read => {
                let reply = now + delay();
                send(&mut queue, reply, client, Message::ReadReply { version });
            }
            Message::ReadReply { version: seen } => {
                let write = now + delay();
                send(&mut queue, write, client, Message::Write { version: seen });
            }
            Message::Write { version: expected } => {
                calls += 1;
                let written = expected == version;
                if written {
                    version += 1;
                }
                let reply = now + delay();
                send(&mut queue, reply, client, Message::WriteReply { written });
            }
            Message::WriteReply { written: true } => {}
            Message::WriteReply { written: false } => {
                let c = &mut population[client];
                c.failures += 1;
                let state = RetryState::at_attempt(c.failures, None);
                let backoff = wait.next_wait(&mut c.wait_state, &state, &mut c.rng);
                let backoff = u64::try_from(backoff.as_nanos()).unwrap_or(u64::MAX);
                let read = now.saturating_add(delay()).saturating_add(backoff);
                send(&mut queue, read, client, Message::Read);
            }
        }
    }
    Run {
        calls,
        time: Duration::from_nanos(now),
    }
}

/// The mean of `runs` runs, seeded `seed`, `seed + 1`, ...
///
/// ```
/// use retry_core::wait::none;
/// use retry_examples::contention::simulate_many;
/// assert_eq!(simulate_many(&none(), 1, 3, 0).calls, 1.0);
/// ```
pub fn simulate_many<W: Wait<(), ()>>(wait: &W, clients: usize, runs: u32, seed: u64) -> Mean {
    let mut calls = 0u64;
    let mut nanos = 0u128;
    for run in 0..runs {
        let result = simulate(wait, clients, seed.wrapping_add(u64::from(run)));
        calls += result.calls;
        nanos += result.time.as_nanos();
    }
    let runs = runs.max(1);
    Mean {
        calls: calls as f64 / f64::from(runs),
        time: Duration::from_nanos(u64::try_from(nanos / u128::from(runs)).unwrap_or(u64::MAX)),
    }
}
