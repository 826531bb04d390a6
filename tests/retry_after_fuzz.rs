//! The proptest twin of the fuzz target `fuzz/fuzz_targets/retry_after.rs`: arbitrary bytes and
//! near-valid values (numbers, fractions, signs, HTTP-dates in all three forms and mangled,
//! the adversarial values the mock server sends, padding, bytes above ASCII) in every delay header
//! at once, at any "now". The parsers never panic, each header alone gives exactly its documented
//! reading, the first header with a hint wins, and the capped wait never sleeps longer than its
//! cap (`tests/support/hint_oracle.rs`).

use std::time::{Duration, UNIX_EPOCH};

use proptest::prelude::*;
use proptest::test_runner::RngAlgorithm;
use retry_examples::mock_server::ADVERSARIAL_RETRY_AFTER;

#[path = "support/hint_oracle.rs"]
mod hint_oracle;

use hint_oracle::{HintCase, check_hints};

/// The last second an HTTP-date can name (Fri, 31 Dec 9999 23:59:59 GMT).
const LAST_DATE: u64 = 253_402_300_799;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 10_000,
        rng_algorithm: RngAlgorithm::XorShift,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn now_secs() -> impl Strategy<Value = u64> {
    prop_oneof![
        Just(0),
        Just(1_700_000_000),
        Just(LAST_DATE),
        Just(LAST_DATE + 1),
        0..=LAST_DATE,
        // Far past the last HTTP-date, up to where `SystemTime` still adds without overflow.
        LAST_DATE..=(i64::MAX as u64 / 2),
    ]
}

/// An HTTP-date in one of the three forms RFC 9110 asks recipients to accept.
fn date() -> impl Strategy<Value = String> {
    (0..=LAST_DATE, 0..3u8).prop_map(|(secs, form)| {
        let imf = httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(secs));
        // "Sun, 06 Nov 1994 08:49:37 GMT"
        let parts: Vec<&str> = imf.split(' ').collect();
        match form {
            0 => imf.clone(),
            // "Sunday, 06-Nov-94 08:49:37 GMT": rfc850 (two-digit years)
            1 => {
                let day = match parts[0] {
                    "Mon," => "Monday",
                    "Tue," => "Tuesday",
                    "Wed," => "Wednesday",
                    "Thu," => "Thursday",
                    "Fri," => "Friday",
                    "Sat," => "Saturday",
                    _ => "Sunday",
                };
                let year = &parts[3][parts[3].len() - 2..];
                format!("{day}, {}-{}-{year} {} GMT", parts[1], parts[2], parts[4])
            }
            // "Sun Nov  6 08:49:37 1994": asctime
            _ => {
                let day: u32 = parts[1].parse().unwrap_or(1);
                format!(
                    "{} {} {day:>2} {} {}",
                    parts[0].trim_end_matches(','),
                    parts[2],
                    parts[4],
                    parts[3]
                )
            }
        }
    })
}

/// Text that is almost a valid value, or exactly one.
fn near_valid() -> impl Strategy<Value = String> {
    let mangled = (date(), any::<usize>(), any::<char>()).prop_map(|(d, at, c)| {
        let mut chars: Vec<char> = d.chars().collect();
        let at = at % chars.len();
        chars[at] = c;
        chars.into_iter().collect()
    });
    prop_oneof![
        prop::sample::select(ADVERSARIAL_RETRY_AFTER.as_slice()).prop_map(str::to_string),
        any::<u64>().prop_map(|n| n.to_string()),
        "[0-9]{1,400}",
        "[-+]?[0-9]{0,25}(\\.[0-9]{0,25})?([eE][-+]?[0-9]{1,3})?",
        "(inf|NaN|infinity|-0|0x1F|1_000|١٢٣)",
        date(),
        mangled,
        "\\PC{0,40}",
    ]
}

fn value() -> impl Strategy<Value = Option<Vec<u8>>> {
    let padded = (near_valid(), "[ \t]{0,3}", "[ \t]{0,3}")
        .prop_map(|(text, before, after)| format!("{before}{text}{after}").into_bytes());
    prop::option::weighted(
        0.7,
        prop_oneof![
            4 => padded,
            1 => prop::collection::vec(any::<u8>(), 0..48),
            // obs-text: a header may hold it, `to_str` refuses it.
            1 => "[0-9]{1,4}".prop_map(|d| [d.as_bytes(), &[0xE9, b'1']].concat()),
        ],
    )
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn server_hints_never_panic_and_read_as_documented(
        now_secs in now_secs(),
        values in [value(), value(), value(), value()],
        cap_ms in prop_oneof![Just(0u64), 0..120_000u64, Just(u64::MAX)],
    ) {
        check_hints(&HintCase { now_secs, values, cap: Duration::from_millis(cap_ms) });
    }
}

/// Hand-picked cases through the oracle, with the hint each must give pinned beside it.
#[test]
fn pinned_cases() {
    let now_secs = 1_700_000_000;
    let nines = "9".repeat(400);
    let cases: [([Option<&str>; 4], Option<Duration>); 8] = [
        // A reset beyond what `SystemTime` can hold (this case once panicked in the parser),
        // and one beyond what a `Duration` can hold.
        (
            [None, None, None, Some("99999999999999999999999")],
            Some(Duration::MAX - Duration::from_secs(now_secs)),
        ),
        (
            [None, None, None, Some(nines.as_str())],
            Some(Duration::MAX - Duration::from_secs(now_secs)),
        ),
        (
            [Some("1500"), None, None, None],
            Some(Duration::from_millis(1500)),
        ),
        (
            [None, Some("Fri, 31 Dec 9999 23:59:59 GMT"), None, None],
            Some(Duration::from_secs(LAST_DATE - now_secs)),
        ),
        // Garbage `Retry-After`: the next header gives the hint.
        (
            [None, Some("soon"), Some("2.5"), Some("1700000030")],
            Some(Duration::from_millis(2500)),
        ),
        (
            [Some("-1"), Some(" 7 "), None, Some("12.5")],
            Some(Duration::from_secs(7)),
        ),
        (
            [None, None, None, Some("1700000030")],
            Some(Duration::from_secs(30)),
        ),
        ([Some(""), Some("-5"), Some("1e3"), Some("inf")], None),
    ];
    for (values, expected) in cases {
        let case = HintCase {
            now_secs,
            values: values.map(|v| v.map(|v| v.as_bytes().to_vec())),
            cap: Duration::from_secs(60),
        };
        check_hints(&case);
        let mut headers = http::HeaderMap::new();
        for (name, value) in hint_oracle::HEADERS.iter().zip(values) {
            if let Some(value) = value {
                headers.insert(*name, value.parse().unwrap());
            }
        }
        let now = UNIX_EPOCH + Duration::from_secs(now_secs);
        assert_eq!(
            retry_core::http::retry_after_hint_at(&headers, now),
            expected,
            "{values:?}"
        );
    }
}
