//! Hooks: code the loop runs at fixed points, in tenacity's order.
//!
//! After each outcome: retry condition, then (if retryable) `after`, the wait computation, the stop
//! check, then `before_sleep` and the sleep, then `before` and the next attempt. `before` also runs
//! ahead of the first attempt. `after` never runs after the final success, and `before_sleep` sees
//! the attempt that just finished together with the sleep about to start
//! ([`RetryState::next_sleep`]).
//!
//! A hook is any `Fn(&RetryState<T, E>)`. The [`log`](crate::log) module has ready-made hooks that
//! emit `tracing` events at a level of your choice.

use crate::state::RetryState;

/// Something the loop calls with the current state.
///
/// ```
/// use retry_core::hooks::Hook;
/// use retry_core::RetryState;
/// use std::cell::Cell;
///
/// let seen = Cell::new(0);
/// let hook = |s: &RetryState<(), ()>| seen.set(s.attempt());
/// hook.call(&RetryState::at_attempt(3, None));
/// assert_eq!(seen.get(), 3);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a hook for `RetryState<{T}, {E}>`",
    label = "not a hook for `RetryState<{T}, {E}>`",
    note = "a hook is a closure or function taking `&RetryState<{T}, {E}>`; the `retry_core::log` hooks need `{E}: Display`"
)]
pub trait Hook<T, E> {
    /// Runs the hook.
    ///
    /// ```
    /// use retry_core::hooks::Hook;
    /// use retry_core::RetryState;
    /// use std::cell::RefCell;
    ///
    /// let log = RefCell::new(Vec::new());
    /// let hook = |s: &RetryState<(), ()>| log.borrow_mut().push(s.attempt());
    /// hook.call(&RetryState::at_attempt(1, None));
    /// hook.call(&RetryState::at_attempt(2, None));
    /// assert_eq!(*log.borrow(), [1, 2]);
    /// ```
    fn call(&self, state: &RetryState<T, E>);

    /// `false` for the no-op hook, so the engine can skip work (and clock reads) for it.
    ///
    /// ```
    /// use retry_core::hooks::{Hook, NoHook};
    /// assert!(!Hook::<(), ()>::is_active(&NoHook));
    /// ```
    #[inline]
    fn is_active(&self) -> bool {
        true
    }
}

impl<T, E, F> Hook<T, E> for F
where
    F: Fn(&RetryState<T, E>),
{
    #[inline]
    fn call(&self, state: &RetryState<T, E>) {
        self(state)
    }
}

/// The hook that does nothing (the default for every slot).
///
/// ```
/// use retry_core::hooks::{Hook, NoHook};
/// use retry_core::RetryState;
///
/// NoHook.call(&RetryState::<(), ()>::at_attempt(1, None)); // does nothing
/// assert!(!Hook::<(), ()>::is_active(&NoHook));
/// assert!(Hook::<(), ()>::is_active(&|_: &RetryState<(), ()>| {}));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NoHook;

impl<T, E> Hook<T, E> for NoHook {
    #[inline(always)]
    fn call(&self, _: &RetryState<T, E>) {}

    #[inline(always)]
    fn is_active(&self) -> bool {
        false
    }
}

/// The three hooks of a policy: `before`, `after` and `before_sleep`.
///
/// ```
/// use retry_core::hooks::{Hooks, NoHook};
/// let hooks: Hooks = Hooks::default();
/// assert_eq!(hooks, Hooks { before: NoHook, after: NoHook, before_sleep: NoHook });
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Hooks<B = NoHook, A = NoHook, S = NoHook> {
    /// Runs before every attempt, the first included.
    pub before: B,
    /// Runs after every retryable failure, before the stop check.
    pub after: A,
    /// Runs before every sleep, once the stop check decided to retry.
    pub before_sleep: S,
}
