//! Shared support for the runnable examples and the cross-crate integration tests.
#![forbid(unsafe_code)]

pub mod contention;
