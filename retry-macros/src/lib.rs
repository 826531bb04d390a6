//! The `#[retry]` attribute. Depend on `retry-core`, which re-exports it as `retry_core::retry`
//! and documents the whole attribute language there.
//!
//! The macro works in three stages, each in its own module:
//!
//! - parse: `attr.rs` reads `key = value` pairs, `dsl.rs` the strategy expressions (`stop`,
//!   `wait`, `retry`), `item.rs` the function, `lit.rs` numbers and durations;
//! - validate: `valid.rs` checks names, argument counts and literal values against the
//!   vocabulary, and the keys against the function, collecting every error in one context
//!   (`ctxt.rs`);
//! - expand: `expand.rs` writes the body as a loop over `retry_core`'s engine.
//!
//! On any error the function is emitted unchanged next to the `compile_error!`s, so the rest of
//! the crate still type-checks and editors keep working.
#![forbid(unsafe_code)]

use proc_macro::TokenStream;
use proc_macro2::TokenStream as TokenStream2;
use quote::quote;

mod attr;
mod ctxt;
mod dsl;
mod expand;
mod item;
mod lit;
mod valid;

#[cfg(test)]
mod snapshots;

/// Retries the annotated function; see `retry_core::retry` for the full documentation.
#[proc_macro_attribute]
pub fn retry(args: TokenStream, item: TokenStream) -> TokenStream {
    retry_impl(args.into(), item.into()).into()
}

/// The attribute on `proc_macro2` tokens, for the snapshot tests.
fn retry_impl(args: TokenStream2, input: TokenStream2) -> TokenStream2 {
    let cx = ctxt::Ctxt::new();
    let parsed_args = attr::parse(args, &cx);
    let item: item::ItemFn = match syn::parse2(input.clone()) {
        Ok(item) => item,
        Err(error) => {
            let error = if looks_like_fn(&input) {
                error
            } else {
                syn::Error::new_spanned(
                    first_tokens(&input),
                    "`#[retry]` can only be used on functions and methods",
                )
            };
            cx.syn_error(error);
            let errors = cx.check().err().map(|e| e.to_compile_error());
            return quote!(#errors #input);
        }
    };
    let analysis = item::analyze(&item);
    let model = valid::validate(&cx, parsed_args, &item, analysis);
    match cx.check() {
        Ok(()) => expand::expand(model, item),
        Err(errors) => {
            let errors = errors.to_compile_error();
            quote!(#errors #item)
        }
    }
}

/// `true` when the tokens, past attributes and qualifiers, reach `fn`.
fn looks_like_fn(input: &TokenStream2) -> bool {
    input
        .clone()
        .into_iter()
        .any(|tt| matches!(&tt, proc_macro2::TokenTree::Ident(i) if i == "fn"))
}

/// The item's first tokens up to its name, for a "not a function" error.
fn first_tokens(input: &TokenStream2) -> TokenStream2 {
    let mut out = TokenStream2::new();
    for tt in input.clone() {
        let is_group = matches!(tt, proc_macro2::TokenTree::Group(_));
        let is_attr_start = matches!(&tt, proc_macro2::TokenTree::Punct(p) if p.as_char() == '#');
        if is_group || is_attr_start {
            if out.is_empty() {
                continue;
            }
            break;
        }
        let is_ident = matches!(tt, proc_macro2::TokenTree::Ident(_));
        out.extend([tt]);
        if is_ident && out.clone().into_iter().count() >= 2 {
            break;
        }
    }
    out
}
