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
//!
//! `pipeline.rs` runs the three stages on `proc_macro2` tokens and is the only module the entry
//! point below calls. No module but this file names `proc_macro`, so the fuzz targets in `fuzz/`
//! (which cannot link a proc-macro crate) include the modules by path and drive the same
//! pipeline; `check.rs` is the property every generated input must satisfy, shared by those
//! targets and by the proptest twins in `properties.rs`.
#![forbid(unsafe_code)]

use proc_macro::TokenStream;

mod attr;
mod ctxt;
mod dsl;
mod expand;
mod item;
mod lit;
mod pipeline;
mod valid;

#[cfg(test)]
mod check;
#[cfg(test)]
mod properties;
#[cfg(test)]
mod snapshots;

/// Retries the annotated function; see `retry_core::retry` for the full documentation.
#[proc_macro_attribute]
pub fn retry(args: TokenStream, item: TokenStream) -> TokenStream {
    pipeline::retry_impl(args.into(), item.into()).into()
}
