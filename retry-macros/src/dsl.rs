//! The strategy language of `stop = ..`, `wait = ..` and `retry = ..`: calls such as
//! `exponential(1, 2, 10)` and bare names such as `never`, combined with `|`, `&`, `+` and `!`
//! and grouped with parentheses. `{ expr }` and paths with `::` pass through as Rust expressions.
//!
//! This module only parses. Names, argument counts and literal values are checked in `valid.rs`
//! so that every mistake in one attribute is reported together.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, TokenStreamExt};
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Expr, Ident, Token, token};

/// Which key a strategy expression belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Position {
    Stop,
    Wait,
    Retry,
}

impl Position {
    /// "stop strategy", "wait strategy", "retry condition".
    pub fn noun(self) -> &'static str {
        match self {
            Position::Stop => "stop strategy",
            Position::Wait => "wait strategy",
            Position::Retry => "retry condition",
        }
    }

    fn example(self) -> &'static str {
        match self {
            Position::Stop => "`attempts(3)` or `after_delay(30s)`",
            Position::Wait => "`fixed(1s)` or `exponential(1, 2, 10)`",
            Position::Retry => "`if_error(|e| ..)` or `transient`",
        }
    }
}

/// A binary operator between two strategies.
#[derive(Clone)]
pub enum BinOp {
    Or(Token![|]),
    And(Token![&]),
    Add(Token![+]),
}

impl BinOp {
    /// `|` binds loosest, then `&`, then `+` (as in Rust).
    fn precedence(&self) -> u8 {
        match self {
            BinOp::Or(_) => 1,
            BinOp::And(_) => 2,
            BinOp::Add(_) => 3,
        }
    }
}

impl ToTokens for BinOp {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        match self {
            BinOp::Or(t) => t.to_tokens(tokens),
            BinOp::And(t) => t.to_tokens(tokens),
            BinOp::Add(t) => t.to_tokens(tokens),
        }
    }
}

/// A parsed strategy expression.
#[derive(Clone)]
pub enum Dsl {
    Binary {
        lhs: Box<Dsl>,
        op: BinOp,
        rhs: Box<Dsl>,
    },
    Not {
        bang: Token![!],
        inner: Box<Dsl>,
    },
    Paren {
        paren: token::Paren,
        inner: Box<Dsl>,
    },
    /// `name` or `name(args)`.
    Call {
        name: Ident,
        args: Option<CallArgs>,
    },
    /// `{ expr }` or a path with `::`: a Rust expression used as it is.
    Raw(Expr),
}

/// The parenthesised arguments of a call.
#[derive(Clone)]
pub struct CallArgs {
    pub paren: token::Paren,
    pub args: Punctuated<CallArg, Token![,]>,
}

/// One argument: positional (`2`) or named (`max = 10`).
#[derive(Clone)]
pub struct CallArg {
    pub name: Option<(Ident, Token![=])>,
    pub value: Expr,
}

impl ToTokens for CallArg {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        if let Some((name, eq)) = &self.name {
            name.to_tokens(tokens);
            eq.to_tokens(tokens);
        }
        self.value.to_tokens(tokens);
    }
}

impl ToTokens for CallArgs {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        self.paren
            .surround(tokens, |tokens| self.args.to_tokens(tokens));
    }
}

impl ToTokens for Dsl {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        match self {
            Dsl::Binary { lhs, op, rhs } => {
                lhs.to_tokens(tokens);
                op.to_tokens(tokens);
                rhs.to_tokens(tokens);
            }
            Dsl::Not { bang, inner } => {
                bang.to_tokens(tokens);
                inner.to_tokens(tokens);
            }
            Dsl::Paren { paren, inner } => paren.surround(tokens, |t| inner.to_tokens(t)),
            Dsl::Call { name, args } => {
                tokens.append(name.clone());
                if let Some(args) = args {
                    args.to_tokens(tokens);
                }
            }
            Dsl::Raw(expr) => expr.to_tokens(tokens),
        }
    }
}

impl Dsl {
    /// Parses a whole strategy expression: `input` must hold nothing else.
    pub fn parse_complete(input: ParseStream, position: Position) -> syn::Result<Dsl> {
        if input.is_empty() {
            return Err(syn::Error::new(
                input.span(),
                format!(
                    "expected a {}, such as {}",
                    position.noun(),
                    position.example()
                ),
            ));
        }
        let dsl = parse_binary(input, position, 0)?;
        if !input.is_empty() {
            let expected = match position {
                Position::Stop | Position::Retry => "`|`, `&` or `,`",
                Position::Wait => "`+` or `,`",
            };
            return Err(input.error(format!("expected {expected}")));
        }
        Ok(dsl)
    }

    /// A parser for `syn::parse::Parser::parse2`.
    pub fn parser(position: Position) -> impl FnOnce(ParseStream) -> syn::Result<Dsl> {
        move |input| Dsl::parse_complete(input, position)
    }
}

fn parse_binary(input: ParseStream, position: Position, min_precedence: u8) -> syn::Result<Dsl> {
    let mut lhs = parse_unary(input, position)?;
    loop {
        if input.peek(Token![||]) {
            let doubled: Token![||] = input.parse()?;
            return Err(syn::Error::new_spanned(
                doubled,
                "combine strategies with `|`, not `||`",
            ));
        }
        if input.peek(Token![&&]) {
            let doubled: Token![&&] = input.parse()?;
            return Err(syn::Error::new_spanned(
                doubled,
                "combine strategies with `&`, not `&&`",
            ));
        }
        let precedence = if input.peek(Token![|]) {
            1
        } else if input.peek(Token![&]) {
            2
        } else if input.peek(Token![+]) {
            3
        } else {
            break;
        };
        if precedence < min_precedence {
            break;
        }
        let op = match precedence {
            1 => BinOp::Or(input.parse()?),
            2 => BinOp::And(input.parse()?),
            _ => BinOp::Add(input.parse()?),
        };
        if input.is_empty() {
            return Err(syn::Error::new_spanned(
                &op,
                format!("expected a {} after this operator", position.noun()),
            ));
        }
        let rhs = parse_binary(input, position, op.precedence() + 1)?;
        lhs = Dsl::Binary {
            lhs: Box::new(lhs),
            op,
            rhs: Box::new(rhs),
        };
    }
    Ok(lhs)
}

fn parse_unary(input: ParseStream, position: Position) -> syn::Result<Dsl> {
    let lookahead = input.lookahead1();
    if lookahead.peek(Token![!]) {
        let bang = input.parse()?;
        let inner = Box::new(parse_unary(input, position)?);
        return Ok(Dsl::Not { bang, inner });
    }
    if lookahead.peek(token::Paren) {
        let content;
        let paren = syn::parenthesized!(content in input);
        let inner = Box::new(Dsl::parse_complete(&content, position)?);
        return Ok(Dsl::Paren { paren, inner });
    }
    if lookahead.peek(token::Brace) {
        let block: syn::ExprBlock = input.parse()?;
        return Ok(Dsl::Raw(Expr::Block(block)));
    }
    if input.peek(Token![::])
        || input.peek(Token![crate])
        || input.peek(Token![self])
        || input.peek(Token![super])
        || (input.peek(Ident) && input.peek2(Token![::]))
    {
        return parse_raw_path(input);
    }
    if lookahead.peek(Ident) {
        let name = input.call(Ident::parse_any)?;
        let mut args: Option<CallArgs> = if input.peek(token::Paren) {
            Some(input.parse()?)
        } else {
            None
        };
        // `retry_after(w).cap(d)` and `exponential(..).base(b)`, as the builders spell them: the
        // same as the named arguments `cap = d` and `base = b`.
        while input.peek(Token![.]) {
            let dot: Token![.] = input.parse()?;
            let method: Ident = input.parse()?;
            let content;
            syn::parenthesized!(content in input);
            let value: Expr = content.parse()?;
            if !content.is_empty() {
                return Err(content.error(format!("`.{method}(..)` takes one argument")));
            }
            let eq = Token![=](dot.span);
            let arg = CallArg {
                name: Some((method, eq)),
                value,
            };
            args.get_or_insert_with(|| CallArgs {
                paren: token::Paren(name.span()),
                args: Punctuated::new(),
            })
            .args
            .push(arg);
        }
        return Ok(Dsl::Call { name, args });
    }
    if input.peek(syn::LitInt) || input.peek(syn::LitFloat) {
        let lit: syn::Lit = input.parse()?;
        let hint = match position {
            Position::Stop => "to stop after a number of attempts, write `attempts(n)`",
            Position::Wait => "to wait a fixed time, write `fixed(d)`",
            Position::Retry => "a retry condition is a predicate, such as `if_error(|e| ..)`",
        };
        return Err(syn::Error::new_spanned(
            lit,
            format!("expected a {}; {hint}", position.noun()),
        ));
    }
    Err(syn::Error::new(
        input.span(),
        format!(
            "expected a {}, such as {}",
            position.noun(),
            position.example()
        ),
    ))
}

/// `path::to::strategy` or `path::to::strategy(args)`, used as it is.
fn parse_raw_path(input: ParseStream) -> syn::Result<Dsl> {
    let path: syn::ExprPath = input.parse()?;
    if input.peek(token::Paren) {
        let content;
        let paren_token = syn::parenthesized!(content in input);
        let args = content.parse_terminated(Expr::parse, Token![,])?;
        return Ok(Dsl::Raw(Expr::Call(syn::ExprCall {
            attrs: Vec::new(),
            func: Box::new(Expr::Path(path)),
            paren_token,
            args,
        })));
    }
    Ok(Dsl::Raw(Expr::Path(path)))
}

impl Parse for CallArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let content;
        let paren = syn::parenthesized!(content in input);
        let args = content.parse_terminated(CallArg::parse, Token![,])?;
        Ok(CallArgs { paren, args })
    }
}

impl Parse for CallArg {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let named = input.peek(Ident)
            && input.peek2(Token![=])
            && !input.peek2(Token![==])
            && !input.peek2(Token![=>]);
        let name = if named {
            Some((input.parse()?, input.parse()?))
        } else {
            None
        };
        if input.is_empty() || input.peek(Token![,]) {
            return Err(syn::Error::new(input.span(), "expected an argument"));
        }
        let value: Expr = input.parse()?;
        if input.peek(Ident)
            && matches!(&value, Expr::Lit(lit) if matches!(lit.lit, syn::Lit::Int(_) | syn::Lit::Float(_)))
        {
            let unit: Ident = input.parse()?;
            let spelled = unit.to_string();
            let message = match crate::lit::canonical_unit(&spelled) {
                Some(unit) => format!(
                    "write the unit right after the number, without a space: `{}{unit}`",
                    value.to_token_stream()
                ),
                None => format!("unexpected `{spelled}` after a number"),
            };
            return Err(syn::Error::new(unit.span(), message));
        }
        Ok(CallArg { name, value })
    }
}

impl CallArgs {
    /// The span of the parentheses (for "takes N arguments" errors).
    pub fn span(&self) -> Span {
        self.paren.span.join()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse::Parser;

    fn parse(position: Position, src: &str) -> Result<String, String> {
        Dsl::parser(position)
            .parse_str(src)
            .map(|d| d.to_token_stream().to_string())
            .map_err(|e| e.to_string())
    }

    fn shape(d: &Dsl) -> String {
        match d {
            Dsl::Binary { lhs, op, rhs } => {
                let op = match op {
                    BinOp::Or(_) => "|",
                    BinOp::And(_) => "&",
                    BinOp::Add(_) => "+",
                };
                format!("({} {op} {})", shape(lhs), shape(rhs))
            }
            Dsl::Not { inner, .. } => format!("!{}", shape(inner)),
            Dsl::Paren { inner, .. } => shape(inner),
            Dsl::Call { name, args } => match args {
                Some(a) => format!("{name}/{}", a.args.len()),
                None => name.to_string(),
            },
            Dsl::Raw(_) => "raw".into(),
        }
    }

    fn tree(position: Position, src: &str) -> String {
        shape(&Dsl::parser(position).parse_str(src).unwrap())
    }

    #[test]
    fn precedence_and_grouping() {
        assert_eq!(tree(Position::Stop, "a | b & c"), "(a | (b & c))");
        assert_eq!(tree(Position::Stop, "(a | b) & c"), "((a | b) & c)");
        assert_eq!(tree(Position::Stop, "a | b | c"), "((a | b) | c)");
        assert_eq!(tree(Position::Wait, "x(1) + y(1, 2)"), "(x/1 + y/2)");
        assert_eq!(tree(Position::Retry, "!a | !(b & c)"), "(!a | !(b & c))");
        assert_eq!(
            tree(Position::Wait, "{ my_wait() } + x::y(1)"),
            "(raw + raw)"
        );
        assert_eq!(
            tree(
                Position::Retry,
                "if_error(|e| e.0 == 1 || e.0 == 2) | if_result(|r: &u8| *r > 0)"
            ),
            "(if_error/1 | if_result/1)"
        );
    }

    #[test]
    fn named_arguments() {
        let d = Dsl::parser(Position::Wait)
            .parse_str("exponential(multiplier = 1, min = 2, max = 10, base = 3)")
            .unwrap();
        let Dsl::Call {
            args: Some(args), ..
        } = d
        else {
            panic!()
        };
        let names: Vec<String> = args
            .args
            .iter()
            .map(|a| a.name.as_ref().unwrap().0.to_string())
            .collect();
        assert_eq!(names, ["multiplier", "min", "max", "base"]);
        // `==` is a comparison, not a named argument.
        let d = Dsl::parser(Position::Retry)
            .parse_str("retry_if(a == b)")
            .unwrap();
        let Dsl::Call {
            args: Some(args), ..
        } = d
        else {
            panic!()
        };
        assert!(args.args[0].name.is_none());
    }

    #[test]
    fn builder_methods_are_named_arguments() {
        let d = Dsl::parser(Position::Wait)
            .parse_str("retry_after(exponential(1, 0, 30).base(3)).cap(2) + fixed(1)")
            .unwrap();
        assert_eq!(shape(&d), "(retry_after/2 + fixed/1)");
        let Dsl::Binary { lhs, .. } = d else { panic!() };
        let Dsl::Call {
            args: Some(args), ..
        } = *lhs
        else {
            panic!()
        };
        assert_eq!(args.args[1].name.as_ref().unwrap().0, "cap");
        assert_eq!(
            args.args[0].value.to_token_stream().to_string(),
            "exponential (1 , 0 , 30) . base (3)"
        );
    }

    #[test]
    fn errors() {
        assert_eq!(
            parse(Position::Stop, "attempts(3) || after_delay(5)"),
            Err("combine strategies with `|`, not `||`".into())
        );
        assert_eq!(
            parse(Position::Stop, "attempts(3) |"),
            Err("expected a stop strategy after this operator".into())
        );
        assert_eq!(
            parse(Position::Stop, "5"),
            Err(
                "expected a stop strategy; to stop after a number of attempts, write `attempts(n)`"
                    .into()
            )
        );
        assert_eq!(
            parse(Position::Wait, "fixed(1) fixed(2)"),
            Err("expected `+` or `,`".into())
        );
        assert_eq!(
            parse(Position::Wait, ""),
            Err("expected a wait strategy, such as `fixed(1s)` or `exponential(1, 2, 10)`".into())
        );
        assert_eq!(
            parse(Position::Wait, "fixed(max = )"),
            Err("expected an argument".into())
        );
    }
}
