//! Generic functions, lifetimes, `where` clauses, `impl Trait` arguments and return types.
use retry_core::retry;
use std::fmt::{Debug, Display};
use std::str::FromStr;

#[retry(stop = attempts(3), wait = none, retry = if_error(|e| format!("{e:?}").contains("invalid")))]
fn parse<T>(text: &str) -> Result<T, T::Err>
where
    T: FromStr,
    T::Err: Debug,
{
    text.trim().parse()
}

#[retry(stop = attempts(2), wait = none)]
fn longest<'a, 'b: 'a>(a: &'a str, b: &'b str) -> Result<&'a str, ()> {
    Ok(if a.len() >= b.len() { a } else { b })
}

#[retry(stop = attempts(2), wait = none)]
fn describe(value: impl Display, out: &mut impl std::fmt::Write) -> Result<(), std::fmt::Error> {
    write!(out, "<{value}>")
}

/// The body's type cannot be named here (`impl Display`): inference does the work.
#[retry(stop = attempts(2), wait = none)]
fn opaque(n: u32) -> Result<impl Display, String> {
    if n > 100 { Err("too big".to_owned()) } else { Ok(n * 2) }
}

#[retry(stop = attempts(2), wait = none)]
async fn generic_async<T: Clone + Send, const N: usize>(items: &[T; N]) -> Result<Vec<T>, ()> {
    Ok(items.to_vec())
}

#[retry(stop = attempts(2), wait = none, retry = if_result(|items| items.is_empty()))]
fn iterate<'a>(items: &'a [u32]) -> Vec<&'a u32> {
    items.iter().filter(|n| **n > 1).collect()
}

/// Generics and lifetimes of the `impl` block, and `Self` in the return type: the policy is
/// built at compile time in a context that names them.
struct Repository<'a, T> {
    rows: &'a [T],
    reads: u32,
}

#[derive(Debug, PartialEq)]
struct Busy;

impl<'a, T: Clone + PartialEq> Repository<'a, T> {
    #[retry(stop = attempts(3), wait = fixed(1ns), timeout = 1s)]
    async fn first(&mut self) -> Result<&'a T, Busy> {
        self.reads += 1;
        if self.reads < 2 { Err(Busy) } else { self.rows.first().ok_or(Busy) }
    }

    #[retry(stop = attempts(2) | after_delay(1s), wait = exponential(1ns, 0, 1us))]
    fn cloned(rows: &'a [T]) -> Result<Self, Busy> {
        Ok(Repository { rows, reads: 0 })
    }
}

impl From<retry_core::AttemptTimedOut> for Busy {
    fn from(_: retry_core::AttemptTimedOut) -> Self {
        Busy
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let rows = [3u8, 4];
    let mut repository = Repository::cloned(&rows).unwrap();
    assert_eq!(repository.first().await, Ok(&3));
    assert_eq!(repository.reads, 2);
    assert_eq!(parse::<u32>(" 42 "), Ok(42));
    assert!(parse::<u32>("x").is_err());
    assert_eq!(longest("ab", "abc"), Ok("abc"));
    let mut out = String::new();
    describe(7, &mut out).unwrap();
    assert_eq!(out, "<7>");
    assert_eq!(opaque(4).unwrap().to_string(), "8");
    assert_eq!(generic_async(&[1, 2]).await, Ok(vec![1, 2]));
    assert_eq!(iterate(&[1, 2, 3]), [&2, &3]);
}
