//! Validation: turns the parsed attribute into a checked [`Model`], reporting every mistake
//! (unknown names, argument counts, literal values, conflicting keys, unsupported functions)
//! into the context with the span of the offending token.

use std::collections::HashMap;

use proc_macro2::Span;
use quote::ToTokens;
use syn::parse::Parser;
use syn::spanned::Spanned;
use syn::{Expr, Ident, Path};

use crate::attr::{Args, Key, Value};
use crate::ctxt::{Ctxt, did_you_mean, one_of};
use crate::dsl::{BinOp, CallArgs, Dsl, Position};
use crate::item::{Analysis, ItemFn, Returns, Shape};
use crate::lit::{Classified, DurationLit, NumLit, classify};

/// What an argument is.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A whole number (`attempts(n)`).
    Count,
    /// A duration: bare numbers are seconds, suffixes `ns us ms s m h`.
    Duration,
    /// A plain number (`base`).
    Number,
    /// A wait strategy (inside `chain` and `retry_after`).
    Wait,
    /// Any Rust expression (predicates, flags, closures).
    Expr,
}

pub struct Param {
    pub name: &'static str,
    pub kind: Kind,
    /// Optional parameters are named only (`base = 3`).
    pub optional: bool,
}

const fn req(name: &'static str, kind: Kind) -> Param {
    Param {
        name,
        kind,
        optional: false,
    }
}

const fn opt(name: &'static str, kind: Kind) -> Param {
    Param {
        name,
        kind,
        optional: true,
    }
}

/// One word of the strategy language.
pub struct Strategy {
    pub name: &'static str,
    pub position: Position,
    pub params: &'static [Param],
    /// `chain(w1, w2, ..)`: any number of wait strategies.
    pub variadic: bool,
}

const fn strategy(name: &'static str, position: Position, params: &'static [Param]) -> Strategy {
    Strategy {
        name,
        position,
        params,
        variadic: false,
    }
}

use Kind::{Count, Duration as Dur, Expr as Any, Number, Wait};
use Position::{Retry as R, Stop as S, Wait as W};

/// The vocabulary, in the order the documentation lists it.
pub const VOCABULARY: &[Strategy] = &[
    strategy("attempts", S, &[req("n", Count)]),
    strategy("after_delay", S, &[req("d", Dur)]),
    strategy("before_delay", S, &[req("d", Dur)]),
    strategy("never", S, &[]),
    strategy("on_flag", S, &[req("flag", Any)]),
    strategy("on_cancel", S, &[req("is_cancelled", Any)]),
    strategy("stop_if", S, &[req("condition", Any)]),
    strategy("none", W, &[]),
    strategy("fixed", W, &[req("d", Dur)]),
    strategy("random", W, &[req("min", Dur), req("max", Dur)]),
    strategy(
        "incrementing",
        W,
        &[req("start", Dur), req("increment", Dur), req("max", Dur)],
    ),
    strategy(
        "exponential",
        W,
        &[
            req("multiplier", Dur),
            req("min", Dur),
            req("max", Dur),
            opt("base", Number),
        ],
    ),
    strategy(
        "random_exponential",
        W,
        &[
            req("multiplier", Dur),
            req("min", Dur),
            req("max", Dur),
            opt("base", Number),
        ],
    ),
    strategy(
        "exponential_jitter",
        W,
        &[
            req("initial", Dur),
            req("max", Dur),
            req("jitter", Dur),
            opt("base", Number),
        ],
    ),
    strategy(
        "equal_jitter",
        W,
        &[req("multiplier", Dur), req("max", Dur)],
    ),
    strategy(
        "decorrelated_jitter",
        W,
        &[req("base", Dur), req("max", Dur)],
    ),
    Strategy {
        name: "chain",
        position: W,
        params: &[],
        variadic: true,
    },
    strategy("retry_after", W, &[req("fallback", Wait), opt("cap", Dur)]),
    strategy("from_fn", W, &[req("f", Any)]),
    strategy("if_error", R, &[req("predicate", Any)]),
    strategy("if_result", R, &[req("predicate", Any)]),
    strategy("if_not_result", R, &[req("predicate", Any)]),
    strategy("if_source", R, &[req("predicate", Any)]),
    strategy("retry_if", R, &[req("predicate", Any)]),
    strategy("transient", R, &[]),
    strategy("on_error", R, &[]),
    strategy("always", R, &[]),
    strategy("never", R, &[]),
];

/// The most strategies `chain` accepts (the tuple impls of `wait::chain`).
const CHAIN_LIMIT: usize = 12;

/// tenacity's names, and the word for them here.
const TENACITY_NAMES: &[(&str, &str)] = &[
    ("stop_after_attempt", "attempts"),
    ("stop_after_delay", "after_delay"),
    ("stop_before_delay", "before_delay"),
    ("stop_never", "never"),
    ("stop_when_event_set", "on_flag"),
    ("wait_none", "none"),
    ("wait_fixed", "fixed"),
    ("wait_random", "random"),
    ("wait_incrementing", "incrementing"),
    ("wait_exponential", "exponential"),
    ("wait_random_exponential", "random_exponential"),
    ("wait_full_jitter", "random_exponential"),
    ("wait_exponential_jitter", "exponential_jitter"),
    ("wait_chain", "chain"),
    ("retry_if_exception", "if_error"),
    ("retry_if_exception_type", "if_error"),
    ("retry_unless_exception_type", "!if_error"),
    ("retry_if_not_exception_type", "!if_error"),
    ("retry_if_exception_cause_type", "if_source"),
    ("retry_if_result", "if_result"),
    ("retry_if_not_result", "if_not_result"),
    ("retry_always", "always"),
    ("retry_never", "never"),
];

/// tenacity's combinators, which are operators here.
const TENACITY_COMBINATORS: &[(&str, &str)] = &[
    ("stop_any", "a | b"),
    ("stop_all", "a & b"),
    ("wait_combine", "a + b"),
    ("retry_any", "a | b"),
    ("retry_all", "a & b"),
];

pub fn lookup(position: Position, name: &str) -> Option<&'static Strategy> {
    VOCABULARY
        .iter()
        .find(|s| s.position == position && s.name == name)
}

fn names(position: Position) -> Vec<&'static str> {
    VOCABULARY
        .iter()
        .filter(|s| s.position == position)
        .map(|s| s.name)
        .collect()
}

/// A checked argument.
pub enum Arg {
    Duration(DurationLit, Span),
    Count(u32, Span),
    Number(f64, Span),
    /// An expression, passed through (checked by the compiler and at run time).
    Expr(Expr),
    Wait(Node),
    /// An optional argument that was not given.
    Absent,
}

/// A checked strategy expression.
pub enum Node {
    Binary {
        lhs: Box<Node>,
        op: BinOp,
        rhs: Box<Node>,
    },
    Not {
        bang: syn::token::Not,
        inner: Box<Node>,
    },
    Leaf {
        name: Ident,
        strategy: &'static Strategy,
        args: Vec<Arg>,
        /// The span of the parentheses, if any.
        paren: Option<Span>,
    },
    Raw(Expr),
}

/// The hooks' slots.
pub struct Hooks {
    pub before: Option<Expr>,
    pub after: Option<Expr>,
    pub before_sleep: Option<Expr>,
}

/// A policy built from the attribute's keys.
pub struct BuiltPolicy {
    /// Each strategy with the span of its key.
    pub stop: Option<(Span, Node)>,
    pub wait: Option<(Span, Node)>,
    pub retry: Option<(Span, Node)>,
    pub hooks: Hooks,
    pub sleep: Option<Expr>,
    /// The `timeout` key's span and its value.
    pub timeout: Option<(Span, Arg)>,
    pub name: String,
}

/// Where the policy comes from.
pub enum PolicySource {
    /// Built from the attribute's keys.
    Built(Box<BuiltPolicy>),
    /// `policy = expr`.
    Expr(Expr),
}

/// An argument cloned for each attempt.
pub struct CloneArg {
    pub ident: Ident,
    pub mutability: Option<syn::Token![mut]>,
}

/// Everything the expansion needs, checked.
pub struct Model {
    pub krate: Path,
    pub policy: PolicySource,
    pub budget: Option<Expr>,
    pub on_exhausted: Option<Expr>,
    pub clones: Vec<CloneArg>,
    pub analysis: Analysis,
}

/// Checks the attribute against the function. Errors go to `cx`; the model is only meaningful
/// when there are none.
pub fn validate(cx: &Ctxt, args: Args, item: &ItemFn, analysis: Analysis) -> Model {
    if let Some(constness) = &item.sig.constness {
        cx.error(
            constness.span,
            "`#[retry]` cannot be used on a `const fn`: retrying sleeps and runs hooks at run time",
        );
    }
    if let Some(variadic) = &item.sig.variadic {
        cx.error_spanned_by(variadic, "`#[retry]` cannot be used on a variadic function");
    }

    let mut seen: HashMap<&'static str, Span> = HashMap::new();
    let mut values: HashMap<&'static str, (Span, Value)> = HashMap::new();
    for entry in args.entries {
        let name = entry.key.name();
        if seen.contains_key(name) {
            cx.error(entry.key_span, format!("duplicate key `{name}`"));
            continue;
        }
        seen.insert(name, entry.key_span);
        values.insert(name, (entry.key_span, entry.value));
    }
    let mut take = |key: Key| values.remove(key.name());

    let krate = match take(Key::Crate) {
        Some((_, Value::Str(lit))) => match lit.parse::<Path>() {
            Ok(path) => path,
            Err(_) => {
                cx.error(
                    lit.span(),
                    "expected the path of the `retry_core` crate, like `crate = \"my_retry\"`",
                );
                syn::parse_quote!(::retry_core)
            }
        },
        _ => syn::parse_quote!(::retry_core),
    };

    let returns = &analysis.returns;
    let policy_expr = match take(Key::Policy) {
        Some((_, Value::Expr(expr))) => Some(expr),
        _ => None,
    };
    let policy = if let Some(expr) = policy_expr {
        for key in [
            Key::Stop,
            Key::Wait,
            Key::Retry,
            Key::Before,
            Key::After,
            Key::BeforeSleep,
            Key::Sleep,
            Key::Timeout,
            Key::Name,
        ] {
            if let Some((span, _)) = take(key) {
                cx.error(
                    span,
                    format!(
                        "`{}` cannot be combined with `policy`; set it on the policy instead",
                        key.name()
                    ),
                );
            }
        }
        PolicySource::Expr(expr)
    } else {
        let mut strategy = |key: Key, position: Position| {
            let (span, value) = take(key)?;
            Some((span, node(cx, dsl_of(value)?, position, returns)))
        };
        let stop = strategy(Key::Stop, Position::Stop);
        let wait = strategy(Key::Wait, Position::Wait);
        let retry = strategy(Key::Retry, Position::Retry);
        if !seen.contains_key(Key::Retry.name()) {
            check_something_to_retry(cx, item, returns);
        }
        let hooks = Hooks {
            before: take(Key::Before).and_then(|v| expr_of(v.1)),
            after: take(Key::After).and_then(|v| expr_of(v.1)),
            before_sleep: take(Key::BeforeSleep).and_then(|v| expr_of(v.1)),
        };
        let sleep = take(Key::Sleep).and_then(|v| expr_of(v.1));
        let timeout = take(Key::Timeout).and_then(|(span, value)| {
            if matches!(analysis.shape, Shape::Sync) {
                cx.error(
                    span,
                    "`timeout` needs an async fn: a blocking attempt cannot be cancelled",
                );
            } else if !returns.is_result() && !matches!(returns, Returns::Unknown) {
                cx.error(
                    span,
                    "`timeout` needs a function returning `Result`: a timed-out attempt fails with an error converted from `AttemptTimedOut`",
                );
            }
            let expr = expr_of(value)?;
            let arg = argument(cx, "timeout", Kind::Duration, expr);
            if let Arg::Duration(d, span) = &arg
                && d.0.is_zero()
            {
                cx.error(*span, "`timeout` must be greater than 0");
            }
            Some((span, arg))
        });
        let name = match take(Key::Name) {
            Some((_, Value::Str(lit))) => lit.value(),
            _ => item.sig.ident.to_string(),
        };
        PolicySource::Built(Box::new(BuiltPolicy {
            stop,
            wait,
            retry,
            hooks,
            sleep,
            timeout,
            name,
        }))
    };

    let budget = take(Key::Budget).and_then(|v| expr_of(v.1));
    let on_exhausted = take(Key::OnExhausted).and_then(|v| expr_of(v.1));
    let clones = match take(Key::Clone) {
        Some((_, Value::Idents(idents))) => clone_args(cx, item, &analysis, idents),
        _ => Vec::new(),
    };

    Model {
        krate,
        policy,
        budget,
        on_exhausted,
        clones,
        analysis,
    }
}

fn dsl_of(value: Value) -> Option<Dsl> {
    match value {
        Value::Dsl(dsl) => Some(dsl),
        _ => None,
    }
}

fn expr_of(value: Value) -> Option<Expr> {
    match value {
        Value::Expr(expr) => Some(expr),
        _ => None,
    }
}

/// A function returning neither a `Result` nor anything `retry = ..` looks at.
fn check_something_to_retry(cx: &Ctxt, item: &ItemFn, returns: &Returns) {
    let Returns::Value { ty } = returns else {
        return;
    };
    match ty {
        Some(ty) => cx.error_spanned_by(
            ty,
            format!(
                "`#[retry]` has nothing to retry: `{}` is not a `Result` (an alias counts when its name ends in `Result`); retry on values with `retry = if_result(|value| ..)`",
                pretty(ty)
            ),
        ),
        None => cx.error(
            item.sig.ident.span(),
            "`#[retry]` has nothing to retry: this function returns `()`; return a `Result`, or retry on values with `retry = if_result(|value| ..)`",
        ),
    }
}

/// A type as people write it: `Option<u32>`, not `Option < u32 >`.
pub fn pretty(tokens: impl ToTokens) -> String {
    let text = tokens.into_token_stream().to_string();
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == ' ' {
            let prev = out.chars().last();
            let next = chars.peek().copied();
            let glue_before = matches!(next, Some('<' | '>' | ',' | ':' | ')' | ']'));
            let glue_after = matches!(prev, Some('<' | ':' | '&' | '(' | '['));
            if glue_before || glue_after {
                continue;
            }
        }
        out.push(c);
    }
    out.replace(",", ", ")
        .replace(",  ", ", ")
        .replace("->", " -> ")
}

fn clone_args(
    cx: &Ctxt,
    item: &ItemFn,
    analysis: &Analysis,
    idents: syn::punctuated::Punctuated<Ident, syn::Token![,]>,
) -> Vec<CloneArg> {
    let mut clones: Vec<CloneArg> = Vec::new();
    for ident in idents {
        if ident == "self" {
            cx.error(
                ident.span(),
                "`self` cannot be cloned per attempt; take `&self` or `&mut self` instead",
            );
            continue;
        }
        if clones.iter().any(|c| c.ident == ident) {
            cx.error(
                ident.span(),
                format!("`{ident}` is listed twice in `clone`"),
            );
            continue;
        }
        match analysis.args.iter().find(|a| a.ident == ident) {
            Some(arg) if arg.borrowed => cx.error(
                ident.span(),
                format!(
                    "`{ident}` is a reference, which every attempt can use; it needs no `clone`"
                ),
            ),
            Some(arg) => clones.push(CloneArg {
                ident: arg.ident.clone(),
                mutability: arg.mutability,
            }),
            None => {
                let names = analysis
                    .args
                    .iter()
                    .map(|a| a.ident.to_string())
                    .collect::<Vec<_>>();
                let hint = did_you_mean(&ident.to_string(), names.iter().map(String::as_str))
                    .map(|n| format!("; did you mean `{n}`?"))
                    .unwrap_or_default();
                cx.error(
                    ident.span(),
                    format!(
                        "`clone` names `{ident}`, which is not an argument of `{}`{hint}",
                        item.sig.ident
                    ),
                );
            }
        }
    }
    clones
}

/// Checks a strategy expression.
fn node(cx: &Ctxt, dsl: Dsl, position: Position, returns: &Returns) -> Node {
    match dsl {
        Dsl::Paren { inner, .. } => node(cx, *inner, position, returns),
        Dsl::Binary { lhs, op, rhs } => {
            match (&op, position) {
                (BinOp::Add(_), Position::Stop) => cx.error_spanned_by(
                    &op,
                    "`+` adds wait strategies; combine stop strategies with `|` (stop when either does) or `&` (stop when both do)",
                ),
                (BinOp::Add(_), Position::Retry) => cx.error_spanned_by(
                    &op,
                    "`+` adds wait strategies; combine retry conditions with `|` (retry when either does) or `&` (retry when both do)",
                ),
                (BinOp::Or(_) | BinOp::And(_), Position::Wait) => cx.error_spanned_by(
                    &op,
                    "wait strategies combine with `+`, which adds their waits",
                ),
                _ => {}
            }
            let (lhs, rhs) = (
                node(cx, *lhs, position, returns),
                node(cx, *rhs, position, returns),
            );
            if let BinOp::And(_) = op
                && position == Position::Retry
                && Domain::of(&lhs).is_disjoint_from(Domain::of(&rhs))
            {
                cx.error_spanned_by(
                    &op,
                    "`&` of an error condition and a value condition retries nothing: an outcome is an error or a value, never both; combine them with `|`",
                );
            }
            Node::Binary {
                lhs: Box::new(lhs),
                op,
                rhs: Box::new(rhs),
            }
        }
        Dsl::Not { bang, inner } => {
            if position != Position::Retry {
                cx.error(
                    bang.span,
                    format!("a {} cannot be negated with `!`", position.noun()),
                );
            }
            let inner = node(cx, *inner, position, returns);
            if position == Position::Retry && negation_is_empty(&inner) {
                cx.error(
                    bang.span,
                    "`!` over both error and value conditions retries nothing: `!(a | b)` is `!a & !b`, and no outcome is both an error and a value; negate each side instead, as in `!if_error(..) | !if_result(..)`",
                );
            }
            Node::Not {
                bang,
                inner: Box::new(inner),
            }
        }
        Dsl::Raw(expr) => Node::Raw(expr),
        Dsl::Call { name, args } => leaf(cx, name, args, position, returns),
    }
}

/// Which outcomes a retry condition can accept: `!` keeps a condition's domain, so a condition
/// over errors never retries a value and the other way round.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Domain {
    Errors,
    Values,
    /// Both, or not known (an expression, `retry_if`, `always`, a mix).
    Any,
}

impl Domain {
    fn of(node: &Node) -> Domain {
        match node {
            Node::Leaf { strategy, .. } => match strategy.name {
                "if_error" | "if_source" | "transient" | "on_error" => Domain::Errors,
                "if_result" | "if_not_result" => Domain::Values,
                _ => Domain::Any,
            },
            Node::Not { inner, .. } => Domain::of(inner),
            Node::Binary { lhs, rhs, .. } => match (Domain::of(lhs), Domain::of(rhs)) {
                (a, b) if a == b => a,
                _ => Domain::Any,
            },
            Node::Raw(_) => Domain::Any,
        }
    }

    fn is_disjoint_from(self, other: Domain) -> bool {
        matches!(
            (self, other),
            (Domain::Errors, Domain::Values) | (Domain::Values, Domain::Errors)
        )
    }
}

/// `!(a | b | ..)` is `!a & !b & ..`: empty when one alternative is over errors only and another
/// over values only.
fn negation_is_empty(inner: &Node) -> bool {
    fn alternatives(node: &Node, out: &mut Vec<Domain>) {
        match node {
            Node::Binary {
                lhs,
                op: BinOp::Or(_),
                rhs,
            } => {
                alternatives(lhs, out);
                alternatives(rhs, out);
            }
            other => out.push(Domain::of(other)),
        }
    }
    let mut domains = Vec::new();
    alternatives(inner, &mut domains);
    domains.contains(&Domain::Errors) && domains.contains(&Domain::Values)
}

fn unknown_strategy(cx: &Ctxt, name: &Ident, position: Position) {
    let text = name.to_string();
    let noun = position.noun();
    if let Some((_, operator)) = TENACITY_COMBINATORS.iter().find(|(n, _)| *n == text) {
        cx.error(
            name.span(),
            format!("unknown {noun} `{text}`; combine strategies with operators: `{operator}`"),
        );
        return;
    }
    let tenacity = TENACITY_NAMES
        .iter()
        .find(|(n, here)| *n == text && lookup(position, here.trim_start_matches('!')).is_some())
        .map(|(_, here)| *here);
    if let Some(here) = tenacity {
        cx.error(
            name.span(),
            format!("unknown {noun} `{text}`; did you mean `{here}`?"),
        );
        return;
    }
    if let Some(other) = VOCABULARY
        .iter()
        .find(|s| s.name == text && s.position != position)
    {
        let hint = match (other.name, position) {
            ("never", Position::Wait) => "; to retry at once, write `none`".to_owned(),
            _ => String::new(),
        };
        cx.error(
            name.span(),
            format!(
                "`{text}` is a {}, not a {noun}{hint}",
                other.position.noun()
            ),
        );
        return;
    }
    let valid = names(position);
    match did_you_mean(&text, valid.iter().copied()) {
        Some(close) => cx.error(
            name.span(),
            format!("unknown {noun} `{text}`; did you mean `{close}`?"),
        ),
        None => cx.error(
            name.span(),
            format!(
                "unknown {noun} `{text}`; expected one of {}",
                one_of(&valid)
            ),
        ),
    }
}

fn signature(strategy: &Strategy) -> String {
    let required: Vec<&str> = strategy
        .params
        .iter()
        .filter(|p| !p.optional)
        .map(|p| p.name)
        .collect();
    let optional: Vec<String> = strategy
        .params
        .iter()
        .filter(|p| p.optional)
        .map(|p| format!("{} = ..", p.name))
        .collect();
    let mut all: Vec<String> = required.iter().map(|s| (*s).to_owned()).collect();
    all.extend(optional);
    format!("`{}({})`", strategy.name, all.join(", "))
}

fn leaf(
    cx: &Ctxt,
    name: Ident,
    args: Option<CallArgs>,
    position: Position,
    returns: &Returns,
) -> Node {
    let Some(strategy) = lookup(position, &name.to_string()) else {
        unknown_strategy(cx, &name, position);
        return Node::Raw(syn::parse_quote!(()));
    };

    if matches!(returns, Returns::Value { .. })
        && matches!(
            strategy.name,
            "if_error" | "transient" | "on_error" | "if_source"
        )
    {
        let ty = match returns {
            Returns::Value { ty: Some(ty) } => format!("`{}`", pretty(ty)),
            _ => "`()`".to_owned(),
        };
        cx.error(
            name.span(),
            format!(
                "`{}` never retries here: the function returns {ty}, which is not a `Result`",
                strategy.name
            ),
        );
    }

    let required = strategy.params.iter().filter(|p| !p.optional).count();
    let Some(call) = args else {
        if required > 0 || strategy.variadic {
            let usage = if strategy.variadic {
                "`chain(w1, w2, ..)`".to_owned()
            } else {
                signature(strategy)
            };
            cx.error(
                name.span(),
                format!("`{}` needs arguments: {usage}", strategy.name),
            );
        }
        return Node::Leaf {
            name,
            strategy,
            args: strategy.params.iter().map(|_| Arg::Absent).collect(),
            paren: None,
        };
    };

    if strategy.variadic {
        return chain(cx, name, strategy, call, returns);
    }

    // Bind positional and named arguments to parameters.
    let mut bound: Vec<Option<Expr>> = strategy.params.iter().map(|_| None).collect();
    let mut positional = 0;
    let mut seen_named = false;
    let mut ok = true;
    let given = call.args.len();
    for arg in call.args.iter() {
        match &arg.name {
            None => {
                if seen_named {
                    cx.error_spanned_by(
                        &arg.value,
                        "positional arguments must come before named ones",
                    );
                    ok = false;
                    continue;
                }
                if positional >= required {
                    let message = if required == 0 {
                        format!("`{}` takes no arguments", strategy.name)
                    } else {
                        format!(
                            "`{}` takes {required} argument{} ({}), found {given}",
                            strategy.name,
                            if required == 1 { "" } else { "s" },
                            signature(strategy)
                        )
                    };
                    cx.error_spanned_by(&arg.value, message);
                    ok = false;
                    break;
                }
                bound[positional] = Some(arg.value.clone());
                positional += 1;
            }
            Some((param_name, _)) => {
                seen_named = true;
                let text = param_name.to_string();
                match strategy.params.iter().position(|p| p.name == text) {
                    Some(index) if bound[index].is_some() => {
                        cx.error(param_name.span(), format!("`{text}` is given twice"));
                        ok = false;
                    }
                    Some(index) => bound[index] = Some(arg.value.clone()),
                    None => {
                        let valid: Vec<&str> = strategy.params.iter().map(|p| p.name).collect();
                        let message = if valid.is_empty() {
                            format!("`{}` takes no arguments", strategy.name)
                        } else {
                            match did_you_mean(&text, valid.iter().copied()) {
                                Some(close) => format!(
                                    "unknown argument `{text}` for `{}`; did you mean `{close}`?",
                                    strategy.name
                                ),
                                None => format!(
                                    "unknown argument `{text}` for `{}`; expected {}",
                                    strategy.name,
                                    one_of(&valid)
                                ),
                            }
                        };
                        cx.error(param_name.span(), message);
                        ok = false;
                    }
                }
            }
        }
    }
    if ok {
        let missing: Vec<&str> = strategy
            .params
            .iter()
            .zip(&bound)
            .filter(|(p, b)| !p.optional && b.is_none())
            .map(|(p, _)| p.name)
            .collect();
        if !missing.is_empty() {
            cx.error(
                call.span(),
                format!(
                    "`{}` takes {required} argument{} ({}), missing {}",
                    strategy.name,
                    if required == 1 { "" } else { "s" },
                    signature(strategy),
                    one_of(&missing).replace(" or ", " and "),
                ),
            );
        }
    }

    let args: Vec<Arg> = strategy
        .params
        .iter()
        .zip(bound)
        .map(|(param, value)| match value {
            None => Arg::Absent,
            Some(value) => match param.kind {
                Kind::Wait => match Dsl::parser(Position::Wait).parse2(value.to_token_stream()) {
                    Ok(dsl) => Arg::Wait(node(cx, dsl, Position::Wait, returns)),
                    Err(error) => {
                        cx.syn_error(error);
                        Arg::Absent
                    }
                },
                kind => {
                    // "`attempts` must be at least 1" reads better than "`n` ..." for one-argument
                    // strategies.
                    let what = if strategy.params.len() == 1 {
                        strategy.name
                    } else {
                        param.name
                    };
                    argument(cx, what, kind, value)
                }
            },
        })
        .collect();
    check_values(cx, strategy, &args);
    Node::Leaf {
        name,
        strategy,
        args,
        paren: Some(call.span()),
    }
}

fn chain(
    cx: &Ctxt,
    name: Ident,
    strategy: &'static Strategy,
    call: CallArgs,
    returns: &Returns,
) -> Node {
    if call.args.is_empty() {
        cx.error(call.span(), "`chain` needs at least one wait strategy");
    }
    if let Some(extra) = call.args.iter().nth(CHAIN_LIMIT) {
        cx.error_spanned_by(
            extra,
            format!(
                "`chain` takes at most {CHAIN_LIMIT} wait strategies; nest a second `chain` for more"
            ),
        );
    }
    let mut args = Vec::new();
    let paren = Some(call.span());
    for arg in call.args {
        if let Some((param_name, _)) = &arg.name {
            cx.error(
                param_name.span(),
                "`chain` takes wait strategies in order, without names",
            );
            continue;
        }
        match Dsl::parser(Position::Wait).parse2(arg.value.to_token_stream()) {
            Ok(dsl) => args.push(Arg::Wait(node(cx, dsl, Position::Wait, returns))),
            Err(error) => cx.syn_error(error),
        }
    }
    Node::Leaf {
        name,
        strategy,
        args,
        paren,
    }
}

/// Reads one argument: literals are checked now, anything else at run time.
fn argument(cx: &Ctxt, param: &str, kind: Kind, value: Expr) -> Arg {
    if kind == Kind::Expr {
        return Arg::Expr(value);
    }
    let what = format!("`{param}`");
    match classify(&value) {
        Classified::Expr => Arg::Expr(value),
        Classified::NonFinite(tokens, what_kind) => {
            let message = match kind {
                Kind::Duration => format!("a duration cannot be {what_kind}"),
                _ => format!("{what} cannot be {what_kind}"),
            };
            cx.error_spanned_by(tokens, message);
            Arg::Absent
        }
        Classified::Num(lit) => literal(cx, &what, kind, &lit).unwrap_or(Arg::Absent),
    }
}

fn literal(cx: &Ctxt, what: &str, kind: Kind, lit: &NumLit) -> Option<Arg> {
    let span = lit.tokens.span();
    let result = match kind {
        Kind::Duration => lit.duration().map(|d| Arg::Duration(d, span)),
        Kind::Count => lit.count(what).and_then(|n| {
            u32::try_from(n)
                .map(|n| Arg::Count(n, span))
                .map_err(|_| crate::lit::LitError(format!("{what} must be at most {}", u32::MAX)))
        }),
        Kind::Number => lit.number(what).map(|n| Arg::Number(n, span)),
        Kind::Wait | Kind::Expr => unreachable!("not literal kinds"),
    };
    match result {
        Ok(arg) => Some(arg),
        Err(crate::lit::LitError(message)) => {
            cx.error_spanned_by(&lit.tokens, message);
            None
        }
    }
}

/// Checks between literal arguments: `min <= max`, positive multipliers, bases of at least 1.
fn check_values(cx: &Ctxt, strategy: &Strategy, args: &[Arg]) {
    let get = |name: &str| {
        let index = strategy.params.iter().position(|p| p.name == name)?;
        match &args[index] {
            Arg::Duration(d, span) => Some((*d, *span)),
            _ => None,
        }
    };
    let positive = |name: &str| {
        if let Some((d, span)) = get(name)
            && d.0.is_zero()
        {
            cx.error(span, format!("`{name}` must be greater than 0"));
        }
    };
    let ordered = |low: &str, high: &str| {
        if let (Some((lo, span)), Some((hi, _))) = (get(low), get(high))
            && lo > hi
        {
            cx.error(
                span,
                format!(
                    "`{low}` ({}) is greater than `{high}` ({})",
                    lo.describe(),
                    hi.describe()
                ),
            );
        }
    };
    let base_at_least_one = || {
        if let Some(index) = strategy.params.iter().position(|p| p.name == "base")
            && let Arg::Number(base, span) = &args[index]
            && *base < 1.0
        {
            cx.error(*span, format!("`base` must be at least 1, found {base}"));
        }
    };
    match strategy.name {
        "attempts" => {
            if let Some(Arg::Count(0, span)) = args.first() {
                cx.error(*span, "`attempts` must be at least 1");
            }
        }
        "random" => ordered("min", "max"),
        "incrementing" => ordered("start", "max"),
        "exponential" | "random_exponential" => {
            positive("multiplier");
            ordered("min", "max");
            base_at_least_one();
        }
        "exponential_jitter" => {
            positive("initial");
            ordered("initial", "max");
            base_at_least_one();
        }
        "equal_jitter" => positive("multiplier"),
        "decorrelated_jitter" => {
            positive("base");
            ordered("base", "max");
        }
        "retry_after" => positive("cap"),
        _ => {}
    }
}
