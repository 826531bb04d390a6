//! The `Retry-After` parser and the `retry_after` wait: table-driven cases and properties.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::HeaderMap;
use proptest::prelude::*;
use retry_core::http::{StatusError, parse_retry_after, retry_after_hint_at};
use retry_core::wait::{JitterRng, Wait, fixed, retry_after};
use retry_core::{DEFAULT_RETRY_AFTER_CAP, RetryState};

/// Wed, 21 Oct 2015 07:28:00 GMT minus 10 s.
const NOW: u64 = 1_445_412_470;

fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(NOW)
}

#[test]
fn table() {
    let cases: &[(&str, Option<u64>)] = &[
        // delay-seconds
        ("0", Some(0)),
        ("2", Some(2)),
        ("  120\t", Some(120)),
        ("007", Some(7)),
        ("1000000000", Some(1_000_000_000)),
        ("18446744073709551615", Some(u64::MAX)),
        ("123456789012345678901234567890", Some(u64::MAX)),
        // HTTP-date, the three forms RFC 9110 asks recipients to accept
        ("Wed, 21 Oct 2015 07:28:00 GMT", Some(10)),
        ("Wednesday, 21-Oct-15 07:28:00 GMT", Some(10)),
        ("Wed Oct 21 07:28:00 2015", Some(10)),
        ("Wed, 21 Oct 2015 08:28:00 GMT", Some(3610)),
        // past dates mean now
        ("Wed, 21 Oct 2015 07:27:50 GMT", Some(0)),
        ("Wed, 21 Oct 2015 07:00:00 GMT", Some(0)),
        ("Thu, 01 Jan 1970 00:00:00 GMT", Some(0)),
        // garbage and negatives are ignored
        ("", None),
        ("-1", None),
        ("-0", None),
        ("+3", None),
        ("2.5", None),
        ("1e2", None),
        ("0x10", None),
        ("2 s", None),
        ("tomorrow", None),
        ("Wed, 21 Oct 2015", None),
        ("Wed, 32 Oct 2015 07:28:00 GMT", None),
        ("Wed, 21 Oct 2015 07:28:00 PST", None),
    ];
    for (value, expected) in cases {
        assert_eq!(
            parse_retry_after(value, now()),
            expected.map(Duration::from_secs),
            "{value:?}"
        );
    }
}

#[test]
fn huge_values_are_clamped_by_the_wait() {
    let mut headers = HeaderMap::new();
    let mut rng = JitterRng::seeded(0);
    for (value, expected) in [
        ("1000000000", DEFAULT_RETRY_AFTER_CAP),
        ("86400", DEFAULT_RETRY_AFTER_CAP),
        ("Fri, 31 Dec 9999 23:59:59 GMT", DEFAULT_RETRY_AFTER_CAP),
        ("59", Duration::from_secs(59)),
        ("nonsense", Duration::from_millis(500)),
    ] {
        headers.insert("retry-after", value.parse().unwrap());
        let error =
            StatusError::from_parts_at(http::StatusCode::TOO_MANY_REQUESTS, &headers, now());
        let state = RetryState::<(), _>::at_attempt(1, Some(Err(error)));
        let wait = retry_after(fixed(0.5));
        assert_eq!(
            wait.next_wait(&mut (), &state, &mut rng),
            expected,
            "{value}"
        );
        let capped = retry_after(fixed(0.5)).cap(5);
        assert_eq!(
            capped.next_wait(&mut (), &state, &mut rng),
            expected.min(Duration::from_secs(5)),
            "{value}"
        );
    }
}

proptest! {
    #[test]
    fn any_delay_seconds(secs in any::<u64>(), pad in 0usize..3) {
        let value = format!("{}{secs}{}", " ".repeat(pad), "\t".repeat(pad));
        prop_assert_eq!(parse_retry_after(&value, now()), Some(Duration::from_secs(secs)));
    }

    #[test]
    fn any_digit_string_saturates(digits in "[0-9]{1,60}") {
        let expected = digits.parse::<u64>().unwrap_or(u64::MAX);
        prop_assert_eq!(parse_retry_after(&digits, now()), Some(Duration::from_secs(expected)));
    }

    #[test]
    fn any_date(offset in -4_000_000_000i64..200_000_000_000i64) {
        let then = if offset >= 0 {
            now() + Duration::from_secs(offset as u64)
        } else {
            now() - Duration::from_secs(offset.unsigned_abs().min(NOW))
        };
        let value = httpdate::fmt_http_date(then);
        let expected = Duration::from_secs(offset.max(0) as u64);
        prop_assert_eq!(parse_retry_after(&value, now()), Some(expected));
    }

    #[test]
    fn negative_numbers_are_ignored(n in 1u64..) {
        prop_assert_eq!(parse_retry_after(&format!("-{n}"), now()), None);
    }

    #[test]
    fn words_are_ignored(word in "[a-zA-Z][a-zA-Z ,:.-]{0,40}") {
        // A word is not a delay; a string of letters only is never an HTTP-date either.
        prop_assume!(httpdate::parse_http_date(&word).is_err());
        prop_assert_eq!(parse_retry_after(&word, now()), None);
    }

    #[test]
    fn nothing_panics_and_hints_stay_under_the_cap(value in "\\PC{0,64}", cap in 0u64..120) {
        let parsed = parse_retry_after(&value, now());
        if let Ok(header) = value.parse() {
            let mut headers = HeaderMap::new();
            headers.insert("retry-after", header);
            prop_assert_eq!(retry_after_hint_at(&headers, now()), parsed);
        }
        let error = StatusError::new(http::StatusCode::SERVICE_UNAVAILABLE).with_retry_after(parsed);
        let state = RetryState::<(), _>::at_attempt(1, Some(Err(error)));
        let wait = retry_after(fixed(1)).cap(cap);
        let slept = wait.next_wait(&mut (), &state, &mut JitterRng::seeded(0));
        match parsed {
            Some(hint) => prop_assert_eq!(slept, hint.min(Duration::from_secs(cap))),
            None => prop_assert_eq!(slept, Duration::from_secs(1)),
        }
    }
}
