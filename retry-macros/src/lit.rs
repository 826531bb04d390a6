//! Numeric literals in strategy arguments: counts, plain numbers and durations (`2`, `0.5`,
//! `500ms`, `2m`). Only literals are checked here; any other expression is left for run time.

use std::time::Duration;

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::{Expr, ExprLit, ExprPath, ExprUnary, Lit, UnOp};

/// The duration units a literal may carry, with their length in nanoseconds.
pub const UNITS: &[(&str, u128)] = &[
    ("ns", 1),
    ("us", 1_000),
    ("ms", 1_000_000),
    ("s", 1_000_000_000),
    ("m", 60 * 1_000_000_000),
    ("h", 3_600 * 1_000_000_000),
];

const UNIT_NAMES: &[&str] = &["ns", "us", "ms", "s", "m", "h"];

/// Spellings people reach for, and the unit they mean.
const UNIT_ALIASES: &[(&str, &str)] = &[
    ("µs", "us"),
    ("nsec", "ns"),
    ("nanos", "ns"),
    ("usec", "us"),
    ("micros", "us"),
    ("msec", "ms"),
    ("millis", "ms"),
    ("sec", "s"),
    ("secs", "s"),
    ("second", "s"),
    ("seconds", "s"),
    ("min", "m"),
    ("mins", "m"),
    ("minute", "m"),
    ("minutes", "m"),
    ("hr", "h"),
    ("hrs", "h"),
    ("hour", "h"),
    ("hours", "h"),
];

/// The unit a spelling means: itself for a unit, the unit for a common alias (`sec` is `s`).
pub fn canonical_unit(spelling: &str) -> Option<&'static str> {
    UNIT_NAMES
        .iter()
        .find(|unit| **unit == spelling)
        .copied()
        .or_else(|| {
            UNIT_ALIASES
                .iter()
                .find(|(alias, _)| *alias == spelling)
                .map(|(_, unit)| *unit)
        })
}

/// Rust's own numeric type suffixes: `5u32` is the number 5.
const TYPE_SUFFIXES: &[&str] = &[
    "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize", "f32",
    "f64",
];

/// A numeric literal as written, possibly negated and possibly with a unit.
pub struct NumLit {
    /// The whole expression (for spans).
    pub tokens: TokenStream,
    pub negative: bool,
    /// The digits in base 10, without underscores or suffix.
    pub digits: String,
    pub is_float: bool,
    /// The suffix, empty if none.
    pub suffix: String,
}

/// What a literal-looking argument turned out to be.
pub enum Classified {
    /// A numeric literal.
    Num(NumLit),
    /// `f64::NAN`, `f32::INFINITY`, `f64::NEG_INFINITY` and the like: never a valid argument.
    NonFinite(TokenStream, &'static str),
    /// Anything else: an expression checked at run time.
    Expr,
}

/// Looks through parentheses and invisible groups.
fn peel(expr: &Expr) -> &Expr {
    match expr {
        Expr::Paren(p) => peel(&p.expr),
        Expr::Group(g) => peel(&g.expr),
        other => other,
    }
}

pub fn classify(expr: &Expr) -> Classified {
    let (inner, negative) = match peel(expr) {
        Expr::Unary(ExprUnary {
            op: UnOp::Neg(_),
            expr,
            ..
        }) => (peel(expr), true),
        other => (other, false),
    };
    match inner {
        Expr::Lit(ExprLit {
            lit: Lit::Int(int), ..
        }) => Classified::Num(NumLit {
            tokens: expr.to_token_stream(),
            negative,
            digits: int.base10_digits().to_owned(),
            is_float: false,
            suffix: int.suffix().to_owned(),
        }),
        Expr::Lit(ExprLit {
            lit: Lit::Float(float),
            ..
        }) => Classified::Num(NumLit {
            tokens: expr.to_token_stream(),
            negative,
            digits: float.base10_digits().to_owned(),
            is_float: true,
            suffix: float.suffix().to_owned(),
        }),
        Expr::Path(ExprPath {
            path, qself: None, ..
        }) => {
            let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
            let n = segments.len();
            if n >= 2 && matches!(segments[n - 2].as_str(), "f32" | "f64") {
                let what = match segments[n - 1].as_str() {
                    "NAN" => Some("NaN"),
                    "INFINITY" | "NEG_INFINITY" => Some("infinite"),
                    _ => None,
                };
                if let Some(what) = what {
                    return Classified::NonFinite(expr.to_token_stream(), what);
                }
            }
            Classified::Expr
        }
        _ => Classified::Expr,
    }
}

/// A checked duration literal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct DurationLit(pub Duration);

impl DurationLit {
    /// `2s`, `500ms`, `1.5s`, `250us`: the shortest exact spelling, for messages.
    pub fn describe(self) -> String {
        let nanos = self.0.as_nanos();
        for (unit, size) in [("h", 3_600_000_000_000u128), ("m", 60_000_000_000)] {
            if nanos >= size && nanos.is_multiple_of(size) {
                return format!("{}{unit}", nanos / size);
            }
        }
        if nanos.is_multiple_of(1_000_000_000) {
            return format!("{}s", nanos / 1_000_000_000);
        }
        if nanos >= 1_000_000_000 && nanos.is_multiple_of(1_000_000) {
            return format!("{}s", self.0.as_secs_f64());
        }
        if nanos.is_multiple_of(1_000_000) {
            return format!("{}ms", nanos / 1_000_000);
        }
        if nanos.is_multiple_of(1_000) {
            return format!("{}us", nanos / 1_000);
        }
        format!("{nanos}ns")
    }
}

/// Why a number literal is not what its parameter needs (the message).
pub struct LitError(pub String);

impl NumLit {
    fn split_suffix(&self) -> Result<Option<u128>, LitError> {
        if self.suffix.is_empty() || TYPE_SUFFIXES.contains(&self.suffix.as_str()) {
            return Ok(None);
        }
        if let Some((_, size)) = UNITS.iter().find(|(unit, _)| *unit == self.suffix) {
            return Ok(Some(*size));
        }
        let hint = UNIT_ALIASES
            .iter()
            .find(|(alias, _)| *alias == self.suffix)
            .map(|(_, unit)| *unit)
            .or_else(|| crate::ctxt::did_you_mean(&self.suffix, UNIT_NAMES.iter().copied()));
        Err(LitError(match hint {
            Some(unit) => format!(
                "unknown duration unit `{}`; did you mean `{unit}`?",
                self.suffix
            ),
            None => format!(
                "unknown duration unit `{}`; expected one of {}",
                self.suffix,
                crate::ctxt::one_of(UNIT_NAMES)
            ),
        }))
    }

    /// The literal as a duration: bare numbers are seconds.
    pub fn duration(&self) -> Result<DurationLit, LitError> {
        let unit = self.split_suffix()?.unwrap_or(1_000_000_000);
        if self.negative && !is_zero(&self.digits) {
            return Err(LitError("a duration cannot be negative".into()));
        }
        let nanos = match exact_nanos(&self.digits, unit) {
            Exact::Nanos(n) => n,
            Exact::TooLarge => {
                return Err(LitError(too_large()));
            }
            Exact::Infinite => {
                return Err(LitError("a duration must be finite".into()));
            }
        };
        let secs = u64::try_from(nanos / 1_000_000_000).map_err(|_| LitError(too_large()))?;
        let subsec = (nanos % 1_000_000_000) as u32;
        Ok(DurationLit(Duration::new(secs, subsec)))
    }

    /// The literal as a whole number of something (attempts).
    pub fn count(&self, what: &str) -> Result<u128, LitError> {
        if self.split_suffix()?.is_some() {
            return Err(LitError(format!("{what} takes a number, not a duration")));
        }
        if self.is_float {
            return Err(LitError(format!("{what} must be a whole number")));
        }
        if self.negative && !is_zero(&self.digits) {
            return Err(LitError(format!("{what} cannot be negative")));
        }
        self.digits
            .parse::<u128>()
            .map_err(|_| LitError(format!("{what} is too large")))
    }

    /// The literal as a plain number (an exponent base).
    pub fn number(&self, what: &str) -> Result<f64, LitError> {
        if self.split_suffix()?.is_some() {
            return Err(LitError(format!(
                "{what} is a plain number, not a duration"
            )));
        }
        let value: f64 = self
            .digits
            .parse()
            .map_err(|_| LitError(format!("{what} is not a number")))?;
        if !value.is_finite() {
            return Err(LitError(format!("{what} must be finite")));
        }
        Ok(if self.negative { -value } else { value })
    }
}

fn too_large() -> String {
    format!(
        "this duration is too large; the longest is {} seconds",
        u64::MAX
    )
}

fn is_zero(digits: &str) -> bool {
    let mantissa = digits.split(['e', 'E']).next().unwrap_or(digits);
    mantissa.chars().all(|c| c == '0' || c == '.')
}

enum Exact {
    Nanos(u128),
    TooLarge,
    Infinite,
}

/// `digits` (a base-10 integer or float literal) times `unit` nanoseconds, rounded to the nearest
/// nanosecond, computed exactly so `0.1` is 100 ms and not 99.999999 ms.
fn exact_nanos(digits: &str, unit: u128) -> Exact {
    // Duration::MAX in nanoseconds.
    const MAX_NANOS: u128 = u64::MAX as u128 * 1_000_000_000 + 999_999_999;

    let (mantissa, exponent) = match digits.split_once(['e', 'E']) {
        Some((m, e)) => match e.parse::<i64>() {
            Ok(e) => (m, e),
            // An exponent too large for i64: infinite or zero.
            Err(_) if e.starts_with('-') => return Exact::Nanos(0),
            Err(_) => return Exact::Infinite,
        },
        None => (digits, 0),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = format!("{int_part}{frac_part}");
    let all_digits = all_digits.trim_start_matches('0');
    if all_digits.is_empty() {
        return Exact::Nanos(0);
    }
    // value = all_digits * 10^(exponent - frac_len) seconds-or-units
    let exp10 = exponent - frac_part.len() as i64;
    if all_digits.len() > 36 {
        // Too many significant digits for exact arithmetic: fall back to f64.
        return match digits.parse::<f64>() {
            Ok(v) if v.is_infinite() => Exact::Infinite,
            Ok(v) => {
                let nanos = v * unit as f64;
                if nanos > MAX_NANOS as f64 {
                    Exact::TooLarge
                } else {
                    Exact::Nanos(nanos.round() as u128)
                }
            }
            Err(_) => Exact::TooLarge,
        };
    }
    let Ok(significand) = all_digits.parse::<u128>() else {
        return Exact::TooLarge;
    };
    let Some(mut value) = significand.checked_mul(unit) else {
        return Exact::TooLarge;
    };
    if exp10 >= 0 {
        for _ in 0..exp10 {
            value = match value.checked_mul(10) {
                Some(v) if v <= MAX_NANOS => v,
                _ => return Exact::TooLarge,
            };
        }
    } else {
        let shift = exp10.unsigned_abs();
        if shift > 38 {
            return Exact::Nanos(0);
        }
        let divisor = 10u128.pow(shift as u32);
        value = value / divisor + u128::from(value % divisor >= divisor.div_ceil(2));
    }
    if value > MAX_NANOS {
        Exact::TooLarge
    } else {
        Exact::Nanos(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(src: &str) -> NumLit {
        match classify(&syn::parse_str(src).unwrap()) {
            Classified::Num(n) => n,
            _ => panic!("{src} is not a literal"),
        }
    }

    fn dur(src: &str) -> Result<Duration, String> {
        lit(src).duration().map(|d| d.0).map_err(|LitError(m)| m)
    }

    #[test]
    fn durations_are_exact() {
        assert_eq!(dur("2"), Ok(Duration::from_secs(2)));
        assert_eq!(dur("0.1"), Ok(Duration::from_millis(100)));
        assert_eq!(dur("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(dur("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(dur("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(dur("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(dur("250us"), Ok(Duration::from_micros(250)));
        assert_eq!(dur("7ns"), Ok(Duration::from_nanos(7)));
        assert_eq!(dur("1e3ms"), Ok(Duration::from_secs(1)));
        assert_eq!(dur("2.5e-3"), Ok(Duration::from_micros(2500)));
        assert_eq!(dur("1_000ms"), Ok(Duration::from_secs(1)));
        assert_eq!(dur("0x10"), Ok(Duration::from_secs(16)));
        assert_eq!(dur("5u64"), Ok(Duration::from_secs(5)));
        assert_eq!(dur("0.0000000004"), Ok(Duration::ZERO));
        assert_eq!(dur("0.0000000005"), Ok(Duration::from_nanos(1)));
        assert_eq!(dur("-0"), Ok(Duration::ZERO));
        assert_eq!(
            dur("18446744073709551615"),
            Ok(Duration::from_secs(u64::MAX))
        );
    }

    #[test]
    fn bad_durations() {
        assert_eq!(dur("-1"), Err("a duration cannot be negative".into()));
        assert_eq!(dur("-0.5ms"), Err("a duration cannot be negative".into()));
        assert!(
            dur("18446744073709551616")
                .unwrap_err()
                .contains("too large")
        );
        assert!(dur("1e300").unwrap_err().contains("too large"));
        assert!(dur("1e400").unwrap_err().contains("too large"));
        assert_eq!(
            dur("5sec"),
            Err("unknown duration unit `sec`; did you mean `s`?".into())
        );
        assert_eq!(
            dur("5sx"),
            Err("unknown duration unit `sx`; did you mean `s`?".into())
        );
        assert_eq!(
            dur("5days"),
            Err(
                "unknown duration unit `days`; expected one of `ns`, `us`, `ms`, `s`, `m` or `h`"
                    .into()
            )
        );
        assert!(matches!(
            classify(&syn::parse_str("f64::NAN").unwrap()),
            Classified::NonFinite(_, "NaN")
        ));
        assert!(matches!(
            classify(&syn::parse_str("std::f32::INFINITY").unwrap()),
            Classified::NonFinite(_, "infinite")
        ));
        assert!(matches!(
            classify(&syn::parse_str("config.delay").unwrap()),
            Classified::Expr
        ));
    }

    #[test]
    fn counts_and_numbers() {
        assert_eq!(lit("5").count("`n`").ok(), Some(5));
        assert!(lit("5s").count("`n`").is_err());
        assert!(lit("2.5").count("`n`").is_err());
        assert_eq!(lit("1.5").number("`base`").ok(), Some(1.5));
        assert_eq!(lit("-3").number("`base`").ok(), Some(-3.0));
        assert!(lit("2ms").number("`base`").is_err());
    }

    #[test]
    fn descriptions() {
        let d = |s: &str| lit(s).duration().ok().unwrap().describe();
        assert_eq!(d("2"), "2s");
        assert_eq!(d("1.5"), "1.5s");
        assert_eq!(d("500ms"), "500ms");
        assert_eq!(d("120"), "2m");
        assert_eq!(d("7200"), "2h");
        assert_eq!(d("90"), "90s");
        assert_eq!(d("3us"), "3us");
        assert_eq!(d("3ns"), "3ns");
    }
}
