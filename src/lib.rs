//! Shared support for the runnable examples and the cross-crate integration tests: an
//! OpenAI-compatible mock server with fault injection ([`mock_server`]), a one-attempt chat client
//! ([`chat`]), and the batch runner behind `cargo run --example llm_batch` ([`batch`]).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod batch;
pub mod chat;
pub mod contention;
pub mod mock_server;
