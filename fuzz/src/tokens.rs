//! Token trees from fuzzer bytes (`arbitrary`), including what text cannot spell: invisible
//! (`Delimiter::None`) groups and every punctuation spacing.

use std::str::FromStr;

use arbitrary::{Arbitrary, Unstructured};
use proc_macro2::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};

use crate::check::WORDS;

const PUNCTS: &[char] = &[
    '=', '<', '>', '!', '~', '+', '-', '*', '/', '%', '^', '&', '|', '@', '.', ',', ';', ':', '#',
    '$', '?', '\'',
];

/// A token tree as the fuzzer builds it.
#[derive(Arbitrary, Debug)]
pub enum Tok {
    /// A word from the list, or any valid identifier made of the given text.
    Word(u8),
    Ident(String),
    /// A literal: the text if it lexes as one, otherwise the text as a string literal.
    Literal(String),
    Number(u64, u8),
    Punct(u8, bool),
    Group(u8, Vec<Tok>),
}

impl Tok {
    fn tree(&self, depth: usize) -> Option<TokenTree> {
        let span = Span::call_site();
        Some(match self {
            Tok::Word(i) => Ident::new(WORDS[*i as usize % WORDS.len()], span).into(),
            Tok::Ident(text) => {
                let valid = !text.is_empty()
                    && text
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                    && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    && text != "_";
                if !valid {
                    return None;
                }
                Ident::new(text, span).into()
            }
            Tok::Literal(text) => Literal::from_str(text)
                .unwrap_or_else(|_| Literal::string(text))
                .into(),
            Tok::Number(n, unit) => {
                let units = [
                    "", "ms", "s", "us", "ns", "m", "h", "sec", "u8", "f64", ".5", "e400",
                ];
                let text = format!("{n}{}", units[*unit as usize % units.len()]);
                Literal::from_str(&text).ok()?.into()
            }
            Tok::Punct(c, joint) => {
                let spacing = if *joint {
                    Spacing::Joint
                } else {
                    Spacing::Alone
                };
                Punct::new(PUNCTS[*c as usize % PUNCTS.len()], spacing).into()
            }
            Tok::Group(d, inner) => {
                if depth > 16 {
                    return None;
                }
                let delimiter = [
                    Delimiter::Parenthesis,
                    Delimiter::Bracket,
                    Delimiter::Brace,
                    Delimiter::None,
                ][*d as usize % 4];
                Group::new(delimiter, stream(inner, depth + 1)).into()
            }
        })
    }
}

fn stream(tokens: &[Tok], depth: usize) -> TokenStream {
    tokens.iter().filter_map(|t| t.tree(depth)).collect()
}

/// Arguments and an item choice from the fuzzer's bytes.
pub fn from_bytes(data: &[u8]) -> arbitrary::Result<(TokenStream, usize)> {
    let mut u = Unstructured::new(data);
    let item = u.arbitrary::<u8>()? as usize;
    let tokens: Vec<Tok> = u.arbitrary()?;
    Ok((stream(&tokens, 0), item))
}
