//! Proptest twins of the fuzz targets in `fuzz/`: arbitrary token streams (identifiers from the
//! attribute's vocabulary and around it, literals of every kind and odd suffix, punctuation with
//! both spacings, groups with every delimiter, `Delimiter::None` included) and near-valid
//! attributes (valid ones with tokens deleted, doubled, swapped, replaced or inserted, at any
//! depth) go through the parsers and the whole attribute. Every input must give a parse or an
//! error, never a panic; [`check_attribute`] pins the shape of the output.
//!
//! `proc_macro2` falls back to its own implementation outside a macro invocation, so these run
//! as ordinary unit tests. The number of cases can be raised with `PROPTEST_CASES`.

use std::str::FromStr;

use proc_macro2::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};
use proptest::prelude::*;
use proptest::test_runner::RngAlgorithm;
use quote::ToTokens;
use syn::parse::Parser;

use crate::check::{Verdict, WORDS, check_attribute};
use crate::ctxt::Ctxt;
use crate::dsl::{Dsl, Position};

/// Cases per property unless `PROPTEST_CASES` says otherwise; each runs the whole attribute
/// (about a tenth of a millisecond in a debug build).
const CASES: u32 = 2_000;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(CASES);
    ProptestConfig {
        cases,
        rng_algorithm: RngAlgorithm::XorShift,
        // A shrunk failure is printed with the test's own message; no files are written.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------------
// A token tree that proptest can generate, shrink and print.

#[derive(Clone, Debug)]
enum Tok {
    Ident(String),
    Lit(String),
    Punct(char, bool),
    Group(Delimiter, Vec<Tok>),
}

fn to_stream(tokens: &[Tok]) -> TokenStream {
    tokens.iter().map(to_tree).collect()
}

fn to_tree(tok: &Tok) -> TokenTree {
    let span = Span::call_site();
    match tok {
        Tok::Ident(name) => match name.strip_prefix("r#") {
            Some(raw) => Ident::new_raw(raw, span).into(),
            None => Ident::new(name, span).into(),
        },
        // Generated literals are filtered through `Literal::from_str`, so this always succeeds.
        Tok::Lit(text) => Literal::from_str(text)
            .map(TokenTree::Literal)
            .unwrap_or_else(|_| Literal::string(text).into()),
        Tok::Punct(c, joint) => {
            let spacing = if *joint {
                Spacing::Joint
            } else {
                Spacing::Alone
            };
            Punct::new(*c, spacing).into()
        }
        Tok::Group(delimiter, inner) => Group::new(*delimiter, to_stream(inner)).into(),
    }
}

fn from_stream(stream: TokenStream) -> Vec<Tok> {
    stream
        .into_iter()
        .map(|tree| match tree {
            TokenTree::Ident(i) => Tok::Ident(i.to_string()),
            TokenTree::Literal(l) => Tok::Lit(l.to_string()),
            TokenTree::Punct(p) => Tok::Punct(p.as_char(), p.spacing() == Spacing::Joint),
            TokenTree::Group(g) => Tok::Group(g.delimiter(), from_stream(g.stream())),
        })
        .collect()
}

/// Names that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "crate", "super", "_"];

/// Literals that sit on an edge somewhere in `lit.rs` or `attr.rs`.
const LITERALS: &[&str] = &[
    "0",
    "1",
    "3",
    "0.5",
    "500ms",
    "1.5s",
    "2m",
    "1h",
    "7ns",
    "250us",
    "1e3ms",
    "2.5e-3",
    "1_000ms",
    "0x10",
    "0b101",
    "0o17",
    "5u64",
    "1.0f64",
    "5sec",
    "5days",
    "5sx",
    "0.0000000005",
    "18446744073709551615",
    "18446744073709551616",
    "340282366920938463463374607431768211456",
    "1e300",
    "1e400",
    "1e-400",
    "1e99999999999999999999",
    "1e-99999999999999999999",
    "0.00000000000000000000000000000000000000000000001",
    "123456789012345678901234567890123456789012345678901234567890",
    "\"fetch\"",
    "\"\"",
    "\"a\\\"b\"",
    "r#\"raw\"#",
    "'c'",
    "b'x'",
    "b\"bytes\"",
    "c\"cstr\"",
];

fn ident() -> impl Strategy<Value = Tok> {
    (prop::sample::select(WORDS), prop::bool::weighted(0.05)).prop_map(|(name, raw)| {
        if raw && !NOT_RAW.contains(&name) {
            Tok::Ident(format!("r#{name}"))
        } else {
            Tok::Ident(name.to_string())
        }
    })
}

fn literal() -> impl Strategy<Value = Tok> {
    let numbers = "-?[0-9]{1,24}(\\.[0-9]{1,6})?([eE]-?[0-9]{1,4})?(ns|us|ms|s|m|h|sec|µs|days|u8|u64|i128|f32|f64|x)?"
        .prop_filter_map("not a literal", |text: String| {
            Literal::from_str(&text).ok().map(|l| Tok::Lit(l.to_string()))
        });
    prop_oneof![
        3 => prop::sample::select(LITERALS).prop_map(|l| Tok::Lit(l.to_string())),
        2 => numbers,
        1 => any::<String>().prop_map(|s| Tok::Lit(Literal::string(&s).to_string())),
    ]
}

fn punct() -> impl Strategy<Value = Tok> {
    const CHARS: &[char] = &[
        '=', '<', '>', '!', '~', '+', '-', '*', '/', '%', '^', '&', '|', '@', '.', ',', ';', ':',
        '#', '$', '?', '\'',
    ];
    (prop::sample::select(CHARS), any::<bool>()).prop_map(|(c, joint)| Tok::Punct(c, joint))
}

fn delimiter() -> impl Strategy<Value = Delimiter> {
    prop_oneof![
        4 => Just(Delimiter::Parenthesis),
        1 => Just(Delimiter::Bracket),
        1 => Just(Delimiter::Brace),
        1 => Just(Delimiter::None),
    ]
}

fn tok() -> impl Strategy<Value = Tok> {
    let leaf = prop_oneof![4 => ident(), 2 => literal(), 4 => punct()];
    leaf.prop_recursive(4, 48, 6, |inner| {
        (delimiter(), prop::collection::vec(inner, 0..6))
            .prop_map(|(delimiter, inner)| Tok::Group(delimiter, inner))
    })
}

fn tokens() -> impl Strategy<Value = Vec<Tok>> {
    prop::collection::vec(tok(), 0..20)
}

// ---------------------------------------------------------------------------------------------
// Near-valid attributes: valid ones, mutated.

/// Attributes that are valid on at least one of [`ITEMS`].
const VALID: &[&str] = &[
    "",
    "stop = attempts(3)",
    "stop = attempts(5) | after_delay(30s), wait = exponential(1, 2, 10) + random(0, 500ms)",
    "stop = (attempts(3) & before_delay(2m)) | never",
    "retry = if_error(|e: &E| e.is_transient()) | if_result(|r: &usize| *r == 0)",
    "retry = !if_error(|e| e.fatal) & transient",
    "wait = exponential(multiplier = 1, min = 2, max = 10, base = 3)",
    "wait = retry_after(exponential(1, 0, 30).base(3)).cap(2) + fixed(1)",
    "wait = chain(fixed(1), fixed(2), fixed(3))",
    "wait = decorrelated_jitter(100ms, 10s) + equal_jitter(1, 5) + exponential_jitter(1, 10, 0.5)",
    "wait = incrementing(1, 2, 10) + random_exponential(1, 0, 60) + none",
    "wait = { my_wait() } + x::y(1)",
    "stop = on_flag(&FLAG) | attempts(0x10), wait = fixed(1_000ms)",
    "timeout = 30s, budget = &BUDGET, sleep = clock.clone(), name = \"f\", crate = \"r\"",
    "before = |s| (), after = log, before_sleep = |s| tracing::warn!(attempt = s.attempt())",
    "on_exhausted = |s| Err(s.into_error().unwrap())",
    "policy = Retrying::new().stop(attempts(2))",
    "clone(a, b), stop = attempts(2)",
];

/// Functions of the shapes the attribute supports, and two it refuses.
const ITEMS: &[&str] = &[
    "fn f() -> Result<u32, E> { Ok(1) }",
    "async fn f(x: &str) -> Result<usize, E> { Ok(x.len()) }",
    "async fn m(&self, a: String, b: Vec<u8>) -> Result<(), E> { self.go(&a, &b).await }",
    "pub(crate) fn g<T: Clone>(t: T) -> Option<T> where T: Send { Some(t) }",
    "fn f() -> impl std::future::Future<Output = Result<u8, E>> { async { Ok(1) } }",
    "async fn d(&mut self) -> Result<u8, retry_core::RetryError<E>> { Ok(1) }",
    "fn unit() {}",
    "struct NotAFunction;",
];

fn valid_args() -> impl Strategy<Value = Vec<Tok>> {
    prop::sample::select(VALID).prop_map(|text| from_stream(text.parse().unwrap()))
}

fn item() -> impl Strategy<Value = TokenStream> {
    prop::sample::select(ITEMS).prop_map(|text| text.parse().unwrap())
}

/// One edit of a token list, somewhere inside it.
#[derive(Clone, Debug)]
struct Edit {
    /// Which group to descend into at each level (taken modulo the groups there).
    path: Vec<usize>,
    op: u8,
    at: usize,
    other: usize,
    tok: Tok,
}

fn edit() -> impl Strategy<Value = Edit> {
    (
        prop::collection::vec(any::<usize>(), 0..3),
        0u8..6,
        any::<usize>(),
        any::<usize>(),
        tok(),
    )
        .prop_map(|(path, op, at, other, tok)| Edit {
            path,
            op,
            at,
            other,
            tok,
        })
}

fn apply(tokens: &mut Vec<Tok>, edit: &Edit, depth: usize) {
    if let Some(choice) = edit.path.get(depth) {
        let groups: Vec<usize> = (0..tokens.len())
            .filter(|i| matches!(tokens[*i], Tok::Group(..)))
            .collect();
        if !groups.is_empty() {
            let index = groups[choice % groups.len()];
            if let Tok::Group(_, inner) = &mut tokens[index] {
                return apply(inner, edit, depth + 1);
            }
        }
    }
    let len = tokens.len();
    let at = if len == 0 { 0 } else { edit.at % len };
    match (edit.op, len) {
        (_, 0) | (0, _) => tokens.insert(edit.at % (len + 1), edit.tok.clone()),
        (1, _) => {
            tokens.remove(at);
        }
        (2, _) => {
            let copy = tokens[at].clone();
            tokens.insert(at, copy);
        }
        (3, _) => tokens.swap(at, edit.other % len),
        (4, _) => tokens[at] = edit.tok.clone(),
        // Cut the list short: an attribute that stops mid-way.
        _ => tokens.truncate(at),
    }
}

/// Every pair of a [`VALID`] attribute and an [`ITEMS`] function it expands on.
fn valid_pairs() -> &'static [(usize, usize)] {
    static PAIRS: std::sync::OnceLock<Vec<(usize, usize)>> = std::sync::OnceLock::new();
    PAIRS.get_or_init(|| {
        let mut pairs = Vec::new();
        for (a, args) in VALID.iter().enumerate() {
            for (i, item) in ITEMS.iter().enumerate() {
                let verdict = check_attribute(args.parse().unwrap(), item.parse().unwrap());
                if verdict == Verdict::Expanded {
                    pairs.push((a, i));
                }
            }
        }
        pairs
    })
}

/// A valid attribute with up to three edits, on a function it is valid on (or, one time in
/// four, on any of them).
fn near_valid() -> impl Strategy<Value = (Vec<Tok>, TokenStream)> {
    (
        any::<prop::sample::Index>(),
        prop::collection::vec(edit(), 0..4),
        prop::option::weighted(0.25, item()),
    )
        .prop_map(|(pair, edits, other_item)| {
            let pairs = valid_pairs();
            let (args, item) = pairs[pair.index(pairs.len())];
            let mut tokens = from_stream(VALID[args].parse().unwrap());
            for edit in &edits {
                apply(&mut tokens, edit, 0);
            }
            let item = other_item.unwrap_or_else(|| ITEMS[item].parse().unwrap());
            (tokens, item)
        })
}

fn near_valid_args() -> impl Strategy<Value = Vec<Tok>> {
    near_valid().prop_map(|(args, _)| args)
}

// ---------------------------------------------------------------------------------------------
// The properties.

/// The argument parser alone: a parse or errors with messages, never a panic.
fn parse_args(args: TokenStream) {
    let cx = Ctxt::new();
    let _ = crate::attr::parse(args, &cx);
    if let Err(errors) = cx.check() {
        for error in errors {
            assert!(!error.to_string().is_empty(), "an empty error message");
        }
    }
}

/// The strategy parser alone, at each key; what it accepts prints back to tokens it accepts.
fn parse_dsl(tokens: TokenStream) {
    for position in [Position::Stop, Position::Wait, Position::Retry] {
        match Dsl::parser(position).parse2(tokens.clone()) {
            Ok(dsl) => {
                let printed = dsl.to_token_stream();
                let again = Dsl::parser(position).parse2(printed.clone());
                assert!(
                    again.is_ok(),
                    "`{tokens}` parsed as a {} but its printed form `{printed}` did not: {}",
                    position.noun(),
                    again.err().map(|e| e.to_string()).unwrap_or_default()
                );
            }
            Err(error) => assert!(!error.to_string().is_empty()),
        }
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_tokens_as_arguments(args in tokens(), item in item()) {
        let args = to_stream(&args);
        parse_args(args.clone());
        parse_dsl(args.clone());
        check_attribute(args, item);
    }

    #[test]
    fn near_valid_arguments((args, item) in near_valid()) {
        let args = to_stream(&args);
        parse_args(args.clone());
        check_attribute(args, item);
    }

    #[test]
    fn near_valid_strategies(args in near_valid_args()) {
        // The value of the first key, as `stop = ..`, `wait = ..` or `retry = ..` would see it.
        let tokens: Vec<TokenTree> = to_stream(&args).into_iter().collect();
        let value: TokenStream = tokens
            .iter()
            .skip_while(|t| !matches!(t, TokenTree::Punct(p) if p.as_char() == '='))
            .skip(1)
            .take_while(|t| !matches!(t, TokenTree::Punct(p) if p.as_char() == ','))
            .cloned()
            .collect();
        parse_dsl(value);
    }

    #[test]
    fn arbitrary_tokens_as_the_item(args in valid_args(), item in tokens(), prefix in 0usize..4) {
        // Half the items start like a function, so the parse gets past the first tokens.
        let prefix = ["", "fn f", "async fn f", "pub fn f()"][prefix];
        let mut stream: TokenStream = prefix.parse().unwrap();
        stream.extend(to_stream(&item));
        check_attribute(to_stream(&args), stream);
    }
}

// ---------------------------------------------------------------------------------------------
// The oracle tells the two outcomes apart (so the properties above can fail).

fn verdict(args: &str, item: &str) -> Verdict {
    check_attribute(args.parse().unwrap(), item.parse().unwrap())
}

#[test]
fn every_valid_attribute_expands_on_some_item() {
    for args in VALID {
        let expanded = ITEMS
            .iter()
            .filter(|item| verdict(args, item) == Verdict::Expanded)
            .count();
        assert!(expanded > 0, "`{args}` expands on no item");
    }
}

#[test]
fn the_oracle_sees_refusals_and_their_messages() {
    assert_eq!(verdict("stop = attempts(3)", ITEMS[0]), Verdict::Expanded);
    assert_eq!(
        verdict("stop = attempts(0)", ITEMS[0]),
        Verdict::Refused(vec!["\"`attempts` must be at least 1\"".into()])
    );
    assert_eq!(
        verdict("stop = attempts(3)", "struct NotAFunction;"),
        Verdict::Refused(vec![
            "\"`#[retry]` can only be used on functions and methods\"".into()
        ])
    );
    let Verdict::Refused(messages) = verdict("wiat = fixed(1), stop = ,", ITEMS[1]) else {
        panic!("expected a refusal");
    };
    assert_eq!(messages.len(), 2, "{messages:?}");
}

/// Shapes the generators above reach only by chance, pinned.
#[test]
fn edge_inputs() {
    let none_group =
        |inner: &str| TokenTree::Group(Group::new(Delimiter::None, inner.parse().unwrap()));
    // Tokens in invisible groups, as `macro_rules!` passes its fragments along.
    let mut args: TokenStream = "stop = ".parse().unwrap();
    args.extend([none_group("attempts(3)")]);
    args.extend("".parse::<TokenStream>().unwrap());
    assert_eq!(
        check_attribute(args, ITEMS[0].parse().unwrap()),
        Verdict::Expanded
    );
    let mut args: TokenStream = "wait = fixed".parse().unwrap();
    args.extend([TokenTree::Group(Group::new(
        Delimiter::Parenthesis,
        TokenStream::from_iter([none_group("500ms")]),
    ))]);
    assert_eq!(
        check_attribute(args, ITEMS[0].parse().unwrap()),
        Verdict::Expanded
    );
    // A refusal gives back the item's own tokens, invisible groups included.
    let mut item: TokenStream = "pub fn f()".parse().unwrap();
    item.extend([none_group("")]);
    item.extend("{}".parse::<TokenStream>().unwrap());
    assert!(matches!(
        check_attribute("retry = if_error(|e: &E| true)".parse().unwrap(), item),
        Verdict::Refused(_)
    ));
    for args in [
        "stop = attempts(18446744073709551616)",
        "wait = fixed(1e99999999999999999999)",
        "wait = fixed(-0.0000000001)",
        "wait = exponential(1, 2, 10, base = 1e400)",
        "wait = chain(fixed(1), fixed(1), fixed(1), fixed(1), fixed(1), fixed(1), fixed(1), fixed(1), fixed(1), fixed(1), fixed(1), fixed(1), fixed(1))",
        "stop = attempts(3) attempts(4)",
        "stop = , , ,",
        "= = =",
        "r#stop = attempts(3)",
        "clone(self), clone(), clone(a,,b)",
        "wait = retry_after(fixed(1)).cap(1).cap(2).base()",
    ] {
        parse_args(args.parse().unwrap());
        let _ = verdict(args, ITEMS[2]);
    }
}

/// The near-valid generator lands on both sides of the line often: a fixed-seed sample of its
/// inputs holds many expansions and many refusals, so the properties above test both paths.
#[test]
fn near_valid_inputs_reach_both_outcomes() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{TestRng, TestRunner};

    let mut runner =
        TestRunner::new_with_rng(config(), TestRng::deterministic_rng(RngAlgorithm::XorShift));
    let strategy = near_valid();
    let (mut expanded, mut refused) = (0, 0);
    for _ in 0..400 {
        let (args, item) = strategy.new_tree(&mut runner).unwrap().current();
        match check_attribute(to_stream(&args), item) {
            Verdict::Expanded => expanded += 1,
            Verdict::Refused(_) => refused += 1,
        }
    }
    eprintln!("near-valid sample: {expanded} expanded, {refused} refused");
    assert!(
        expanded >= 40 && refused >= 40,
        "{expanded} expanded, {refused} refused"
    );
}
