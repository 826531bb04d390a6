//! Retry budgets: a limit on retries shared by many calls.
//!
//! Retries multiply the load on a dependency exactly when it can least afford it. A budget is
//! shared by every call to that dependency (an `Arc` or a `static`) and refuses retries once too
//! many attempts have failed recently; the loop then stops with [`StopReason::Budget`] and returns
//! the last outcome. Budgets are lock-free.
//!
//! [`StopReason::Budget`]: crate::StopReason::Budget

use std::fmt;
use std::sync::Arc;

/// What kind of failure a retry is asked for.
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
    #[inline]
    fn on_failure(&self, kind: FailureKind) {
        let _ = kind;
    }

    /// Asks to retry after a failure; `None` refuses.
    fn try_retry(&self, kind: FailureKind) -> Option<RetryPermit>;

    /// An attempt succeeded; `permit` is the call's last retry permit, if it retried.
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
