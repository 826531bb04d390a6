//! The attribute's arguments: `key = value` pairs separated by commas.
//!
//! Parsing never stops at the first mistake in a value: each strategy expression is parsed on its
//! own, and an unknown key is reported and skipped, so one compile shows every error.

use proc_macro2::{Span, TokenStream, TokenTree};
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, Ident, LitStr, Token, token};

use crate::ctxt::{Ctxt, did_you_mean, one_of};
use crate::dsl::{Dsl, Position};

mod kw {
    pub use syn::token::Crate;
    syn::custom_keyword!(stop);
    syn::custom_keyword!(wait);
    syn::custom_keyword!(retry);
    syn::custom_keyword!(before);
    syn::custom_keyword!(after);
    syn::custom_keyword!(before_sleep);
    syn::custom_keyword!(on_exhausted);
    syn::custom_keyword!(timeout);
    syn::custom_keyword!(budget);
    syn::custom_keyword!(sleep);
    syn::custom_keyword!(policy);
    syn::custom_keyword!(name);
    syn::custom_keyword!(clone);
}

/// The keys `#[retry]` understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    Stop,
    Wait,
    Retry,
    Before,
    After,
    BeforeSleep,
    OnExhausted,
    Timeout,
    Budget,
    Sleep,
    Policy,
    Name,
    Crate,
    Clone,
}

impl Key {
    pub const ALL: [Key; 14] = [
        Key::Stop,
        Key::Wait,
        Key::Retry,
        Key::Before,
        Key::After,
        Key::BeforeSleep,
        Key::OnExhausted,
        Key::Timeout,
        Key::Budget,
        Key::Sleep,
        Key::Policy,
        Key::Name,
        Key::Crate,
        Key::Clone,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Key::Stop => "stop",
            Key::Wait => "wait",
            Key::Retry => "retry",
            Key::Before => "before",
            Key::After => "after",
            Key::BeforeSleep => "before_sleep",
            Key::OnExhausted => "on_exhausted",
            Key::Timeout => "timeout",
            Key::Budget => "budget",
            Key::Sleep => "sleep",
            Key::Policy => "policy",
            Key::Name => "name",
            Key::Crate => "crate",
            Key::Clone => "clone",
        }
    }
}

/// tenacity's decorator arguments, and what to write instead.
const TENACITY_KEYS: &[(&str, &str)] = &[
    (
        "reraise",
        "the last outcome is always returned as it is (tenacity's `reraise=True`); declare `Result<T, RetryError<E>>` to get the attempts and the reason",
    ),
    ("retry_error_callback", "did you mean `on_exhausted`?"),
    (
        "retry_error_cls",
        "declare the return type `Result<T, RetryError<E>>` to get a `RetryError`",
    ),
    (
        "before_log",
        "use `before = retry_core::log::before_log(level)`",
    ),
    (
        "after_log",
        "use `after = retry_core::log::after_log(level)`",
    ),
    (
        "before_sleep_log",
        "use `before_sleep = retry_core::log::before_sleep_log(level)`",
    ),
    ("sleep_with", "did you mean `sleep`?"),
];

/// One `key = value`.
pub struct Entry {
    pub key: Key,
    pub key_span: Span,
    pub value: Value,
}

/// A key's value, parsed as far as the key's kind allows.
pub enum Value {
    /// `stop`, `wait`, `retry`.
    Dsl(Dsl),
    /// Hooks, `timeout`, `budget`, `sleep`, `policy`.
    Expr(Expr),
    /// `name`, `crate`.
    Str(LitStr),
    /// `clone(a, b)`.
    Idents(Punctuated<Ident, Token![,]>),
    /// A value that failed to parse; its error is already reported.
    Invalid,
}

/// Every entry of the attribute, in order (duplicates included; `valid.rs` refuses them).
#[derive(Default)]
pub struct Args {
    pub entries: Vec<Entry>,
}

/// Parses the attribute's arguments, reporting mistakes into `cx`.
pub fn parse(tokens: TokenStream, cx: &Ctxt) -> Args {
    let mut args = Args::default();
    let parser = |input: ParseStream| parse_entries(input, cx, &mut args.entries);
    if let Err(error) = parser.parse2(tokens) {
        cx.syn_error(error);
    }
    args
}

fn parse_entries(input: ParseStream, cx: &Ctxt, entries: &mut Vec<Entry>) -> syn::Result<()> {
    while !input.is_empty() {
        match parse_key(input)? {
            Some((key, key_span)) => {
                let value = parse_value(input, cx, key, key_span)?;
                entries.push(Entry {
                    key,
                    key_span,
                    value,
                });
            }
            None => skip_unknown(input, cx)?,
        }
        if input.is_empty() {
            break;
        }
        if !input.peek(Token![,]) {
            return Err(input.error("expected `,` between arguments"));
        }
        input.parse::<Token![,]>()?;
    }
    Ok(())
}

/// A known key, or `None` when the next token is an identifier that is not one (left in place).
fn parse_key(input: ParseStream) -> syn::Result<Option<(Key, Span)>> {
    macro_rules! keys {
        ($lookahead:ident, $($kw:path => $key:expr),* $(,)?) => {
            $(
                if $lookahead.peek($kw) {
                    let token: $kw = input.parse()?;
                    return Ok(Some(($key, token.span())));
                }
            )*
        };
    }
    let lookahead = input.lookahead1();
    keys!(lookahead,
        kw::stop => Key::Stop,
        kw::wait => Key::Wait,
        kw::retry => Key::Retry,
        kw::before => Key::Before,
        kw::after => Key::After,
        kw::before_sleep => Key::BeforeSleep,
        kw::on_exhausted => Key::OnExhausted,
        kw::timeout => Key::Timeout,
        kw::budget => Key::Budget,
        kw::sleep => Key::Sleep,
        kw::policy => Key::Policy,
        kw::name => Key::Name,
        kw::Crate => Key::Crate,
        kw::clone => Key::Clone,
    );
    if input.peek(Ident::peek_any) {
        return Ok(None);
    }
    Err(lookahead.error())
}

/// Reports an unknown key and skips its value.
fn skip_unknown(input: ParseStream, cx: &Ctxt) -> syn::Result<()> {
    let ident = input.call(Ident::parse_any)?;
    let unknown = ident.to_string();
    let names = Key::ALL.map(Key::name);
    let message = if let Some((_, hint)) = TENACITY_KEYS.iter().find(|(k, _)| *k == unknown) {
        format!("unknown key `{unknown}`; {hint}")
    } else if let Some(close) = did_you_mean(&unknown, names) {
        format!("unknown key `{unknown}`; did you mean `{close}`?")
    } else {
        format!(
            "unknown key `{unknown}`; expected one of {}",
            one_of(&names)
        )
    };
    cx.error(ident.span(), message);
    if input.peek(Token![=]) {
        input.parse::<Token![=]>()?;
        // Prefer an expression's own extent (it may hold commas inside `<..>`).
        let fork = input.fork();
        if fork.parse::<Expr>().is_ok() && (fork.is_empty() || fork.peek(Token![,])) {
            input.parse::<Expr>()?;
        } else {
            until_comma(input)?;
        }
    } else if input.peek(token::Paren) {
        input.parse::<proc_macro2::Group>()?;
    }
    Ok(())
}

fn parse_value(input: ParseStream, cx: &Ctxt, key: Key, key_span: Span) -> syn::Result<Value> {
    let name = key.name();
    if key == Key::Clone {
        if !input.peek(token::Paren) {
            return Err(syn::Error::new(
                key_span,
                "expected `clone(arg, ..)`, naming the arguments to clone for each attempt",
            ));
        }
        let content;
        syn::parenthesized!(content in input);
        return Ok(Value::Idents(
            content.parse_terminated(Ident::parse_any, Token![,])?,
        ));
    }
    if !input.peek(Token![=]) {
        return Err(syn::Error::new(
            key_span,
            format!("expected `=` after `{name}`"),
        ));
    }
    let eq: Token![=] = input.parse()?;
    if input.is_empty() || input.peek(Token![,]) {
        cx.error(eq.span, format!("expected a value for `{name}`"));
        return Ok(Value::Invalid);
    }
    let position = match key {
        Key::Stop => Some(Position::Stop),
        Key::Wait => Some(Position::Wait),
        Key::Retry => Some(Position::Retry),
        _ => None,
    };
    if let Some(position) = position {
        let tokens = until_comma(input)?;
        return Ok(match Dsl::parser(position).parse2(tokens) {
            Ok(dsl) => Value::Dsl(dsl),
            Err(error) => {
                cx.syn_error(error);
                Value::Invalid
            }
        });
    }
    if matches!(key, Key::Name | Key::Crate) {
        let expr: Expr = input.parse()?;
        return Ok(match expr {
            Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Value::Str(s),
            other => {
                let example = if key == Key::Name {
                    "name = \"fetch\""
                } else {
                    "crate = \"my_retry\""
                };
                cx.error_spanned_by(
                    other,
                    format!("expected a string literal, like `{example}`"),
                );
                Value::Invalid
            }
        });
    }
    Ok(Value::Expr(input.parse()?))
}

/// The tokens up to the next top-level comma (not consumed).
fn until_comma(input: ParseStream) -> syn::Result<TokenStream> {
    input.step(|cursor| {
        let mut rest = *cursor;
        let mut tokens = TokenStream::new();
        while let Some((tt, next)) = rest.token_tree() {
            if matches!(&tt, TokenTree::Punct(p) if p.as_char() == ',') {
                break;
            }
            tokens.extend([tt]);
            rest = next;
        }
        Ok((tokens, rest))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(src: &str) -> Vec<String> {
        let cx = Ctxt::new();
        let _ = parse(src.parse().unwrap(), &cx);
        match cx.check() {
            Ok(()) => Vec::new(),
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        }
    }

    fn keys(src: &str) -> Vec<&'static str> {
        let cx = Ctxt::new();
        let args = parse(src.parse().unwrap(), &cx);
        cx.check().unwrap();
        args.entries.iter().map(|e| e.key.name()).collect()
    }

    #[test]
    fn every_key() {
        assert_eq!(
            keys(
                "stop = attempts(3) | after_delay(5s), wait = fixed(1) + random(0, 500ms), \
                 retry = !if_error(|e: &E| e.fatal), before = |s| (), after = log, \
                 before_sleep = |s: &RetryState<u32, Map<K, V>>| (), on_exhausted = |s| 0, \
                 timeout = 30s, budget = &BUDGET, sleep = clock.clone(), name = \"f\", \
                 crate = \"r\", clone(a, b),"
            ),
            [
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
                "name",
                "crate",
                "clone"
            ]
        );
        assert_eq!(keys("policy = Retrying::<A, B>::new()"), ["policy"]);
        assert!(keys("").is_empty());
    }

    #[test]
    fn all_errors_at_once() {
        assert_eq!(
            errors("stop = attempts(3) ||, wiat = fixed(1), retry = , reraise = true, foo = 1"),
            [
                "combine strategies with `|`, not `||`",
                "unknown key `wiat`; did you mean `wait`?",
                "expected a value for `retry`",
                "unknown key `reraise`; the last outcome is always returned as it is (tenacity's `reraise=True`); declare `Result<T, RetryError<E>>` to get the attempts and the reason",
                "unknown key `foo`; expected one of `stop`, `wait`, `retry`, `before`, `after`, `before_sleep`, `on_exhausted`, `timeout`, `budget`, `sleep`, `policy`, `name`, `crate` or `clone`",
            ]
        );
        assert_eq!(
            errors("retry_error_callback = f, foo = Map::<A, B>::new(), stop = never"),
            [
                "unknown key `retry_error_callback`; did you mean `on_exhausted`?",
                "unknown key `foo`; expected one of `stop`, `wait`, `retry`, `before`, `after`, `before_sleep`, `on_exhausted`, `timeout`, `budget`, `sleep`, `policy`, `name`, `crate` or `clone`",
            ]
        );
        assert_eq!(
            errors("name = fetch"),
            ["expected a string literal, like `name = \"fetch\"`"]
        );
        assert_eq!(errors("stop attempts(3)"), ["expected `=` after `stop`"]);
        assert_eq!(
            errors("clone = a"),
            ["expected `clone(arg, ..)`, naming the arguments to clone for each attempt"]
        );
        assert!(errors("= 3")[0].starts_with("expected one of: `stop`, `wait`"));
    }
}
