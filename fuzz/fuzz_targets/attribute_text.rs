//! Any text as `#[retry(..)]`'s arguments (and, after a NUL byte, as the item): whatever lexes
//! must expand to Rust or be refused with errors and the item given back, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use proc_macro2::TokenStream;
use retry_fuzz::ITEMS;
use retry_fuzz::check::check_attribute;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (args, item) = match text.split_once('\0') {
        Some((args, item)) => (args, item.to_string()),
        None => (text, ITEMS[data.len() % ITEMS.len()].to_string()),
    };
    // Text that does not lex never reaches the macro: rustc's lexer refuses it first.
    let (Ok(args), Ok(item)) = (args.parse::<TokenStream>(), item.parse::<TokenStream>()) else {
        return;
    };
    check_attribute(args, item);
});
