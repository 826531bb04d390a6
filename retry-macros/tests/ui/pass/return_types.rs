//! Every kind of return type: `Result`, its aliases, `RetryError`, and plain values retried
//! with `if_result`.
use retry_core::{RetryError, RetryState, StopReason, retry};
use std::convert::Infallible;
use std::io;

#[derive(Debug, PartialEq)]
struct Busy;

type BusyResult<T> = Result<T, Busy>;
type PlainResult = Result<(), Busy>;

#[retry(stop = attempts(2), wait = none)]
fn full() -> std::result::Result<u8, Busy> {
    Err(Busy)
}

#[retry(stop = attempts(2), wait = none)]
fn io_result() -> io::Result<u8> {
    Ok(1)
}

#[retry(stop = attempts(2), wait = none)]
fn alias() -> BusyResult<u8> {
    Ok(2)
}

#[retry(stop = attempts(2), wait = none)]
fn alias_without_parameters() -> PlainResult {
    Err(Busy)
}

#[retry(stop = attempts(2), wait = none)]
fn fmt_result(out: &mut String) -> std::fmt::Result {
    use std::fmt::Write;
    write!(out, "x")
}

#[retry(stop = attempts(3), wait = none)]
fn detailed() -> Result<u8, RetryError<Busy>> {
    Err(Busy)
}

#[retry(stop = attempts(3), wait = none)]
fn detailed_by_path() -> Result<u8, retry_core::RetryError<Busy>> {
    Ok(3)
}

#[retry(stop = attempts(3), wait = none, retry = if_result(|v| v.is_none()))]
fn option() -> Option<u8> {
    None
}

#[retry(stop = attempts(3), wait = none, retry = if_not_result(|v| *v == 3))]
fn number(calls: &mut u8) -> u8 {
    *calls += 1;
    *calls
}

#[retry(stop = attempts(4), wait = none, retry = always)]
fn unit(calls: &mut u8) {
    *calls += 1;
}

#[retry(
    stop = attempts(2),
    wait = none,
    retry = if_result(|v| v.is_empty()),
    on_exhausted = |state: RetryState<Vec<u8>, Infallible>| vec![state.attempt() as u8],
)]
fn vector() -> Vec<u8> {
    Vec::new()
}

fn main() {
    assert_eq!(full(), Err(Busy));
    assert_eq!(io_result().unwrap(), 1);
    assert_eq!(alias(), Ok(2));
    assert_eq!(alias_without_parameters(), Err(Busy));
    let mut out = String::new();
    fmt_result(&mut out).unwrap();
    assert_eq!(out, "x");
    let err = detailed().unwrap_err();
    assert_eq!((err.attempts(), err.reason()), (3, StopReason::Attempts));
    assert_eq!(detailed_by_path().unwrap(), 3);
    assert_eq!(option(), None);
    let mut calls = 0;
    assert_eq!(number(&mut calls), 3);
    let mut calls = 0;
    unit(&mut calls);
    assert_eq!(calls, 4);
    assert_eq!(vector(), [2]);
}
