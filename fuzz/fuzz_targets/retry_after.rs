//! Any bytes in the four delay headers, at any "now", with any cap: no panic, and each header
//! read exactly as documented (`tests/support/hint_oracle.rs`).
#![no_main]

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use retry_fuzz::hint_oracle::{HintCase, check_hints};

fuzz_target!(|input: (u64, [Option<Vec<u8>>; 4], u32)| {
    let (now, values, cap_ms) = input;
    // Past year 9999 and up to where `SystemTime` still adds without overflow.
    let now_secs = now % (i64::MAX as u64 / 2);
    check_hints(&HintCase {
        now_secs,
        values,
        cap: Duration::from_millis(cap_ms.into()),
    });
});
