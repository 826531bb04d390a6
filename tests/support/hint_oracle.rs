//! What the server-hint parsers must do with any header values at all: never panic, and give
//! exactly what `retry_core::http` documents. Shared by the proptest twin
//! (`tests/retry_after_fuzz.rs`) and the fuzz target `fuzz/fuzz_targets/retry_after.rs`, which
//! include this file by path.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use retry_core::RetryState;
use retry_core::http::{StatusError, parse_retry_after, retry_after_hint_at};
use retry_core::wait::{JitterRng, Wait, fixed, retry_after};

/// The delay headers, in the order `retry_after_hint_at` reads them.
pub const HEADERS: [&str; 4] = [
    "retry-after-ms",
    "retry-after",
    "ratelimit-reset",
    "x-ratelimit-reset",
];

/// The check's inputs: the time "now" (seconds since the epoch), a value for each of
/// [`HEADERS`] (raw bytes, absent when `None`), and the cap of the `retry_after` wait.
#[derive(Clone, Debug)]
pub struct HintCase {
    pub now_secs: u64,
    pub values: [Option<Vec<u8>>; 4],
    pub cap: Duration,
}

/// The fallback wait of the capped `retry_after` wait in the check.
const FALLBACK: Duration = Duration::from_millis(250);

/// Runs every parser on `case` and panics if any result differs from the documented one.
pub fn check_hints(case: &HintCase) {
    // `SystemTime` holds any u64 of seconds since the epoch on the platforms CI runs.
    let now = UNIX_EPOCH + Duration::from_secs(case.now_secs);

    let mut all = HeaderMap::new();
    let mut alone = [None, None, None, None];
    for (i, value) in case.values.iter().enumerate() {
        let Some(bytes) = value else { continue };
        // Bytes a header cannot hold never reach a parser.
        let Ok(header) = HeaderValue::from_bytes(bytes) else {
            continue;
        };
        let name = HeaderName::from_static(HEADERS[i]);
        all.insert(name.clone(), header.clone());
        let mut one = HeaderMap::new();
        one.insert(name, header.clone());
        let hint = retry_after_hint_at(&one, now);
        match header.to_str() {
            // Values that are not visible ASCII are ignored.
            Err(_) => assert_eq!(hint, None, "{}: {bytes:?}", HEADERS[i]),
            Ok(text) => check_one(i, text, hint, now),
        }
        alone[i] = Some(hint);
    }

    // The first header that gives a hint wins, whatever the others hold.
    let expected = alone.iter().flatten().find_map(|hint| *hint);
    let hint = retry_after_hint_at(&all, now);
    assert_eq!(hint, expected, "{:?}", case.values);

    // What the wait does with it: the hint up to the cap, or the fallback.
    let error = StatusError::from_parts_at(StatusCode::TOO_MANY_REQUESTS, &all, now);
    let state = RetryState::<(), _>::at_attempt(1, Some(Err(error)));
    let wait = retry_after(fixed(FALLBACK)).cap(case.cap);
    let slept = wait.next_wait(&mut (), &state, &mut JitterRng::seeded(0));
    match hint {
        Some(hint) => assert_eq!(slept, hint.min(case.cap)),
        None => assert_eq!(slept, FALLBACK),
    }
    assert!(slept <= case.cap.max(FALLBACK));
}

/// One header alone: its hint is what its documented reading of `text` gives.
fn check_one(index: usize, text: &str, hint: Option<Duration>, now: SystemTime) {
    let trimmed = text.trim();
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let is_number = match trimmed.split_once('.') {
        Some((whole, fraction)) => !whole.is_empty() && digits(whole) && digits(fraction),
        None => !trimmed.is_empty() && digits(trimmed),
    };
    let number = || trimmed.parse::<f64>().ok().filter(|_| is_number);
    let seconds = |secs: f64| Duration::try_from_secs_f64(secs).unwrap_or(Duration::MAX);
    match HEADERS[index] {
        "retry-after-ms" => assert_eq!(hint, number().map(|ms| seconds(ms / 1000.0)), "{text:?}"),
        "retry-after" => {
            let parsed = parse_retry_after(text, now);
            assert_eq!(hint, parsed, "{text:?}");
            check_retry_after(trimmed, parsed, now);
        }
        "ratelimit-reset" => assert_eq!(hint, number().map(seconds), "{text:?}"),
        _ => {
            let expected = number().map(|reset| {
                if reset >= 1e9 {
                    // A point in time: the time left until it, computed without `SystemTime`
                    // arithmetic (a reset may lie beyond what a `SystemTime` can hold).
                    let since_epoch = now.duration_since(UNIX_EPOCH).unwrap_or_default();
                    seconds(reset).saturating_sub(since_epoch)
                } else {
                    seconds(reset)
                }
            });
            assert_eq!(hint, expected, "{text:?}");
        }
    }
}

/// `parse_retry_after`: delay-seconds exactly (saturating), an HTTP-date as the time from `now`
/// (zero if past), nothing else.
fn check_retry_after(trimmed: &str, parsed: Option<Duration>, now: SystemTime) {
    if trimmed.is_empty() {
        assert_eq!(parsed, None);
    } else if trimmed.bytes().all(|b| b.is_ascii_digit()) {
        let secs = trimmed.parse::<u64>().unwrap_or(u64::MAX);
        assert_eq!(parsed, Some(Duration::from_secs(secs)), "{trimmed:?}");
    } else {
        match httpdate::parse_http_date(trimmed) {
            Ok(date) => {
                let until = date.duration_since(now).unwrap_or(Duration::ZERO);
                assert_eq!(parsed, Some(until), "{trimmed:?}");
                // HTTP-dates end in 9999: never more than that from now.
                let last = UNIX_EPOCH + Duration::from_secs(253_402_300_799);
                assert!(parsed <= Some(last.duration_since(now).unwrap_or(Duration::ZERO)));
            }
            Err(_) => assert_eq!(parsed, None, "{trimmed:?}"),
        }
    }
}
