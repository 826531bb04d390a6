//! Retry conditions: which outcomes are worth another attempt.
//!
//! A condition looks at an attempt's outcome, `Ok` or `Err`, and answers "retry" or "return it".
//! The default ([`on_error`]) retries every `Err` and accepts every `Ok`. Narrow it with
//! [`if_error`], retry some `Ok` values with [`if_result`] / [`if_not_result`], and combine with
//! `|`, `&` and `!`:
//!
//! ```
//! use retry_core::condition::{if_error, if_result, RetryCondition};
//!
//! let retry = if_error(|e: &u16| *e >= 500) | if_result(|body: &String| body.is_empty());
//! assert!(retry.should_retry(&Err(503)));
//! assert!(!retry.should_retry(&Err(404)));
//! assert!(retry.should_retry(&Ok(String::new())));
//! assert!(!retry.should_retry(&Ok("done".to_string())));
//! ```
//!
//! # Negation
//!
//! `!` negates a condition *within its own domain*: `!if_error(p)` retries the errors for which `p`
//! is false (it does not start retrying `Ok` values), `!if_result(p)` retries the `Ok` values for
//! which `p` is false, and `!(a | b)` is `!a & !b` (De Morgan), so `!` reads the way it is meant:
//!
//! ```
//! use retry_core::condition::{if_error, RetryCondition};
//!
//! let retry = !if_error(|e: &&str| *e == "unauthorized");
//! assert!(retry.should_retry(&Err::<(), _>("timeout")));
//! assert!(!retry.should_retry(&Err::<(), _>("unauthorized")));
//! assert!(!retry.should_retry(&Ok::<(), &str>(())));
//! ```
//!
//! A closure over the whole outcome ([`retry_if`]) has no narrower domain; its `!` is plain
//! boolean negation.

use std::error::Error;
use std::marker::PhantomData;
use std::ops::{BitAnd, BitOr, Not};

use crate::transient::Transient;

/// Decides whether an outcome is retried.
///
/// Any `Fn(&Result<T, E>) -> bool` is a condition too.
///
/// ```
/// use retry_core::condition::RetryCondition;
///
/// let odd = |r: &Result<u32, ()>| matches!(r, Ok(n) if n % 2 == 1);
/// assert!(odd.should_retry(&Ok(3)));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a retry condition for outcomes of type `Result<{T}, {E}>`",
    label = "not a retry condition for `Result<{T}, {E}>`",
    note = "`transient` needs `{E}: retry_core::Transient`, `if_source` needs `{E}: std::error::Error + 'static`, and closures take `&{E}` (`if_error`), `&{T}` (`if_result`) or `&Result<{T}, {E}>` (`retry_if`)"
)]
pub trait RetryCondition<T, E> {
    /// `true` to retry this outcome (subject to the stop strategy), `false` to return it.
    ///
    /// ```
    /// use retry_core::condition::{transient, RetryCondition};
    /// use std::io::{Error, ErrorKind};
    ///
    /// assert!(transient().should_retry(&Err::<(), _>(Error::from(ErrorKind::ConnectionReset))));
    /// assert!(!transient().should_retry(&Ok::<_, Error>(())));
    /// ```
    fn should_retry(&self, outcome: &Result<T, E>) -> bool;
}

impl<T, E, F> RetryCondition<T, E> for F
where
    F: Fn(&Result<T, E>) -> bool,
{
    #[inline]
    fn should_retry(&self, outcome: &Result<T, E>) -> bool {
        self(outcome)
    }
}

/// A test on a value; implemented by closures `Fn(&X) -> bool` and by the library's own tests.
///
/// ```
/// use retry_core::condition::Predicate;
/// assert!((|n: &u8| *n > 1).test(&2));
/// ```
pub trait Predicate<X: ?Sized> {
    /// Whether `value` passes.
    ///
    /// ```
    /// use retry_core::condition::Predicate;
    ///
    /// let short = |s: &str| s.len() < 4;
    /// assert!(short.test("abc"));
    /// assert!(!short.test("abcd"));
    /// ```
    fn test(&self, value: &X) -> bool;
}

impl<X: ?Sized, F: Fn(&X) -> bool> Predicate<X> for F {
    #[inline]
    fn test(&self, value: &X) -> bool {
        self(value)
    }
}

/// The negation of a predicate (what `!` builds).
///
/// ```
/// use retry_core::condition::{if_not_result, IfResult, NotPredicate, RetryCondition};
///
/// let retry: IfResult<NotPredicate<_>> = if_not_result(|status: &u16| *status == 200);
/// assert!(retry.should_retry(&Ok::<_, ()>(202)));
/// assert!(!retry.should_retry(&Ok::<_, ()>(200)));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NotPredicate<P>(P);

impl<X: ?Sized, P: Predicate<X>> Predicate<X> for NotPredicate<P> {
    #[inline]
    fn test(&self, value: &X) -> bool {
        !self.0.test(value)
    }
}

/// The predicate that accepts everything.
///
/// ```
/// use retry_core::condition::{on_error, Anything, IfError, Predicate};
///
/// assert!(Anything.test(&0_u8) && Predicate::<str>::test(&Anything, ""));
/// let _default: IfError<Anything> = on_error(); // every error
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Anything;

impl<X: ?Sized> Predicate<X> for Anything {
    #[inline]
    fn test(&self, _: &X) -> bool {
        true
    }
}

/// The predicate "this error is transient" (see [`Transient`]).
///
/// ```
/// use retry_core::condition::{IsTransient, Predicate};
/// use std::io::{Error, ErrorKind};
///
/// assert!(IsTransient.test(&Error::from(ErrorKind::ConnectionReset)));
/// assert!(!IsTransient.test(&Error::from(ErrorKind::PermissionDenied)));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IsTransient;

impl<E: Transient + ?Sized> Predicate<E> for IsTransient {
    #[inline]
    fn test(&self, error: &E) -> bool {
        error.is_transient()
    }
}

/// "Some error in the `source()` chain is an `S` that passes `P`".
///
/// ```
/// use retry_core::condition::{if_source, IfError, InSourceChain, RetryCondition};
/// use std::io::{Error, ErrorKind};
///
/// let timed_out = |e: &Error| e.kind() == ErrorKind::TimedOut;
/// let retry: IfError<InSourceChain<Error, _>> = if_source(timed_out);
/// assert!(retry.should_retry(&Err::<(), _>(Error::from(ErrorKind::TimedOut))));
/// assert!(!retry.should_retry(&Err::<(), _>(Error::from(ErrorKind::NotFound))));
/// ```
pub struct InSourceChain<S: ?Sized, P> {
    predicate: P,
    _source: PhantomData<fn(&S)>,
}

impl<S: ?Sized, P: Clone> Clone for InSourceChain<S, P> {
    fn clone(&self) -> Self {
        InSourceChain {
            predicate: self.predicate.clone(),
            _source: PhantomData,
        }
    }
}

impl<S: ?Sized, P: Copy> Copy for InSourceChain<S, P> {}

impl<S: ?Sized, P: std::fmt::Debug> std::fmt::Debug for InSourceChain<S, P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InSourceChain")
            .field("source", &std::any::type_name::<S>())
            .field("predicate", &self.predicate)
            .finish()
    }
}

impl<E, S, P> Predicate<E> for InSourceChain<S, P>
where
    E: Error + 'static,
    S: Error + 'static,
    P: Predicate<S>,
{
    fn test(&self, error: &E) -> bool {
        let mut current: Option<&(dyn Error + 'static)> = Some(error);
        while let Some(e) = current {
            if let Some(source) = e.downcast_ref::<S>()
                && self.predicate.test(source)
            {
                return true;
            }
            current = e.source();
        }
        false
    }
}

/// Retries errors that pass a predicate; accepts every `Ok`. See [`if_error`].
///
/// ```
/// use retry_core::condition::{if_error, IfError, RetryCondition};
///
/// let retry: IfError<_> = if_error(|status: &u16| *status >= 500);
/// assert!(retry.should_retry(&Err::<(), _>(503)));
/// assert!(!retry.should_retry(&Err::<(), _>(404)));
/// assert!(!retry.should_retry(&Ok::<(), u16>(())));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IfError<P>(P);

/// Retries the errors for which `predicate` returns `true` (tenacity's `retry_if_exception`);
/// `Ok` values are accepted.
///
/// ```
/// use retry_core::condition::{if_error, RetryCondition};
/// let retry = if_error(|e: &std::io::Error| e.kind() == std::io::ErrorKind::TimedOut);
/// assert!(retry.should_retry(&Err::<(), _>(std::io::ErrorKind::TimedOut.into())));
/// assert!(!retry.should_retry(&Err::<(), _>(std::io::ErrorKind::NotFound.into())));
/// ```
#[inline]
pub fn if_error<E, F: Fn(&E) -> bool>(predicate: F) -> IfError<F> {
    IfError(predicate)
}

/// Retries every error and accepts every `Ok`: the default condition.
///
/// ```
/// use retry_core::condition::{on_error, RetryCondition};
/// assert!(on_error().should_retry(&Err::<(), _>("any")));
/// assert!(!on_error().should_retry(&Ok::<_, ()>(1)));
/// ```
#[inline]
pub const fn on_error() -> IfError<Anything> {
    IfError(Anything)
}

/// Retries errors whose [`Transient`] classification says they are worth retrying (timeouts,
/// resets, 429, 503, ...), and no others.
///
/// ```
/// use retry_core::condition::{transient, RetryCondition};
/// use std::io::{Error, ErrorKind};
/// assert!(transient().should_retry(&Err::<(), _>(Error::from(ErrorKind::ConnectionReset))));
/// assert!(!transient().should_retry(&Err::<(), _>(Error::from(ErrorKind::PermissionDenied))));
/// ```
#[inline]
pub const fn transient() -> IfError<IsTransient> {
    IfError(IsTransient)
}

/// Retries errors whose `source()` chain (starting with the error itself) holds an `S` for which
/// `predicate` returns `true`: the way to look through wrappers such as `anyhow`-style contexts.
///
/// ```
/// use retry_core::condition::{if_source, RetryCondition};
/// use std::io::{Error, ErrorKind};
///
/// #[derive(Debug)]
/// struct Request(Error);
/// impl std::fmt::Display for Request {
///     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str("request failed") }
/// }
/// impl std::error::Error for Request {
///     fn source(&self) -> Option<&(dyn std::error::Error + 'static)> { Some(&self.0) }
/// }
///
/// let retry = if_source(|io: &Error| io.kind() == ErrorKind::TimedOut);
/// assert!(retry.should_retry(&Err::<(), _>(Request(ErrorKind::TimedOut.into()))));
/// assert!(!retry.should_retry(&Err::<(), _>(Request(ErrorKind::NotFound.into()))));
/// ```
#[inline]
pub fn if_source<S, F>(predicate: F) -> IfError<InSourceChain<S, F>>
where
    S: Error + 'static,
    F: Fn(&S) -> bool,
{
    IfError(InSourceChain {
        predicate,
        _source: PhantomData,
    })
}

impl<T, E, P: Predicate<E>> RetryCondition<T, E> for IfError<P> {
    #[inline]
    fn should_retry(&self, outcome: &Result<T, E>) -> bool {
        match outcome {
            Ok(_) => false,
            Err(e) => self.0.test(e),
        }
    }
}

/// Retries `Ok` values that pass a predicate; errors are not retried. See [`if_result`].
///
/// ```
/// use retry_core::condition::{if_result, IfResult, RetryCondition};
///
/// let retry: IfResult<_> = if_result(|pending: &u32| *pending > 0);
/// assert!(retry.should_retry(&Ok::<_, ()>(3)));
/// assert!(!retry.should_retry(&Ok::<_, ()>(0)));
/// assert!(!retry.should_retry(&Err::<u32, _>(())));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IfResult<P>(P);

/// Retries the `Ok` values for which `predicate` returns `true` (tenacity's `retry_if_result`);
/// errors are returned at once unless combined with an error condition (`| on_error()`).
///
/// ```
/// use retry_core::condition::{if_result, on_error, RetryCondition};
/// let retry = if_result(|v: &Option<u8>| v.is_none()) | on_error();
/// assert!(retry.should_retry(&Ok::<_, ()>(None)));
/// assert!(!retry.should_retry(&Ok::<_, ()>(Some(1))));
/// assert!(retry.should_retry(&Err::<Option<u8>, _>(())));
/// ```
#[inline]
pub fn if_result<T, F: Fn(&T) -> bool>(predicate: F) -> IfResult<F> {
    IfResult(predicate)
}

/// Retries the `Ok` values for which `predicate` returns `false` (tenacity's
/// `retry_if_not_result`).
///
/// ```
/// use retry_core::condition::{if_not_result, RetryCondition};
/// let retry = if_not_result(|status: &u16| *status == 200);
/// assert!(retry.should_retry(&Ok::<_, ()>(202)));
/// assert!(!retry.should_retry(&Ok::<_, ()>(200)));
/// ```
#[inline]
pub fn if_not_result<T, F: Fn(&T) -> bool>(predicate: F) -> IfResult<NotPredicate<F>> {
    IfResult(NotPredicate(predicate))
}

impl<T, E, P: Predicate<T>> RetryCondition<T, E> for IfResult<P> {
    #[inline]
    fn should_retry(&self, outcome: &Result<T, E>) -> bool {
        match outcome {
            Ok(v) => self.0.test(v),
            Err(_) => false,
        }
    }
}

/// A closure over the whole outcome, combinable with `|`, `&` and `!`. See [`retry_if`].
///
/// ```
/// use retry_core::condition::{retry_if, RetryCondition, RetryIf};
///
/// let retry: RetryIf<_> = retry_if(|r: &Result<u8, &str>| matches!(r, Ok(0) | Err("busy")));
/// assert!(retry.should_retry(&Ok(0)) && retry.should_retry(&Err("busy")));
/// assert!(!retry.should_retry(&Ok(1)) && !retry.should_retry(&Err("fatal")));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RetryIf<P>(P);

/// Wraps a closure over `&Result<T, E>` so it combines with other conditions.
///
/// ```
/// use retry_core::condition::{retry_if, RetryCondition};
/// let retry = !retry_if(|r: &Result<u8, u8>| r.is_ok());
/// assert!(retry.should_retry(&Err(1)));
/// ```
#[inline]
pub fn retry_if<T, E, F: Fn(&Result<T, E>) -> bool>(predicate: F) -> RetryIf<F> {
    RetryIf(predicate)
}

impl<T, E, P: Predicate<Result<T, E>>> RetryCondition<T, E> for RetryIf<P> {
    #[inline]
    fn should_retry(&self, outcome: &Result<T, E>) -> bool {
        self.0.test(outcome)
    }
}

/// Retries every outcome, `Ok` included. See [`always`].
///
/// ```
/// use retry_core::condition::{Always, Never, RetryCondition};
///
/// assert!(Always.should_retry(&Ok::<_, ()>(1)));
/// assert!(Always.should_retry(&Err::<u8, _>(())));
/// assert_eq!(!Always, Never);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Always;

/// Retries every outcome, `Ok` values included, until the stop strategy fires (tenacity's
/// `retry_always`): for polling.
///
/// ```
/// use retry_core::condition::{always, RetryCondition};
/// assert!(always().should_retry(&Ok::<_, ()>(1)));
/// ```
#[inline]
pub const fn always() -> Always {
    Always
}

impl<T, E> RetryCondition<T, E> for Always {
    #[inline]
    fn should_retry(&self, _: &Result<T, E>) -> bool {
        true
    }
}

/// Retries nothing. See [`never()`].
///
/// ```
/// use retry_core::condition::{Always, Never, RetryCondition};
///
/// assert!(!Never.should_retry(&Err::<u8, _>("down")));
/// assert_eq!(!Never, Always);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Never;

/// Retries nothing (tenacity's `retry_never`): the first outcome is returned.
///
/// ```
/// use retry_core::condition::{never, RetryCondition};
/// assert!(!never().should_retry(&Err::<(), _>(1)));
/// ```
#[inline]
pub const fn never() -> Never {
    Never
}

impl<T, E> RetryCondition<T, E> for Never {
    #[inline]
    fn should_retry(&self, _: &Result<T, E>) -> bool {
        false
    }
}

/// Retries when either condition does (`a | b`).
///
/// ```
/// use retry_core::condition::{if_error, if_result, Any, RetryCondition};
///
/// let retry: Any<_, _> = if_error(|e: &u16| *e == 503) | if_result(|n: &u8| *n == 0);
/// assert!(retry.should_retry(&Err(503)) && retry.should_retry(&Ok(0)));
/// assert!(!retry.should_retry(&Err(404)) && !retry.should_retry(&Ok(1)));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Any<A, B>(A, B);

impl<T, E, A: RetryCondition<T, E>, B: RetryCondition<T, E>> RetryCondition<T, E> for Any<A, B> {
    #[inline]
    fn should_retry(&self, outcome: &Result<T, E>) -> bool {
        self.0.should_retry(outcome) || self.1.should_retry(outcome)
    }
}

/// Retries when both conditions do (`a & b`).
///
/// ```
/// use retry_core::condition::{if_error, All, RetryCondition};
///
/// let retry: All<_, _> = if_error(|e: &u16| *e >= 500) & !if_error(|e: &u16| *e == 501);
/// assert!(retry.should_retry(&Err::<(), _>(503)));
/// assert!(!retry.should_retry(&Err::<(), _>(501)));
/// assert!(!retry.should_retry(&Err::<(), _>(404)));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct All<A, B>(A, B);

impl<T, E, A: RetryCondition<T, E>, B: RetryCondition<T, E>> RetryCondition<T, E> for All<A, B> {
    #[inline]
    fn should_retry(&self, outcome: &Result<T, E>) -> bool {
        self.0.should_retry(outcome) && self.1.should_retry(outcome)
    }
}

macro_rules! condition_operators {
    ($([$($g:tt)*] $t:ty),* $(,)?) => {$(
        impl<$($g)* Rhs> BitOr<Rhs> for $t {
            type Output = Any<$t, Rhs>;
            #[inline]
            fn bitor(self, rhs: Rhs) -> Self::Output {
                Any(self, rhs)
            }
        }
        impl<$($g)* Rhs> BitAnd<Rhs> for $t {
            type Output = All<$t, Rhs>;
            #[inline]
            fn bitand(self, rhs: Rhs) -> Self::Output {
                All(self, rhs)
            }
        }
    )*};
}

condition_operators!(
    [P,] IfError<P>,
    [P,] IfResult<P>,
    [P,] RetryIf<P>,
    [] Always,
    [] Never,
    [A, B,] Any<A, B>,
    [A, B,] All<A, B>,
);

impl<P> Not for IfError<P> {
    type Output = IfError<NotPredicate<P>>;
    #[inline]
    fn not(self) -> Self::Output {
        IfError(NotPredicate(self.0))
    }
}

impl<P> Not for IfResult<P> {
    type Output = IfResult<NotPredicate<P>>;
    #[inline]
    fn not(self) -> Self::Output {
        IfResult(NotPredicate(self.0))
    }
}

impl<P> Not for RetryIf<P> {
    type Output = RetryIf<NotPredicate<P>>;
    #[inline]
    fn not(self) -> Self::Output {
        RetryIf(NotPredicate(self.0))
    }
}

impl Not for Always {
    type Output = Never;
    #[inline]
    fn not(self) -> Never {
        Never
    }
}

impl Not for Never {
    type Output = Always;
    #[inline]
    fn not(self) -> Always {
        Always
    }
}

impl<A: Not, B: Not> Not for Any<A, B> {
    type Output = All<A::Output, B::Output>;
    #[inline]
    fn not(self) -> Self::Output {
        All(!self.0, !self.1)
    }
}

impl<A: Not, B: Not> Not for All<A, B> {
    type Output = Any<A::Output, B::Output>;
    #[inline]
    fn not(self) -> Self::Output {
        Any(!self.0, !self.1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt;

    type R = Result<u32, &'static str>;

    fn table<C: RetryCondition<u32, &'static str>>(c: &C) -> [bool; 4] {
        let outcomes: [R; 4] = [Ok(0), Ok(1), Err("fatal"), Err("timeout")];
        outcomes.map(|o| c.should_retry(&o))
    }

    #[test]
    fn leaves() {
        assert_eq!(table(&on_error()), [false, false, true, true]);
        assert_eq!(table(&always()), [true; 4]);
        assert_eq!(table(&never()), [false; 4]);
        assert_eq!(
            table(&if_error(|e: &&str| *e == "timeout")),
            [false, false, false, true]
        );
        assert_eq!(
            table(&if_result(|v: &u32| *v == 0)),
            [true, false, false, false]
        );
        assert_eq!(
            table(&if_not_result(|v: &u32| *v == 0)),
            [false, true, false, false]
        );
        assert_eq!(
            table(&retry_if(|r: &R| r.is_ok())),
            [true, true, false, false]
        );
    }

    #[test]
    fn combinators_and_domain_preserving_negation() {
        let timeout = || if_error(|e: &&str| *e == "timeout");
        let zero = || if_result(|v: &u32| *v == 0);
        assert_eq!(table(&(timeout() | zero())), [true, false, false, true]);
        assert_eq!(table(&(timeout() & zero())), [false; 4]);
        assert_eq!(table(&!timeout()), [false, false, true, false]);
        assert_eq!(table(&!zero()), [false, true, false, false]);
        // De Morgan: !(a | b) == !a & !b, each negated in its own domain.
        assert_eq!(table(&!(timeout() | zero())), [false; 4]);
        assert_eq!(
            table(&!(timeout() & on_error())),
            [false, false, true, false]
        );
        assert_eq!(table(&!on_error()), [false; 4]);
        assert_eq!(table(&!always()), [false; 4]);
        assert_eq!(table(&!never()), [true; 4]);
        assert_eq!(
            table(&!retry_if(|r: &R| r.is_ok())),
            [false, false, true, true]
        );
        assert_eq!(table(&!!timeout()), table(&timeout()));
    }

    #[derive(Debug)]
    struct Outer(std::io::Error);
    impl fmt::Display for Outer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "request failed")
        }
    }
    impl Error for Outer {
        fn source(&self) -> Option<&(dyn Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn source_chain_is_searched_from_the_top() {
        use std::io::ErrorKind;
        let timed_out = if_source(|e: &std::io::Error| e.kind() == ErrorKind::TimedOut);
        let outer = |k: ErrorKind| Err::<(), _>(Outer(k.into()));
        assert!(timed_out.should_retry(&outer(ErrorKind::TimedOut)));
        assert!(!timed_out.should_retry(&outer(ErrorKind::NotFound)));
        assert!((!timed_out).should_retry(&outer(ErrorKind::NotFound)));
        assert!(!(!timed_out).should_retry(&Ok::<(), Outer>(())));
        let top = if_source(|_: &Outer| true);
        assert!(top.should_retry(&outer(ErrorKind::NotFound)));
    }
}
