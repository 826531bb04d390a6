//! The whole attribute on `proc_macro2` tokens: parse, validate, expand. Kept apart from the
//! `#[proc_macro_attribute]` entry point so that unit tests, the expansion snapshots and the fuzz
//! targets in `fuzz/` run exactly what the compiler runs.

use proc_macro2::TokenStream as TokenStream2;
use quote::quote;

use crate::{attr, ctxt, expand, item, valid};

/// `#[retry(args)]` on `input`: the expanded function, or the function unchanged after the
/// `compile_error!`s that explain what is wrong with it.
pub fn retry_impl(args: TokenStream2, input: TokenStream2) -> TokenStream2 {
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
        // The tokens as they came in, not `item` printed back: syn drops what it parsed
        // through, such as an empty invisible group from a `macro_rules!` caller.
        Err(errors) => {
            let errors = errors.to_compile_error();
            quote!(#errors #input)
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
