//! Transient-error classification: is this failure worth another attempt?
//!
//! [`Transient`] answers that for an error type; `retry = transient` (or
//! [`condition::transient`](crate::condition::transient)) retries exactly the transient ones.
//! Timeouts, resets, refused connections and interruptions are transient; a missing file or a
//! permission error is not, and retrying it only delays the inevitable.

use std::fmt;
use std::io;
use std::time::Duration;

/// Whether an error is worth retrying.
///
/// ```
/// use retry_core::Transient;
///
/// enum DbError { Deadlock, UniqueViolation }
/// impl Transient for DbError {
///     fn is_transient(&self) -> bool {
///         matches!(self, DbError::Deadlock)
///     }
/// }
/// assert!(DbError::Deadlock.is_transient());
/// assert!(!DbError::UniqueViolation.is_transient());
/// ```
pub trait Transient {
    /// `true` when another attempt may succeed.
    ///
    /// ```
    /// use retry_core::Transient;
    /// use std::io::{Error, ErrorKind};
    ///
    /// assert!(Error::from(ErrorKind::ConnectionReset).is_transient());
    /// assert!(!Error::from(ErrorKind::PermissionDenied).is_transient());
    /// ```
    fn is_transient(&self) -> bool;
}

impl<E: Transient + ?Sized> Transient for &E {
    #[inline]
    fn is_transient(&self) -> bool {
        (**self).is_transient()
    }
}

impl<E: Transient + ?Sized> Transient for Box<E> {
    #[inline]
    fn is_transient(&self) -> bool {
        (**self).is_transient()
    }
}

impl<E: Transient + ?Sized> Transient for std::sync::Arc<E> {
    #[inline]
    fn is_transient(&self) -> bool {
        (**self).is_transient()
    }
}

/// Timeouts, resets, aborts, refused connections, broken pipes, interruptions, would-block,
/// unexpected EOF, and the host/network-unreachable kinds are transient; everything else
/// (not found, permission denied, invalid input, ...) is not.
///
/// ```
/// use retry_core::Transient;
/// use std::io::ErrorKind;
/// assert!(ErrorKind::TimedOut.is_transient());
/// assert!(!ErrorKind::NotFound.is_transient());
/// ```
impl Transient for io::ErrorKind {
    fn is_transient(&self) -> bool {
        use io::ErrorKind::*;
        matches!(
            self,
            TimedOut
                | ConnectionReset
                | ConnectionAborted
                | ConnectionRefused
                | NotConnected
                | BrokenPipe
                | Interrupted
                | WouldBlock
                | UnexpectedEof
                | HostUnreachable
                | NetworkUnreachable
                | NetworkDown
                | ResourceBusy
                | AddrInUse
        )
    }
}

/// Classified by [`io::Error::kind`], looking through an inner error that is itself an
/// [`AttemptTimedOut`].
///
/// ```
/// use retry_core::Transient;
/// assert!(std::io::Error::from(std::io::ErrorKind::ConnectionReset).is_transient());
/// ```
impl Transient for io::Error {
    fn is_transient(&self) -> bool {
        self.kind().is_transient()
            || self
                .get_ref()
                .is_some_and(|inner| inner.is::<AttemptTimedOut>())
    }
}

/// An attempt that ran longer than the per-attempt timeout and was cancelled.
///
/// It reaches the function's error type through `From<AttemptTimedOut>`, which the error type
/// implements (`std::io::Error` already does, as [`io::ErrorKind::TimedOut`]). It is always
/// transient.
///
/// ```
/// use retry_core::{AttemptTimedOut, Transient};
/// use std::time::Duration;
///
/// let timeout = AttemptTimedOut::new(Duration::from_secs(30));
/// assert_eq!(timeout.to_string(), "attempt timed out after 30s");
/// let io: std::io::Error = timeout.into();
/// assert_eq!(io.kind(), std::io::ErrorKind::TimedOut);
/// assert!(io.is_transient());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AttemptTimedOut {
    after: Duration,
}

impl AttemptTimedOut {
    /// A timeout after `after`.
    ///
    /// ```
    /// let t = retry_core::AttemptTimedOut::new(std::time::Duration::from_millis(5));
    /// assert_eq!(t.after().as_millis(), 5);
    /// ```
    #[inline]
    pub const fn new(after: Duration) -> Self {
        AttemptTimedOut { after }
    }

    /// The per-attempt limit that was exceeded.
    ///
    /// ```
    /// # let t = retry_core::AttemptTimedOut::new(std::time::Duration::from_millis(5));
    /// assert_eq!(t.after(), std::time::Duration::from_millis(5));
    /// ```
    #[inline]
    pub const fn after(&self) -> Duration {
        self.after
    }
}

impl fmt::Display for AttemptTimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "attempt timed out after {:?}", self.after)
    }
}

impl std::error::Error for AttemptTimedOut {}

impl Transient for AttemptTimedOut {
    #[inline]
    fn is_transient(&self) -> bool {
        true
    }
}

impl From<AttemptTimedOut> for io::Error {
    fn from(timeout: AttemptTimedOut) -> Self {
        io::Error::new(io::ErrorKind::TimedOut, timeout)
    }
}

/// tokio's timeout error is transient.
///
/// ```
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// use retry_core::Transient;
/// let elapsed = tokio::time::timeout(std::time::Duration::from_millis(1), std::future::pending::<()>())
///     .await
///     .unwrap_err();
/// assert!(elapsed.is_transient());
/// # }
/// ```
#[cfg(feature = "tokio")]
impl Transient for tokio::time::error::Elapsed {
    #[inline]
    fn is_transient(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_kinds() {
        use io::ErrorKind::*;
        for kind in [
            TimedOut,
            ConnectionReset,
            ConnectionRefused,
            Interrupted,
            WouldBlock,
            BrokenPipe,
        ] {
            assert!(io::Error::from(kind).is_transient(), "{kind:?}");
        }
        for kind in [
            NotFound,
            PermissionDenied,
            InvalidInput,
            InvalidData,
            Unsupported,
            AlreadyExists,
        ] {
            assert!(!io::Error::from(kind).is_transient(), "{kind:?}");
        }
        let wrapped = io::Error::other(AttemptTimedOut::new(Duration::from_secs(1)));
        assert!(wrapped.is_transient());
    }
}
