//! Arbitrary token trees as `#[retry(..)]`'s arguments, including invisible groups and joint
//! punctuation that no text spells: an expansion or a refusal, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use retry_fuzz::ITEMS;
use retry_fuzz::check::check_attribute;

fuzz_target!(|data: &[u8]| {
    let Ok((args, item)) = retry_fuzz::tokens::from_bytes(data) else {
        return;
    };
    let item = ITEMS[item % ITEMS.len()].parse().expect("the items lex");
    check_attribute(args, item);
});
