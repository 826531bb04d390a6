//! Support for the fuzz targets: the `#[retry]` pipeline and its output check, included by path
//! from `retry-macros/src` (a proc-macro crate cannot be linked into a fuzz target, but none of
//! those modules names `proc_macro`), the server-hint check from `tests/support`, and arbitrary
//! token trees for the structured target.
//!
//! Nothing here is an API: it exists to be fuzzed, and follows whatever the included files do.
#![forbid(unsafe_code)]
// The included modules keep items only their own unit tests use.
#![allow(dead_code)]

#[path = "../../retry-macros/src/attr.rs"]
mod attr;
#[path = "../../retry-macros/src/check.rs"]
pub mod check;
#[path = "../../retry-macros/src/ctxt.rs"]
mod ctxt;
#[path = "../../retry-macros/src/dsl.rs"]
mod dsl;
#[path = "../../retry-macros/src/expand.rs"]
mod expand;
#[path = "../../retry-macros/src/item.rs"]
mod item;
#[path = "../../retry-macros/src/lit.rs"]
mod lit;
#[path = "../../retry-macros/src/pipeline.rs"]
pub mod pipeline;
#[path = "../../retry-macros/src/valid.rs"]
mod valid;

#[path = "../../tests/support/hint_oracle.rs"]
pub mod hint_oracle;

pub mod tokens;

/// Functions of the shapes `#[retry]` supports, and one it refuses; the targets pick one.
pub const ITEMS: [&str; 6] = [
    "fn f() -> Result<u32, E> { Ok(1) }",
    "async fn f(x: &str) -> Result<usize, E> { Ok(x.len()) }",
    "async fn m(&self, a: String, b: Vec<u8>) -> Result<(), E> { self.go(&a, &b).await }",
    "pub(crate) fn g<T: Clone>(t: T) -> Option<T> where T: Send { Some(t) }",
    "fn f() -> impl std::future::Future<Output = Result<u8, E>> { async { Ok(1) } }",
    "struct NotAFunction;",
];
