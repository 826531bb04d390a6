//! What `#[retry]` must do with any input at all, however malformed: return (never panic) with
//! either
//!
//! - an expansion: no `compile_error!` anywhere, and tokens that parse as Rust items; or
//! - a refusal: one or more `::core::compile_error! { "..." }` with non-empty messages, followed
//!   by the input exactly as it came in (tokens compared as text), so the rest of the user's crate
//!   still type-checks.
//!
//! The proptest twins in `properties.rs` run this on generated token streams in every test run;
//! the fuzz targets in `fuzz/` include this file by path and run it on whatever the fuzzer makes.

use proc_macro2::{Delimiter, TokenStream, TokenTree};

use crate::pipeline::retry_impl;

/// How the attribute answered.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The function was rewritten.
    Expanded,
    /// The function was left as it is, after these error messages.
    Refused(Vec<String>),
}

/// Runs `#[retry(args)]` on `item` and checks the output's shape, panicking (with the input)
/// when it is wrong.
pub fn check_attribute(args: TokenStream, item: TokenStream) -> Verdict {
    let output = retry_impl(args.clone(), item.clone());
    let mut rest: Vec<TokenTree> = output.into_iter().collect();
    let mut messages = Vec::new();
    while let Some(message) = leading_compile_error(&mut rest) {
        assert!(
            !message.trim_matches('"').is_empty(),
            "an empty error message for `#[retry({args})] {item}`"
        );
        messages.push(message);
    }
    let rest: TokenStream = rest.into_iter().collect();
    if messages.is_empty() {
        let text = rest.to_string();
        assert!(
            !text.contains("compile_error"),
            "an expansion with an error inside for `#[retry({args})] {item}`: {text}"
        );
        if let Err(error) = syn::parse2::<syn::File>(rest) {
            panic!("an expansion that is not Rust ({error}) for `#[retry({args})] {item}`: {text}");
        }
        Verdict::Expanded
    } else {
        assert!(
            same_tokens(rest.clone(), item.clone()),
            "a refusal must give back the item as it is, for `#[retry({args})]`:\n  \
             given  {item}\n  gave back {rest}"
        );
        Verdict::Refused(messages)
    }
}

/// The same tokens, spans and punctuation spacing aside (`>>` parsed into two `>` prints apart).
fn same_tokens(a: TokenStream, b: TokenStream) -> bool {
    let (a, b): (Vec<TokenTree>, Vec<TokenTree>) =
        (a.into_iter().collect(), b.into_iter().collect());
    a.len() == b.len()
        && a.into_iter().zip(b).all(|pair| match pair {
            (TokenTree::Group(a), TokenTree::Group(b)) => {
                a.delimiter() == b.delimiter() && same_tokens(a.stream(), b.stream())
            }
            (TokenTree::Punct(a), TokenTree::Punct(b)) => a.as_char() == b.as_char(),
            (TokenTree::Ident(a), TokenTree::Ident(b)) => a == b,
            (TokenTree::Literal(a), TokenTree::Literal(b)) => a.to_string() == b.to_string(),
            _ => false,
        })
}

/// Takes `::core::compile_error! { "message" }` off the front of `tokens`, returning the
/// message's literal; `None` (and `tokens` untouched) when they start with something else.
fn leading_compile_error(tokens: &mut Vec<TokenTree>) -> Option<String> {
    // `::` is two puncts: `:` `:` `core` `:` `:` `compile_error` `!` `{ "message" }`.
    const HEAD: [&str; 7] = [":", ":", "core", ":", ":", "compile_error", "!"];
    if tokens.len() < 8
        || tokens[..7].iter().map(ToString::to_string).ne(HEAD)
        || !matches!(&tokens[7], TokenTree::Group(g) if g.delimiter() == Delimiter::Brace)
    {
        return None;
    }
    let TokenTree::Group(group) = tokens[7].clone() else {
        return None;
    };
    let inner: Vec<TokenTree> = group.stream().into_iter().collect();
    let [TokenTree::Literal(message)] = inner.as_slice() else {
        panic!(
            "`compile_error!` holds `{}` instead of one literal",
            group.stream()
        );
    };
    let message = message.to_string();
    assert!(message.starts_with('"'), "not a string: {message}");
    tokens.drain(..8);
    Some(message)
}

/// Words for generated attributes: the attribute's keys, the strategy language's, tenacity's,
/// Rust keywords and plain names (for the proptest twins and the fuzz targets).
pub const WORDS: &[&str] = &[
    "stop",
    "wait",
    "retry",
    "before",
    "after",
    "before_sleep",
    "on_exhausted",
    "timeout",
    "budget",
    "sleep",
    "policy",
    "name",
    "clone",
    "attempts",
    "after_delay",
    "before_delay",
    "never",
    "on_flag",
    "on_cancel",
    "stop_if",
    "none",
    "fixed",
    "random",
    "incrementing",
    "exponential",
    "random_exponential",
    "exponential_jitter",
    "equal_jitter",
    "decorrelated_jitter",
    "chain",
    "retry_after",
    "from_fn",
    "if_error",
    "if_result",
    "if_not_result",
    "if_source",
    "retry_if",
    "transient",
    "on_error",
    "always",
    "base",
    "cap",
    "min",
    "max",
    "multiplier",
    "n",
    "d",
    "reraise",
    "stop_after_attempt",
    "wait_exponential",
    "ms",
    "sec",
    "fn",
    "async",
    "await",
    "move",
    "self",
    "Self",
    "crate",
    "super",
    "_",
    "if",
    "let",
    "return",
    "impl",
    "dyn",
    "where",
    "mut",
    "static",
    "true",
    "false",
    "f64",
    "NAN",
    "INFINITY",
    "Result",
    "Option",
    "Retrying",
    "new",
    "e",
    "s",
    "r",
    "x",
];
