//! Retry budgets: a limit on retries shared by many calls.
//!
//! Retries multiply the load on a dependency exactly when it can least afford it. A budget is
//! shared by every call to that dependency (an `Arc` or a `static`) and refuses retries once too
//! many attempts have failed recently; the loop then stops with [`StopReason::Budget`] and returns
//! the last outcome. Budgets are lock-free: one atomic integer each, updated with compare-and-swap.
//!
//! Two well-known semantics are provided:
//!
//! - [`TokenBucket`], gRPC's retry throttling: `max_tokens` and `token_ratio`; every failed
//!   attempt takes a token, every success gives `token_ratio` back, and retries are allowed only
//!   while more than half the tokens are left.
//! - [`RetryQuota`], the AWS SDKs' retry quota: retries withdraw from a capacity of 500 (5 per
//!   retry, 10 after a timeout) and successes pay back; an empty quota refuses retries.
//!
//! ```
//! use retry_core::{Retrying, StopReason};
//! use retry_core::budget::TokenBucket;
//! use retry_core::stop::attempts;
//! use retry_core::wait::none;
//!
//! static BUDGET: TokenBucket = match TokenBucket::new(4, 0.5) {
//!     Ok(bucket) => bucket,
//!     Err(e) => panic!("{}", e.message()),
//! };
//!
//! let policy = Retrying::new().stop(attempts(10)).wait(none()).budget(&BUDGET);
//! let err = policy.call_detailed(|| Err::<(), _>("down")).unwrap_err();
//! // 4 tokens: the first failure leaves 3 (> 2, retry), the second leaves 2 (not > 2, stop).
//! assert_eq!((err.attempts(), err.reason()), (2, StopReason::Budget));
//! ```
//!
//! # How much load can retries add?
//!
//! Write `N` for the number of calls (requests) and `A` for the number of attempts they make,
//! `R = A - N` for the retries.
//!
//! **Token bucket** (`max_tokens = M`, `token_ratio = r`): `A <= (1 + r) * N + M / 2`.
//!
//! *Derivation.* Let `X = max(0, tokens - M/2)`, the tokens above the threshold; `X` starts at
//! `M/2` and never goes below 0. A retry is granted only when the failure before it left more
//! than `M/2` tokens, so that failure took a whole token from above the threshold: `X` fell by
//! exactly 1. Other failures lower `X` by 0 or more; a success raises it by at most `r` (the cap
//! only lowers it). Hence `R <= M/2 + r * S`, where `S <= N` counts successes (a call succeeds at
//! most once), and `A = N + R <= (1 + r) * N + M/2`. When the dependency is down (`S = 0`), the
//! whole fleet of clients sharing the bucket makes at most `M/2` retries in total, however many
//! calls it makes. (The decrement of a failure and the check of the retry are two atomic steps,
//! as in gRPC Java's `isAboveThreshold`; the derivation holds for every order of those steps in
//! which no other call's success lands between a call's own two steps. One that does can let that
//! call through once, a window of the few nanoseconds between the two.)
//!
//! **Retry quota** (capacity `Q`, retry cost `c`, timeout cost `c_t >= c`, first-try refund 1):
//! `A <= N + N_r + (Q + N_1) / c`, where `N_1` counts first-try successes and `N_r` calls that
//! succeeded after retrying. With the AWS numbers and `N_1 + N_r <= N`: `A <= 1.2 * N + N_r + 100`,
//! and in an outage (no success at all) `A <= N + 100`.
//!
//! *Derivation.* Every granted retry withdraws at least `c` from a quota that starts at `Q` and
//! never goes below 0; deposits are the refund of 1 per first-try success and, per call that
//! succeeds after retrying, the cost of its last retry. A call that succeeds after `k` retries
//! therefore has a net cost of at least `c * (k - 1)`: its last retry is free, all others are paid
//! for. Summing, `c * (R - N_r) <= Q + N_1` where `N_r` counts calls that succeeded after
//! retrying, so `A <= N + N_r + (Q + N_1) / c`. In an outage (`N_r = 0`, `N_1 = 0`) the fleet
//! makes at most `Q / c = 100` retries; when every retry succeeds (`N_r` large) the quota
//! deliberately lets each call have its one successful retry.
//!
//! [`StopReason::Budget`]: crate::StopReason::Budget
use std::error::Error;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

/// What kind of failure a retry is asked for.
///
/// ```
/// use retry_core::budget::{FailureKind, RetryBudget, RetryQuota};
///
/// let quota = RetryQuota::new();
/// assert_eq!(quota.try_retry(FailureKind::Error).unwrap().cost(), 5);
/// assert_eq!(quota.try_retry(FailureKind::Timeout).unwrap().cost(), 10);
/// assert_eq!(quota.available(), 485);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FailureKind {
    /// The attempt returned a retryable error or a rejected value.
    Error,
    /// The attempt ran past its per-attempt timeout.
    Timeout,
}

/// A grant to retry, returned by [`RetryBudget::try_retry`] and handed back to
/// [`RetryBudget::on_success`] when the call later succeeds.
///
/// ```
/// let permit = retry_core::budget::RetryPermit::new(5);
/// assert_eq!(permit.cost(), 5);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RetryPermit {
    cost: u32,
}

impl RetryPermit {
    /// A permit that withdrew `cost` units from its budget.
    ///
    /// ```
    /// assert_eq!(retry_core::budget::RetryPermit::new(1).cost(), 1);
    /// ```
    #[inline]
    pub const fn new(cost: u32) -> Self {
        RetryPermit { cost }
    }

    /// The units withdrawn.
    ///
    /// ```
    /// assert_eq!(retry_core::budget::RetryPermit::new(10).cost(), 10);
    /// ```
    #[inline]
    pub const fn cost(&self) -> u32 {
        self.cost
    }
}

/// A shared limit on retries. The engine calls:
///
/// - [`on_failure`](Self::on_failure) for every retryable failed attempt (the last one included);
/// - [`try_retry`](Self::try_retry) once the stop strategy allowed a retry: `None` refuses it;
/// - [`on_success`](Self::on_success) when an attempt's outcome is accepted, with the permit of
///   the call's last retry (`None` for a first-try success).
///
/// Errors that are not retryable touch the budget not at all.
///
/// ```
/// use retry_core::budget::{FailureKind, RetryBudget, RetryPermit};
/// use std::sync::atomic::{AtomicU32, Ordering};
///
/// /// At most `n` retries, ever.
/// struct Fixed(AtomicU32);
/// impl RetryBudget for Fixed {
///     fn try_retry(&self, _: FailureKind) -> Option<RetryPermit> {
///         self.0
///             .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1))
///             .ok()
///             .map(|_| RetryPermit::new(1))
///     }
/// }
/// let budget = Fixed(AtomicU32::new(1));
/// assert!(budget.try_retry(FailureKind::Error).is_some());
/// assert!(budget.try_retry(FailureKind::Error).is_none());
/// ```
pub trait RetryBudget: Send + Sync {
    /// A retryable attempt failed.
    ///
    /// ```
    /// use retry_core::budget::{FailureKind, RetryBudget, TokenBucket};
    ///
    /// let bucket = TokenBucket::new(4, 1.0).unwrap();
    /// bucket.on_failure(FailureKind::Error);
    /// assert_eq!(bucket.tokens(), 3.0);
    /// ```
    #[inline]
    fn on_failure(&self, kind: FailureKind) {
        let _ = kind;
    }

    /// Asks to retry after a failure; `None` refuses.
    ///
    /// ```
    /// use retry_core::budget::{FailureKind, RetryBudget, TokenBucket};
    ///
    /// let bucket = TokenBucket::new(2, 1.0).unwrap();
    /// assert!(bucket.try_retry(FailureKind::Error).is_some()); // 2 tokens > 1
    /// bucket.on_failure(FailureKind::Error);
    /// assert!(bucket.try_retry(FailureKind::Error).is_none()); // 1 token, not > 1
    /// ```
    fn try_retry(&self, kind: FailureKind) -> Option<RetryPermit>;

    /// An attempt succeeded; `permit` is the call's last retry permit, if it retried.
    ///
    /// ```
    /// use retry_core::budget::{FailureKind, RetryBudget, RetryQuota};
    ///
    /// let quota = RetryQuota::new();
    /// let permit = quota.try_retry(FailureKind::Error);
    /// assert_eq!(quota.available(), 495);
    /// quota.on_success(permit); // pays the retry's cost back
    /// assert_eq!(quota.available(), 500);
    /// ```
    #[inline]
    fn on_success(&self, permit: Option<RetryPermit>) {
        let _ = permit;
    }
}

impl<B: RetryBudget + ?Sized> RetryBudget for &B {
    #[inline]
    fn on_failure(&self, kind: FailureKind) {
        (**self).on_failure(kind)
    }
    #[inline]
    fn try_retry(&self, kind: FailureKind) -> Option<RetryPermit> {
        (**self).try_retry(kind)
    }
    #[inline]
    fn on_success(&self, permit: Option<RetryPermit>) {
        (**self).on_success(permit)
    }
}

impl<B: RetryBudget + ?Sized> RetryBudget for Arc<B> {
    #[inline]
    fn on_failure(&self, kind: FailureKind) {
        (**self).on_failure(kind)
    }
    #[inline]
    fn try_retry(&self, kind: FailureKind) -> Option<RetryPermit> {
        (**self).try_retry(kind)
    }
    #[inline]
    fn on_success(&self, permit: Option<RetryPermit>) {
        (**self).on_success(permit)
    }
}

/// A handle on a shared budget as a policy stores it: a `&'static` budget or an `Arc`.
///
/// ```
/// use retry_core::budget::{BudgetRef, FailureKind, RetryBudget, RetryPermit};
/// use std::sync::Arc;
///
/// struct Unlimited;
/// impl RetryBudget for Unlimited {
///     fn try_retry(&self, _: FailureKind) -> Option<RetryPermit> { Some(RetryPermit::new(0)) }
/// }
/// static UNLIMITED: Unlimited = Unlimited;
/// let a = BudgetRef::from(&UNLIMITED);
/// let b = BudgetRef::from(Arc::new(Unlimited));
/// assert!(a.get().try_retry(FailureKind::Error).is_some());
/// assert!(b.get().try_retry(FailureKind::Timeout).is_some());
/// ```
#[derive(Clone)]
pub struct BudgetRef(Handle);

#[derive(Clone)]
enum Handle {
    Static(&'static dyn RetryBudget),
    Shared(Arc<dyn RetryBudget>),
}

impl BudgetRef {
    /// The budget.
    ///
    /// ```
    /// # use retry_core::budget::{BudgetRef, FailureKind, RetryBudget, RetryPermit};
    /// # struct No;
    /// # impl RetryBudget for No { fn try_retry(&self, _: FailureKind) -> Option<RetryPermit> { None } }
    /// # static NO: No = No;
    /// assert!(BudgetRef::from(&NO).get().try_retry(FailureKind::Error).is_none());
    /// ```
    #[inline]
    pub fn get(&self) -> &dyn RetryBudget {
        match &self.0 {
            Handle::Static(b) => *b,
            Handle::Shared(b) => &**b,
        }
    }
}

impl<B: RetryBudget + 'static> From<&'static B> for BudgetRef {
    #[inline]
    fn from(budget: &'static B) -> Self {
        BudgetRef(Handle::Static(budget))
    }
}

impl<B: RetryBudget + 'static> From<Arc<B>> for BudgetRef {
    #[inline]
    fn from(budget: Arc<B>) -> Self {
        BudgetRef(Handle::Shared(budget))
    }
}

impl From<Arc<dyn RetryBudget>> for BudgetRef {
    #[inline]
    fn from(budget: Arc<dyn RetryBudget>) -> Self {
        BudgetRef(Handle::Shared(budget))
    }
}

impl fmt::Debug for BudgetRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.0 {
            Handle::Static(_) => "BudgetRef::Static",
            Handle::Shared(_) => "BudgetRef::Shared",
        })
    }
}

/// Parameters a budget constructor refused.
///
/// ```
/// use retry_core::budget::{BudgetError, TokenBucket};
/// assert_eq!(TokenBucket::new(0, 0.1).err(), Some(BudgetError::MaxTokens));
/// assert_eq!(
///     BudgetError::MaxTokens.to_string(),
///     "`max_tokens` must be between 1 and 1000"
/// );
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BudgetError {
    /// A token bucket's `max_tokens` was 0 or above 1000 (gRPC's limit).
    MaxTokens,
    /// A token bucket's `token_ratio` was not a number of at least 0.001 (gRPC keeps three
    /// decimal places).
    TokenRatio,
    /// A retry quota's capacity was 0.
    Capacity,
    /// A retry quota's cost of a retry (or of a retry after a timeout) was 0, or more than the
    /// capacity.
    RetryCost,
}

impl BudgetError {
    /// The error as text, usable in `const` contexts (`panic!("{}", e.message())` in a `static`'s
    /// initializer turns a bad literal into a compile error).
    ///
    /// ```
    /// use retry_core::budget::BudgetError;
    /// assert_eq!(BudgetError::Capacity.message(), "a retry quota's capacity must be at least 1");
    /// ```
    pub const fn message(&self) -> &'static str {
        match self {
            BudgetError::MaxTokens => "`max_tokens` must be between 1 and 1000",
            BudgetError::TokenRatio => "`token_ratio` must be a number of at least 0.001",
            BudgetError::Capacity => "a retry quota's capacity must be at least 1",
            BudgetError::RetryCost => {
                "a retry's cost must be at least 1 and at most the quota's capacity"
            }
        }
    }
}

impl fmt::Display for BudgetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl Error for BudgetError {}

/// Thousandths of a token: the fixed-point unit of [`TokenBucket`] (gRPC keeps three decimal
/// places of `token_ratio`).
const MILLI: u32 = 1000;

/// gRPC's retry throttling: a token bucket shared by every call to one dependency.
///
/// The bucket holds `max_tokens` and starts full. Every retryable failed attempt takes one token
/// (never going below zero), every accepted outcome gives back `token_ratio` (never going above
/// `max_tokens`), and a retry is allowed only while more than `max_tokens / 2` tokens are left.
/// Tokens are counted in thousandths in one atomic integer, as gRPC Java does, so `token_ratio`
/// keeps three decimal places and updates are exact.
///
/// Under an outage the bucket lets the whole fleet of callers sharing it retry at most
/// `max_tokens / 2` times before retries stop, and they resume as successes refill it: see the
/// [module documentation](self) for the bound `attempts <= (1 + token_ratio) * calls + max_tokens / 2`.
///
/// ```
/// use retry_core::budget::{FailureKind, RetryBudget, TokenBucket};
///
/// let bucket = TokenBucket::new(10, 0.5).unwrap();
/// bucket.on_failure(FailureKind::Error);
/// assert_eq!(bucket.tokens(), 9.0);
/// assert!(bucket.try_retry(FailureKind::Error).is_some());
/// bucket.on_success(None);
/// assert_eq!(bucket.tokens(), 9.5);
/// ```
#[derive(Debug)]
pub struct TokenBucket {
    max: u32,
    threshold: u32,
    ratio: u32,
    tokens: AtomicU32,
}

impl TokenBucket {
    /// A full bucket of `max_tokens` (1 to 1000) that gives back `token_ratio` tokens (at least
    /// 0.001; three decimal places are kept, further ones dropped; a ratio above `max_tokens` acts
    /// as `max_tokens`) per success. `const`, so it can initialise a `static`.
    ///
    /// ```
    /// use retry_core::budget::{BudgetError, TokenBucket};
    ///
    /// static BUDGET: TokenBucket = match TokenBucket::new(100, 0.1) {
    ///     Ok(bucket) => bucket,
    ///     Err(e) => panic!("{}", e.message()),
    /// };
    /// assert_eq!(BUDGET.tokens(), 100.0);
    /// assert_eq!(TokenBucket::new(1001, 0.1).err(), Some(BudgetError::MaxTokens));
    /// assert_eq!(TokenBucket::new(10, 0.0).err(), Some(BudgetError::TokenRatio));
    /// assert_eq!(TokenBucket::new(10, f64::NAN).err(), Some(BudgetError::TokenRatio));
    /// ```
    pub const fn new(max_tokens: u32, token_ratio: f64) -> Result<Self, BudgetError> {
        if max_tokens == 0 || max_tokens > 1000 {
            return Err(BudgetError::MaxTokens);
        }
        if token_ratio.is_nan() || token_ratio < 0.001 {
            return Err(BudgetError::TokenRatio);
        }
        let max = max_tokens * MILLI;
        let ratio = if token_ratio >= max_tokens as f64 {
            max
        } else {
            // Truncation keeps three decimal places; the small nudge makes 0.3 (0.29999..)
            // count as 300 thousandths, not 299.
            (token_ratio * MILLI as f64 + 1e-6) as u32
        };
        Ok(TokenBucket {
            max,
            threshold: max / 2,
            ratio,
            tokens: AtomicU32::new(max),
        })
    }

    /// The tokens left, in thousandths of a token (the exact internal count).
    ///
    /// ```
    /// let bucket = retry_core::budget::TokenBucket::new(3, 0.25).unwrap();
    /// assert_eq!(bucket.milli_tokens(), 3000);
    /// ```
    #[inline]
    pub fn milli_tokens(&self) -> u32 {
        self.tokens.load(Ordering::Relaxed)
    }

    /// The tokens left.
    ///
    /// ```
    /// let bucket = retry_core::budget::TokenBucket::new(3, 0.25).unwrap();
    /// assert_eq!(bucket.tokens(), 3.0);
    /// ```
    #[inline]
    pub fn tokens(&self) -> f64 {
        f64::from(self.milli_tokens()) / f64::from(MILLI)
    }

    /// The bucket's size.
    ///
    /// ```
    /// assert_eq!(retry_core::budget::TokenBucket::new(7, 1.0).unwrap().max_tokens(), 7);
    /// ```
    #[inline]
    pub const fn max_tokens(&self) -> u32 {
        self.max / MILLI
    }

    /// The tokens a success gives back.
    ///
    /// ```
    /// assert_eq!(retry_core::budget::TokenBucket::new(7, 0.125).unwrap().token_ratio(), 0.125);
    /// ```
    #[inline]
    pub const fn token_ratio(&self) -> f64 {
        self.ratio as f64 / MILLI as f64
    }
}

// Every update is a read-modify-write of one integer that guards no other memory: `Relaxed` is
// enough for the updates to be exact (all RMWs of one atomic are totally ordered).
impl RetryBudget for TokenBucket {
    #[inline]
    fn on_failure(&self, _: FailureKind) {
        let _ = self
            .tokens
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |t| {
                (t > 0).then(|| t.saturating_sub(MILLI))
            });
    }

    #[inline]
    fn try_retry(&self, _: FailureKind) -> Option<RetryPermit> {
        (self.tokens.load(Ordering::Relaxed) > self.threshold).then_some(RetryPermit::new(1))
    }

    #[inline]
    fn on_success(&self, _: Option<RetryPermit>) {
        let _ = self
            .tokens
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |t| {
                (t < self.max).then(|| t.saturating_add(self.ratio).min(self.max))
            });
    }
}

/// The AWS SDKs' retry quota (the "standard" retry mode): retries withdraw from a shared
/// capacity that successes pay back.
///
/// The quota starts full at 500. A retry withdraws 5 (10 when the failed attempt timed out); a
/// retry that does not fit in what is left is refused, so an empty quota means no retries. An
/// accepted outcome pays back: 1 after a first-try success, the cost of the call's last retry
/// after a success that needed retries; never above the capacity.
///
/// ```
/// use retry_core::budget::{FailureKind, RetryBudget, RetryQuota};
///
/// let quota = RetryQuota::new();
/// let permit = quota.try_retry(FailureKind::Timeout).unwrap();
/// assert_eq!((permit.cost(), quota.available()), (10, 490));
/// quota.on_success(Some(permit));
/// assert_eq!(quota.available(), 500);
/// ```
#[derive(Debug)]
pub struct RetryQuota {
    capacity: u32,
    retry_cost: u32,
    timeout_cost: u32,
    success_refund: u32,
    available: AtomicU32,
}

impl RetryQuota {
    /// The AWS SDKs' initial capacity.
    ///
    /// ```
    /// use retry_core::budget::RetryQuota;
    /// assert_eq!(RetryQuota::new().available(), RetryQuota::DEFAULT_CAPACITY);
    /// ```
    pub const DEFAULT_CAPACITY: u32 = 500;
    /// The AWS SDKs' cost of a retry.
    ///
    /// ```
    /// use retry_core::budget::{FailureKind, RetryQuota};
    /// assert_eq!(RetryQuota::new().cost(FailureKind::Error), RetryQuota::DEFAULT_RETRY_COST);
    /// ```
    pub const DEFAULT_RETRY_COST: u32 = 5;
    /// The AWS SDKs' cost of a retry after a timeout.
    ///
    /// ```
    /// use retry_core::budget::{FailureKind, RetryQuota};
    /// assert_eq!(RetryQuota::new().cost(FailureKind::Timeout), RetryQuota::DEFAULT_TIMEOUT_COST);
    /// ```
    pub const DEFAULT_TIMEOUT_COST: u32 = 10;
    /// The AWS SDKs' refund of a first-try success.
    ///
    /// ```
    /// use retry_core::budget::{FailureKind, RetryBudget, RetryQuota};
    ///
    /// let quota = RetryQuota::new();
    /// let _permit = quota.try_retry(FailureKind::Error); // 500 - 5
    /// quota.on_success(None); // a first-try success elsewhere: + 1
    /// assert_eq!(quota.available(), 495 + RetryQuota::DEFAULT_SUCCESS_REFUND);
    /// ```
    pub const DEFAULT_SUCCESS_REFUND: u32 = 1;

    /// A full quota with the AWS SDKs' numbers: capacity 500, retry cost 5, timeout cost 10,
    /// first-try refund 1.
    ///
    /// ```
    /// use retry_core::budget::RetryQuota;
    /// static QUOTA: RetryQuota = RetryQuota::new();
    /// assert_eq!(QUOTA.available(), 500);
    /// ```
    pub const fn new() -> Self {
        RetryQuota {
            capacity: Self::DEFAULT_CAPACITY,
            retry_cost: Self::DEFAULT_RETRY_COST,
            timeout_cost: Self::DEFAULT_TIMEOUT_COST,
            success_refund: Self::DEFAULT_SUCCESS_REFUND,
            available: AtomicU32::new(Self::DEFAULT_CAPACITY),
        }
    }

    /// A full quota with other numbers: `capacity` (at least 1), the cost of a retry and of a
    /// retry after a timeout (each from 1 to `capacity`), and the refund of a first-try success
    /// (0 for none).
    ///
    /// ```
    /// use retry_core::budget::{BudgetError, RetryQuota};
    /// let quota = RetryQuota::with_costs(100, 2, 4, 0).unwrap();
    /// assert_eq!(quota.available(), 100);
    /// assert_eq!(RetryQuota::with_costs(0, 5, 10, 1).err(), Some(BudgetError::Capacity));
    /// assert_eq!(RetryQuota::with_costs(100, 0, 10, 1).err(), Some(BudgetError::RetryCost));
    /// assert_eq!(RetryQuota::with_costs(100, 5, 101, 1).err(), Some(BudgetError::RetryCost));
    /// ```
    pub const fn with_costs(
        capacity: u32,
        retry_cost: u32,
        timeout_cost: u32,
        success_refund: u32,
    ) -> Result<Self, BudgetError> {
        if capacity == 0 {
            return Err(BudgetError::Capacity);
        }
        if retry_cost == 0 || timeout_cost == 0 || retry_cost > capacity || timeout_cost > capacity
        {
            return Err(BudgetError::RetryCost);
        }
        Ok(RetryQuota {
            capacity,
            retry_cost,
            timeout_cost,
            success_refund,
            available: AtomicU32::new(capacity),
        })
    }

    /// What is left to spend on retries.
    ///
    /// ```
    /// assert_eq!(retry_core::budget::RetryQuota::new().available(), 500);
    /// ```
    #[inline]
    pub fn available(&self) -> u32 {
        self.available.load(Ordering::Relaxed)
    }

    /// The quota's size.
    ///
    /// ```
    /// assert_eq!(retry_core::budget::RetryQuota::new().capacity(), 500);
    /// ```
    #[inline]
    pub const fn capacity(&self) -> u32 {
        self.capacity
    }

    /// What a retry after a failure of this kind costs.
    ///
    /// ```
    /// use retry_core::budget::{FailureKind, RetryQuota};
    /// assert_eq!(RetryQuota::new().cost(FailureKind::Error), 5);
    /// assert_eq!(RetryQuota::new().cost(FailureKind::Timeout), 10);
    /// ```
    #[inline]
    pub const fn cost(&self, kind: FailureKind) -> u32 {
        match kind {
            FailureKind::Error => self.retry_cost,
            FailureKind::Timeout => self.timeout_cost,
        }
    }
}

impl Default for RetryQuota {
    fn default() -> Self {
        RetryQuota::new()
    }
}

impl RetryBudget for RetryQuota {
    #[inline]
    fn try_retry(&self, kind: FailureKind) -> Option<RetryPermit> {
        let cost = self.cost(kind);
        self.available
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |a| {
                a.checked_sub(cost)
            })
            .ok()
            .map(|_| RetryPermit::new(cost))
    }

    #[inline]
    fn on_success(&self, permit: Option<RetryPermit>) {
        let refund = permit.map_or(self.success_refund, |p| p.cost());
        let _ = self
            .available
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |a| {
                (a < self.capacity).then(|| a.saturating_add(refund).min(self.capacity))
            });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    enum Event {
        Fail,
        Timeout,
        Success,
        SuccessAfter(u32),
    }
    use Event::*;

    /// gRPC's bucket, max 10, ratio 0.5: the count in thousandths and whether a retry is allowed
    /// after every step.
    #[test]
    fn token_bucket_traced_step_by_step() {
        let bucket = TokenBucket::new(10, 0.5).unwrap();
        assert_eq!(bucket.milli_tokens(), 10_000);
        #[rustfmt::skip]
        let table: &[(Event, u32, bool)] = &[
            (Fail, 9_000, true),
            (Fail, 8_000, true),
            (Fail, 7_000, true),
            (Fail, 6_000, true),
            // 5 is not more than max / 2: throttled.
            (Fail, 5_000, false),
            (Success, 5_500, true),
            (Fail, 4_500, false),
            (Success, 5_000, false),
            (Success, 5_500, true),
            // A timeout is just a failure to the bucket.
            (Timeout, 4_500, false),
            (Fail, 3_500, false),
            (Fail, 2_500, false),
            (Fail, 1_500, false),
            (Fail, 500, false),
            // Never below zero.
            (Fail, 0, false),
            (Fail, 0, false),
            (Success, 500, false),
        ];
        for (step, (event, tokens, allowed)) in table.iter().enumerate() {
            match event {
                Fail => bucket.on_failure(FailureKind::Error),
                Timeout => bucket.on_failure(FailureKind::Timeout),
                Success => bucket.on_success(None),
                SuccessAfter(cost) => bucket.on_success(Some(RetryPermit::new(*cost))),
            }
            assert_eq!(bucket.milli_tokens(), *tokens, "step {step}");
            let permit = bucket.try_retry(FailureKind::Error);
            assert_eq!(permit.is_some(), *allowed, "step {step}");
            // Asking does not change the count.
            assert_eq!(bucket.milli_tokens(), *tokens, "step {step}");
        }
        // Back up to the cap, never above it: 19 successes from 0.5 reach 10.
        for _ in 0..19 {
            bucket.on_success(Some(RetryPermit::new(1)));
        }
        assert_eq!(bucket.milli_tokens(), 10_000);
        bucket.on_success(None);
        assert_eq!(bucket.milli_tokens(), 10_000);
    }

    #[test]
    fn token_bucket_parameters() {
        assert_eq!(TokenBucket::new(0, 1.0).err(), Some(BudgetError::MaxTokens));
        assert_eq!(
            TokenBucket::new(1001, 1.0).err(),
            Some(BudgetError::MaxTokens)
        );
        for ratio in [0.0, -1.0, 0.0009, f64::NAN, f64::NEG_INFINITY] {
            assert_eq!(
                TokenBucket::new(10, ratio).err(),
                Some(BudgetError::TokenRatio)
            );
        }
        let b = TokenBucket::new(1000, 0.001).unwrap();
        assert_eq!(
            (b.milli_tokens(), b.ratio, b.threshold),
            (1_000_000, 1, 500_000)
        );
        // Three decimal places, further ones dropped; 0.29 is 290 despite binary rounding.
        assert_eq!(TokenBucket::new(10, 0.29).unwrap().ratio, 290);
        assert_eq!(TokenBucket::new(10, 0.3).unwrap().ratio, 300);
        assert_eq!(TokenBucket::new(10, 0.1239).unwrap().ratio, 123);
        // A ratio beyond the bucket refills it at once.
        assert_eq!(TokenBucket::new(10, f64::INFINITY).unwrap().ratio, 10_000);
        assert_eq!(TokenBucket::new(1, 1.0).unwrap().threshold, 500);
    }

    /// The AWS quota with its standard numbers, traced step by step: what is available after each
    /// step and the cost of the permit it got, if it asked for one.
    #[test]
    fn retry_quota_traced_step_by_step() {
        let quota = RetryQuota::new();
        assert_eq!(quota.available(), 500);
        // First-try successes refund 1, but never above the capacity.
        quota.on_success(None);
        assert_eq!(quota.available(), 500);

        let mut permits = Vec::new();
        #[rustfmt::skip]
        let table: &[(Event, u32)] = &[
            (Fail, 495),
            (Fail, 490),
            (Timeout, 480),
            (SuccessAfter(10), 490),
            (Success, 491),
            (SuccessAfter(5), 496),
            (Success, 497),
            (Success, 498),
            (Success, 499),
            (Success, 500),
            (Success, 500),
        ];
        for (step, (event, available)) in table.iter().enumerate() {
            match event {
                Fail => permits.push(quota.try_retry(FailureKind::Error).unwrap()),
                Timeout => permits.push(quota.try_retry(FailureKind::Timeout).unwrap()),
                Success => quota.on_success(None),
                SuccessAfter(cost) => quota.on_success(Some(RetryPermit::new(*cost))),
            }
            assert_eq!(quota.available(), *available, "step {step}");
        }
        assert_eq!(
            permits.iter().map(|p| p.cost()).collect::<Vec<_>>(),
            [5, 5, 10]
        );

        // Failures alone touch nothing: the quota charges retries, not failures.
        quota.on_failure(FailureKind::Error);
        assert_eq!(quota.available(), 500);

        // Drain it: 100 retries of 5, then nothing; a timeout retry needs 10.
        for n in 0..100 {
            assert!(quota.try_retry(FailureKind::Error).is_some(), "retry {n}");
        }
        assert_eq!(quota.available(), 0);
        assert_eq!(quota.try_retry(FailureKind::Error), None);
        for _ in 0..7 {
            quota.on_success(None);
        }
        assert_eq!(quota.available(), 7);
        assert_eq!(quota.try_retry(FailureKind::Timeout), None);
        assert_eq!(quota.available(), 7);
        assert_eq!(
            quota.try_retry(FailureKind::Error),
            Some(RetryPermit::new(5))
        );
        assert_eq!(quota.available(), 2);
    }

    #[test]
    fn retry_quota_parameters() {
        assert_eq!(
            RetryQuota::with_costs(0, 1, 1, 1).err(),
            Some(BudgetError::Capacity)
        );
        assert_eq!(
            RetryQuota::with_costs(10, 0, 1, 1).err(),
            Some(BudgetError::RetryCost)
        );
        assert_eq!(
            RetryQuota::with_costs(10, 1, 0, 1).err(),
            Some(BudgetError::RetryCost)
        );
        assert_eq!(
            RetryQuota::with_costs(10, 11, 1, 1).err(),
            Some(BudgetError::RetryCost)
        );
        let q = RetryQuota::with_costs(10, 10, 10, 0).unwrap();
        assert!(q.try_retry(FailureKind::Timeout).is_some());
        assert!(q.try_retry(FailureKind::Error).is_none());
        q.on_success(None);
        assert_eq!(q.available(), 0);
        let d = RetryQuota::default();
        assert_eq!(
            (
                d.capacity(),
                d.cost(FailureKind::Error),
                d.cost(FailureKind::Timeout)
            ),
            (500, 5, 10)
        );
    }

    #[test]
    fn errors_read_well() {
        assert_eq!(
            BudgetError::TokenRatio.to_string(),
            "`token_ratio` must be a number of at least 0.001"
        );
        assert_eq!(
            BudgetError::RetryCost.to_string(),
            "a retry's cost must be at least 1 and at most the quota's capacity"
        );
    }
}
