//! Free functions, sync and async, with their visibility and attributes kept.
#![deny(missing_docs, unused_mut)]
//! A crate-level doc, so `missing_docs` checks the ones below.

use retry_core::retry;
use std::io;

/// Documented, public, `#[must_use]` and `#[inline]`: all kept.
#[must_use]
#[inline]
#[retry(stop = attempts(2), wait = none)]
pub fn sync_public(calls: &mut u32) -> Result<u32, io::Error> {
    *calls += 1;
    if *calls < 2 {
        return Err(io::ErrorKind::Interrupted.into());
    }
    Ok(*calls)
}

/// Crate-visible and async.
#[retry(stop = attempts(2), wait = none)]
pub(crate) async fn async_crate(calls: &mut u32) -> io::Result<u32> {
    #![allow(clippy::needless_return)]
    *calls += 1;
    let value = if *calls < 2 { Err(io::ErrorKind::Interrupted) } else { Ok(*calls) }?;
    return Ok(value);
}

/// Attempts borrow the arguments: a mutation is seen by the next attempt.
#[retry(stop = attempts(3), wait = none)]
fn mutated_across_attempts(mut budget: u32) -> Result<u32, u32> {
    budget -= 1;
    if budget > 0 { Err(budget) } else { Ok(budget) }
}

/// `clone(..)` gives each attempt a fresh copy (and the parameter itself needs no `mut`).
#[retry(stop = attempts(3), wait = none, clone(budget))]
fn fresh_each_attempt(mut budget: u32) -> Result<u32, u32> {
    budget -= 1;
    if budget > 0 { Err(budget) } else { Ok(budget) }
}

#[allow(improper_ctypes_definitions)]
#[retry(stop = attempts(2), wait = none)]
extern "C" fn with_abi(x: u32) -> Result<u32, ()> {
    Ok(x)
}

fn main() {
    let mut calls = 0;
    assert_eq!(sync_public(&mut calls).unwrap(), 2);
    let mut calls = 0;
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    assert_eq!(rt.block_on(async_crate(&mut calls)).unwrap(), 2);
    assert_eq!(mutated_across_attempts(2), Ok(0));
    assert_eq!(fresh_each_attempt(2), Err(1));
    assert_eq!(with_abi(3), Ok(3));
}
