//! HTTP integration (feature `http`): server-provided delays, status classification, and error
//! types that keep what a retry loop needs from a response.
//!
//! - [`parse_retry_after`] reads a `Retry-After` value in both RFC 9110 forms (delay-seconds and
//!   HTTP-date, through `httpdate`); [`retry_after_hint`] reads every delay header a response may
//!   carry (`retry-after-ms`, `Retry-After`, `RateLimit-Reset`, `X-RateLimit-Reset`).
//! - [`Transient`] for [`StatusCode`]: 408, 429, 500, 502, 503 and 504 are worth retrying; every
//!   other status is not.
//! - [`StatusError`]: a failed response's status, delay hint and the start of its body; it
//!   implements [`Transient`] and [`RetryAfter`], so `retry = transient` and
//!   [`wait::retry_after`](crate::wait::retry_after) work with it directly.
//! - With feature `reqwest`: [`Transient`] for `reqwest::Error` and [`HttpError`], one error type
//!   for the status, transport and timeout failures of a reqwest call.
//!
//! Parsing is lenient where the RFC allows it and strict where a mistake would be costly: a value
//! that is neither form (negative numbers, fractions, words) is ignored, so the policy's own
//! backoff applies; a date in the past means "now" (zero); a huge value is returned as it is and
//! bounded later by [`RetryAfterWait::cap`](crate::wait::RetryAfterWait::cap) (60 s by default).
//!
//! ```
//! use retry_core::http::{retry_after_hint_at, StatusError};
//! use retry_core::{RetryAfter, Transient};
//! use http::{HeaderMap, StatusCode};
//! use std::time::{Duration, SystemTime};
//!
//! let mut headers = HeaderMap::new();
//! headers.insert("retry-after", "2".parse().unwrap());
//! let now = SystemTime::now();
//! assert_eq!(retry_after_hint_at(&headers, now), Some(Duration::from_secs(2)));
//!
//! let error = StatusError::from_parts_at(StatusCode::TOO_MANY_REQUESTS, &headers, now);
//! assert!(error.is_transient());
//! assert_eq!(error.retry_after(), Some(Duration::from_secs(2)));
//! assert_eq!(error.to_string(), "HTTP 429 Too Many Requests (retry after 2s)");
//! ```

use std::error::Error;
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderMap, StatusCode};

use crate::retry_after::RetryAfter;
#[cfg(feature = "reqwest")]
use crate::transient::AttemptTimedOut;
use crate::transient::Transient;

/// The longest body excerpt a [`StatusError`] keeps, in bytes.
///
/// ```
/// use retry_core::http::{StatusError, BODY_EXCERPT_LIMIT};
/// use http::StatusCode;
///
/// let error = StatusError::new(StatusCode::BAD_GATEWAY).with_body("x".repeat(2000));
/// assert_eq!(error.body().unwrap().len(), BODY_EXCERPT_LIMIT);
/// ```
pub const BODY_EXCERPT_LIMIT: usize = 512;

/// Values of `X-RateLimit-Reset` at or above this (September 2001 as a Unix time) are read as a
/// point in time, smaller ones as a number of seconds.
const EPOCH_THRESHOLD: u64 = 1_000_000_000;

/// Parses a `Retry-After` value: delay-seconds (`"120"`) or an HTTP-date
/// (`"Wed, 21 Oct 2015 07:28:00 GMT"`, and the two obsolete date forms RFC 9110 asks recipients
/// to accept), as the delay from `now`.
///
/// - A date in the past (or equal to `now`) gives [`Duration::ZERO`].
/// - Delay-seconds too large for a `u64` saturate at `u64::MAX` seconds; bound the result with a
///   cap ([`retry_after(..).cap(d)`](crate::wait::RetryAfterWait::cap)) before sleeping.
/// - Anything else (empty, negative, fractional, a word, a malformed date) is `None`: the value is
///   ignored, not treated as zero.
///
/// Taking `now` as an argument keeps the function pure and testable; [`retry_after_hint`] passes
/// the system time.
///
/// ```
/// use retry_core::http::parse_retry_after;
/// use std::time::{Duration, SystemTime, UNIX_EPOCH};
///
/// let now = UNIX_EPOCH + Duration::from_secs(1_445_412_470); // Wed, 21 Oct 2015 07:27:50 GMT
/// assert_eq!(parse_retry_after("120", now), Some(Duration::from_secs(120)));
/// assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
/// assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now), Some(Duration::from_secs(10)));
/// assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now), Some(Duration::ZERO));
/// assert_eq!(parse_retry_after("-5", now), None);
/// assert_eq!(parse_retry_after("1.5", now), None);
/// assert_eq!(parse_retry_after("soon", now), None);
/// assert_eq!(parse_retry_after("99999999999999999999999", now), Some(Duration::from_secs(u64::MAX)));
/// ```
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    if value.bytes().all(|b| b.is_ascii_digit()) {
        // Only digits: the sole way to fail is overflow, which saturates.
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(until(date, now))
}

/// The delay a response asks for, read from its headers at the current system time. See
/// [`retry_after_hint_at`].
///
/// ```
/// use http::HeaderMap;
/// let mut headers = HeaderMap::new();
/// headers.insert("retry-after-ms", "1500".parse().unwrap());
/// assert_eq!(retry_core::http::retry_after_hint(&headers), Some(std::time::Duration::from_millis(1500)));
/// ```
pub fn retry_after_hint(headers: &HeaderMap) -> Option<Duration> {
    retry_after_hint_at(headers, SystemTime::now())
}

/// The delay a response asks for, from the first of these headers that holds a valid value:
///
/// 1. `retry-after-ms`: milliseconds, fractions allowed (sent by OpenAI and Azure OpenAI);
/// 2. `Retry-After`: delay-seconds or an HTTP-date ([`parse_retry_after`]);
/// 3. `RateLimit-Reset` (IETF draft): seconds until the quota resets;
/// 4. `X-RateLimit-Reset`: a Unix time in seconds (GitHub and others) when the value is at least
///    1 000 000 000, otherwise seconds until the reset. Fractions are allowed.
///
/// Invalid values are skipped, so a garbage `Retry-After` next to a valid `X-RateLimit-Reset`
/// still yields a hint. Values that are not visible ASCII are ignored. Huge values saturate (at
/// [`Duration::MAX`] for a reset no clock can reach) and never panic: bound the result with a cap
/// before sleeping, as [`retry_after(..).cap(d)`](crate::wait::RetryAfterWait::cap) does.
///
/// ```
/// use retry_core::http::retry_after_hint_at;
/// use http::HeaderMap;
/// use std::time::{Duration, UNIX_EPOCH};
///
/// let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
/// let mut headers = HeaderMap::new();
/// headers.insert("retry-after", "garbage".parse().unwrap());
/// headers.insert("x-ratelimit-reset", "1700000030".parse().unwrap());
/// assert_eq!(retry_after_hint_at(&headers, now), Some(Duration::from_secs(30)));
///
/// headers.insert("retry-after", "5".parse().unwrap());
/// assert_eq!(retry_after_hint_at(&headers, now), Some(Duration::from_secs(5)));
/// assert_eq!(retry_after_hint_at(&HeaderMap::new(), now), None);
/// ```
pub fn retry_after_hint_at(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(ms) = text("retry-after-ms").and_then(non_negative_number) {
        return Some(secs_f64(ms / 1000.0));
    }
    if let Some(delay) = text("retry-after").and_then(|v| parse_retry_after(v, now)) {
        return Some(delay);
    }
    if let Some(secs) = text("ratelimit-reset").and_then(non_negative_number) {
        return Some(secs_f64(secs));
    }
    let reset = text("x-ratelimit-reset").and_then(non_negative_number)?;
    if reset >= EPOCH_THRESHOLD as f64 {
        Some(until_unix_time(secs_f64(reset), now))
    } else {
        Some(secs_f64(reset))
    }
}

/// A plain non-negative decimal number (`"12"`, `"1.5"`); no sign, exponent, NaN or infinity.
fn non_negative_number(value: &str) -> Option<f64> {
    let value = value.trim();
    let mut parts = value.splitn(2, '.');
    let whole = parts.next().unwrap_or("");
    let fraction = parts.next().unwrap_or("");
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(fraction) {
        return None;
    }
    value.parse().ok()
}

fn secs_f64(secs: f64) -> Duration {
    Duration::try_from_secs_f64(secs).unwrap_or(Duration::MAX)
}

fn until(then: SystemTime, now: SystemTime) -> Duration {
    then.duration_since(now).unwrap_or(Duration::ZERO)
}

/// The time from `now` until `then` (a Unix time), zero if past. Computed on durations, never as
/// `UNIX_EPOCH + then`: a server may send a reset no `SystemTime` can hold, and adding it would
/// panic.
fn until_unix_time(then: Duration, now: SystemTime) -> Duration {
    match now.duration_since(UNIX_EPOCH) {
        Ok(since_epoch) => then.saturating_sub(since_epoch),
        Err(before_epoch) => then.saturating_add(before_epoch.duration()),
    }
}

/// 408 Request Timeout, 429 Too Many Requests, 500 Internal Server Error, 502 Bad Gateway,
/// 503 Service Unavailable and 504 Gateway Timeout are transient. Every other status is not:
/// a 400, 401, 403 or 404 will fail the same way next time, and so will a 501.
///
/// ```
/// use http::StatusCode;
/// use retry_core::Transient;
/// assert!(StatusCode::TOO_MANY_REQUESTS.is_transient());
/// assert!(StatusCode::SERVICE_UNAVAILABLE.is_transient());
/// assert!(!StatusCode::UNAUTHORIZED.is_transient());
/// assert!(!StatusCode::NOT_IMPLEMENTED.is_transient());
/// ```
impl Transient for StatusCode {
    fn is_transient(&self) -> bool {
        matches!(self.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)
    }
}

/// A response that was not a success: its status, the delay it asked for, and the start of its
/// body (for messages such as "invalid model").
///
/// [`Transient`] follows the status, and [`RetryAfter`] gives the hint, so a policy with
/// `retry = transient` and `wait = retry_after(fallback)` handles it with no glue code.
///
/// ```
/// use retry_core::http::StatusError;
/// use retry_core::{RetryAfter, Transient};
/// use http::StatusCode;
/// use std::time::Duration;
///
/// let error = StatusError::new(StatusCode::SERVICE_UNAVAILABLE)
///     .with_retry_after(Some(Duration::from_secs(30)))
///     .with_body("down for maintenance");
/// assert!(error.is_transient());
/// assert_eq!(error.retry_after(), Some(Duration::from_secs(30)));
/// assert_eq!(error.to_string(), "HTTP 503 Service Unavailable (retry after 30s): down for maintenance");
///
/// let denied = StatusError::new(StatusCode::UNAUTHORIZED);
/// assert!(!denied.is_transient());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusError {
    status: StatusCode,
    retry_after: Option<Duration>,
    body: Option<Box<str>>,
}

impl StatusError {
    /// An error for `status`, with no hint and no body.
    ///
    /// ```
    /// let e = retry_core::http::StatusError::new(http::StatusCode::BAD_GATEWAY);
    /// assert_eq!(e.status(), http::StatusCode::BAD_GATEWAY);
    /// ```
    #[inline]
    pub const fn new(status: StatusCode) -> Self {
        StatusError {
            status,
            retry_after: None,
            body: None,
        }
    }

    /// An error for `status` with the hint found in `headers` ([`retry_after_hint`]).
    ///
    /// ```
    /// use http::{HeaderMap, StatusCode};
    /// use retry_core::RetryAfter;
    /// let mut headers = HeaderMap::new();
    /// headers.insert("retry-after", "3".parse().unwrap());
    /// let e = retry_core::http::StatusError::from_parts(StatusCode::TOO_MANY_REQUESTS, &headers);
    /// assert_eq!(e.retry_after(), Some(std::time::Duration::from_secs(3)));
    /// ```
    pub fn from_parts(status: StatusCode, headers: &HeaderMap) -> Self {
        Self::from_parts_at(status, headers, SystemTime::now())
    }

    /// Like [`from_parts`](Self::from_parts), with HTTP-dates measured from `now`.
    ///
    /// ```
    /// use http::{HeaderMap, StatusCode};
    /// use retry_core::RetryAfter;
    /// use std::time::{Duration, UNIX_EPOCH};
    /// let mut headers = HeaderMap::new();
    /// headers.insert("retry-after", "Thu, 01 Jan 1970 00:01:00 GMT".parse().unwrap());
    /// let now = UNIX_EPOCH + Duration::from_secs(45);
    /// let e = retry_core::http::StatusError::from_parts_at(StatusCode::SERVICE_UNAVAILABLE, &headers, now);
    /// assert_eq!(e.retry_after(), Some(Duration::from_secs(15)));
    /// ```
    pub fn from_parts_at(status: StatusCode, headers: &HeaderMap, now: SystemTime) -> Self {
        StatusError {
            status,
            retry_after: retry_after_hint_at(headers, now),
            body: None,
        }
    }

    /// The status, the hint and no body, from a reqwest response (feature `reqwest`). The
    /// response is not consumed; [`HttpError::check`] also keeps the start of the body.
    ///
    /// ```
    /// use retry_core::http::StatusError;
    /// use retry_core::RetryAfter;
    /// let response = reqwest::Response::from(
    ///     http::Response::builder().status(429).header("retry-after", "7").body("slow down").unwrap(),
    /// );
    /// let e = StatusError::from_response(&response);
    /// assert_eq!(e.status().as_u16(), 429);
    /// assert_eq!(e.retry_after(), Some(std::time::Duration::from_secs(7)));
    /// ```
    #[cfg(feature = "reqwest")]
    pub fn from_response(response: &reqwest::Response) -> Self {
        Self::from_parts(response.status(), response.headers())
    }

    /// Replaces the delay hint.
    ///
    /// ```
    /// use retry_core::RetryAfter;
    /// let e = retry_core::http::StatusError::new(http::StatusCode::TOO_MANY_REQUESTS)
    ///     .with_retry_after(Some(std::time::Duration::from_secs(1)));
    /// assert_eq!(e.retry_after(), Some(std::time::Duration::from_secs(1)));
    /// ```
    #[inline]
    pub fn with_retry_after(mut self, hint: Option<Duration>) -> Self {
        self.retry_after = hint;
        self
    }

    /// Keeps the start of the response body: at most [`BODY_EXCERPT_LIMIT`] bytes, cut at a
    /// character boundary, surrounding whitespace trimmed; an empty body is dropped.
    ///
    /// ```
    /// let e = retry_core::http::StatusError::new(http::StatusCode::BAD_REQUEST).with_body(" bad model \n");
    /// assert_eq!(e.body(), Some("bad model"));
    /// let long = retry_core::http::StatusError::new(http::StatusCode::BAD_REQUEST).with_body("é".repeat(400));
    /// assert_eq!(long.body().unwrap().len(), 512);
    /// ```
    pub fn with_body(mut self, body: impl AsRef<str>) -> Self {
        let body = body.as_ref().trim();
        let mut end = body.len().min(BODY_EXCERPT_LIMIT);
        while !body.is_char_boundary(end) {
            end -= 1;
        }
        let excerpt = body[..end].trim_end();
        self.body = (!excerpt.is_empty()).then(|| excerpt.into());
        self
    }

    /// The response status.
    ///
    /// ```
    /// let e = retry_core::http::StatusError::new(http::StatusCode::GATEWAY_TIMEOUT);
    /// assert_eq!(e.status().as_u16(), 504);
    /// ```
    #[inline]
    pub const fn status(&self) -> StatusCode {
        self.status
    }

    /// The start of the response body, if it was kept.
    ///
    /// ```
    /// assert_eq!(retry_core::http::StatusError::new(http::StatusCode::BAD_REQUEST).body(), None);
    /// ```
    #[inline]
    pub fn body(&self) -> Option<&str> {
        self.body.as_deref()
    }
}

impl fmt::Display for StatusError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status.as_u16())?;
        if let Some(reason) = self.status.canonical_reason() {
            write!(f, " {reason}")?;
        }
        if let Some(hint) = self.retry_after {
            write!(f, " (retry after {hint:?})")?;
        }
        if let Some(body) = &self.body {
            write!(f, ": {body}")?;
        }
        Ok(())
    }
}

impl Error for StatusError {}

impl Transient for StatusError {
    #[inline]
    fn is_transient(&self) -> bool {
        self.status.is_transient()
    }
}

impl RetryAfter for StatusError {
    #[inline]
    fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }
}

/// Timeouts, connection failures, connections closed or reset before the response was complete,
/// and transient statuses (from `error_for_status`) are transient. Invalid requests, redirect
/// loops, undecodable bodies and other statuses are not.
///
/// `reqwest::Error` carries no response headers, so it has no `Retry-After` hint: use
/// [`HttpError`] (or [`StatusError`]) to keep it.
///
/// ```
/// use retry_core::Transient;
/// let status = |code: u16| {
///     reqwest::Response::from(http::Response::builder().status(code).body("").unwrap())
///         .error_for_status()
///         .unwrap_err()
/// };
/// assert!(status(503).is_transient());
/// assert!(!status(404).is_transient());
/// ```
#[cfg(feature = "reqwest")]
impl Transient for reqwest::Error {
    fn is_transient(&self) -> bool {
        if let Some(status) = self.status() {
            return status.is_transient();
        }
        if self.is_timeout() || self.is_connect() {
            return true;
        }
        if self.is_builder() || self.is_redirect() || self.is_decode() {
            return false;
        }
        // A request or body error: transient when the connection broke underneath it.
        let mut source = Error::source(self);
        while let Some(error) = source {
            if let Some(io) = error.downcast_ref::<std::io::Error>()
                && io.kind().is_transient()
            {
                return true;
            }
            if let Some(hyper) = error.downcast_ref::<hyper::Error>()
                && (hyper.is_incomplete_message()
                    || hyper.is_closed()
                    || hyper.is_canceled()
                    || hyper.is_timeout())
            {
                return true;
            }
            source = error.source();
        }
        false
    }
}

/// What can go wrong with one HTTP call made with reqwest (feature `reqwest`): a status that is
/// not a success, a transport failure, or the policy's per-attempt timeout.
///
/// It implements everything a retry policy asks of an error type: [`Transient`] (status by
/// status, transport errors by cause, timeouts always), [`RetryAfter`] (the response's hint) and
/// `From<AttemptTimedOut>` (for [`Retrying::timeout`](crate::Retrying::timeout)). `?` converts
/// `reqwest::Error`s, and [`HttpError::check`] turns a response into `Ok` or a [`StatusError`].
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use retry_core::http::HttpError;
/// use retry_core::{RetryAfter, Transient};
///
/// let response = reqwest::Response::from(
///     http::Response::builder().status(503).header("retry-after", "4").body("overloaded").unwrap(),
/// );
/// let error = HttpError::check(response).await.unwrap_err();
/// assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
/// assert!(error.is_transient());
/// assert_eq!(error.retry_after(), Some(std::time::Duration::from_secs(4)));
/// assert_eq!(error.to_string(), "HTTP 503 Service Unavailable (retry after 4s): overloaded");
///
/// let timeout = HttpError::from(retry_core::AttemptTimedOut::new(std::time::Duration::from_secs(30)));
/// assert!(timeout.is_transient() && timeout.is_timeout());
/// # }
/// ```
#[cfg(feature = "reqwest")]
#[derive(Debug)]
#[non_exhaustive]
pub enum HttpError {
    /// The server answered with a status that is not a success.
    Status(StatusError),
    /// The request could not be sent, or the response could not be read.
    Transport(reqwest::Error),
    /// The attempt ran past the policy's per-attempt timeout and was cancelled.
    TimedOut(AttemptTimedOut),
}

#[cfg(feature = "reqwest")]
impl HttpError {
    /// Passes a success (2xx) response through; turns any other into
    /// [`HttpError::Status`], keeping the delay hint and the start of the body.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use retry_core::http::HttpError;
    /// let ok = reqwest::Response::from(http::Response::builder().status(200).body("fine").unwrap());
    /// assert_eq!(HttpError::check(ok).await.unwrap().text().await.unwrap(), "fine");
    /// let bad = reqwest::Response::from(http::Response::builder().status(400).body("no model").unwrap());
    /// assert_eq!(HttpError::check(bad).await.unwrap_err().to_string(), "HTTP 400 Bad Request: no model");
    /// # }
    /// ```
    pub async fn check(response: reqwest::Response) -> Result<reqwest::Response, HttpError> {
        if response.status().is_success() {
            return Ok(response);
        }
        let error = StatusError::from_response(&response);
        Err(HttpError::Status(
            error.with_body(body_excerpt(response).await),
        ))
    }

    /// The response status, for [`HttpError::Status`] and transport errors that carry one.
    ///
    /// ```
    /// use retry_core::http::{HttpError, StatusError};
    /// let e = HttpError::from(StatusError::new(http::StatusCode::UNAUTHORIZED));
    /// assert_eq!(e.status(), Some(http::StatusCode::UNAUTHORIZED));
    /// ```
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            HttpError::Status(e) => Some(e.status()),
            HttpError::Transport(e) => e.status(),
            HttpError::TimedOut(_) => None,
        }
    }

    /// `true` for the policy's per-attempt timeout and for reqwest's own timeouts.
    ///
    /// ```
    /// use retry_core::http::HttpError;
    /// let e = HttpError::from(retry_core::AttemptTimedOut::new(std::time::Duration::from_secs(1)));
    /// assert!(e.is_timeout());
    /// ```
    pub fn is_timeout(&self) -> bool {
        match self {
            HttpError::TimedOut(_) => true,
            HttpError::Transport(e) => e.is_timeout(),
            HttpError::Status(_) => false,
        }
    }
}

/// Reads at most [`BODY_EXCERPT_LIMIT`] bytes of a body (plus the rest of the chunk that crosses
/// the limit); a body that cannot be read is empty.
#[cfg(feature = "reqwest")]
async fn body_excerpt(mut response: reqwest::Response) -> String {
    let mut bytes = Vec::new();
    while bytes.len() < BODY_EXCERPT_LIMIT {
        match response.chunk().await {
            Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
            Ok(None) | Err(_) => break,
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(feature = "reqwest")]
impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HttpError::Status(e) => e.fmt(f),
            HttpError::TimedOut(e) => e.fmt(f),
            HttpError::Transport(e) => {
                // reqwest's own message names the URL only: add the causes.
                write!(f, "{e}")?;
                let mut source = Error::source(e);
                while let Some(cause) = source {
                    write!(f, ": {cause}")?;
                    source = cause.source();
                }
                Ok(())
            }
        }
    }
}

#[cfg(feature = "reqwest")]
impl Error for HttpError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            HttpError::Status(e) => Some(e),
            HttpError::Transport(e) => Some(e),
            HttpError::TimedOut(e) => Some(e),
        }
    }
}

#[cfg(feature = "reqwest")]
impl Transient for HttpError {
    fn is_transient(&self) -> bool {
        match self {
            HttpError::Status(e) => e.is_transient(),
            HttpError::Transport(e) => e.is_transient(),
            HttpError::TimedOut(_) => true,
        }
    }
}

#[cfg(feature = "reqwest")]
impl RetryAfter for HttpError {
    fn retry_after(&self) -> Option<Duration> {
        match self {
            HttpError::Status(e) => e.retry_after(),
            HttpError::Transport(_) | HttpError::TimedOut(_) => None,
        }
    }
}

#[cfg(feature = "reqwest")]
impl From<StatusError> for HttpError {
    fn from(error: StatusError) -> Self {
        HttpError::Status(error)
    }
}

#[cfg(feature = "reqwest")]
impl From<reqwest::Error> for HttpError {
    fn from(error: reqwest::Error) -> Self {
        HttpError::Transport(error)
    }
}

#[cfg(feature = "reqwest")]
impl From<AttemptTimedOut> for HttpError {
    fn from(timeout: AttemptTimedOut) -> Self {
        HttpError::TimedOut(timeout)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn delay_seconds_and_dates() {
        let now = at(1_445_412_470);
        let cases: &[(&str, Option<u64>)] = &[
            ("0", Some(0)),
            ("2", Some(2)),
            ("\t120 ", Some(120)),
            ("86400", Some(86_400)),
            ("18446744073709551615", Some(u64::MAX)),
            ("18446744073709551616", Some(u64::MAX)),
            ("Wed, 21 Oct 2015 07:28:00 GMT", Some(10)),
            ("Wednesday, 21-Oct-15 07:28:00 GMT", Some(10)),
            ("Wed Oct 21 07:28:00 2015", Some(10)),
            ("Wed, 21 Oct 2015 07:27:50 GMT", Some(0)),
            ("Thu, 01 Jan 1970 00:00:00 GMT", Some(0)),
            ("", None),
            ("   ", None),
            ("-1", None),
            ("+5", None),
            ("1.5", None),
            ("1e3", None),
            ("5s", None),
            ("soon", None),
            ("Wed, 21 Oct 2015 25:28:00 GMT", None),
            ("21 Oct 2015", None),
        ];
        for (value, expected) in cases {
            assert_eq!(
                parse_retry_after(value, now),
                expected.map(Duration::from_secs),
                "{value:?}"
            );
        }
    }

    #[test]
    fn header_precedence_and_reset_forms() {
        let now = at(1_700_000_000);
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut map = HeaderMap::new();
            for (name, value) in pairs {
                map.append(*name, value.parse().unwrap());
            }
            map
        };
        let hint = |pairs| retry_after_hint_at(&headers(pairs), now);
        assert_eq!(
            hint(&[("retry-after-ms", "250.5")]),
            Some(Duration::from_micros(250_500))
        );
        assert_eq!(
            hint(&[("retry-after-ms", "20"), ("retry-after", "9")]),
            Some(Duration::from_millis(20))
        );
        assert_eq!(
            hint(&[("retry-after-ms", "-20"), ("retry-after", "9")]),
            Some(Duration::from_secs(9))
        );
        assert_eq!(
            hint(&[("ratelimit-reset", "12")]),
            Some(Duration::from_secs(12))
        );
        assert_eq!(
            hint(&[("x-ratelimit-reset", "30")]),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            hint(&[("x-ratelimit-reset", "1700000002.5")]),
            Some(Duration::from_millis(2500))
        );
        assert_eq!(
            hint(&[("x-ratelimit-reset", "1699999999")]),
            Some(Duration::ZERO)
        );
        assert_eq!(hint(&[("x-ratelimit-reset", "never")]), None);
        assert_eq!(
            hint(&[("retry-after", "nope"), ("ratelimit-reset", "x")]),
            None
        );
        let mut binary = HeaderMap::new();
        binary.insert(
            "retry-after",
            http::HeaderValue::from_bytes(b"\xff\xfe").unwrap(),
        );
        assert_eq!(retry_after_hint_at(&binary, now), None);
    }

    #[test]
    fn statuses() {
        let transient: Vec<u16> = (100..600)
            .filter(|code| StatusCode::from_u16(*code).unwrap().is_transient())
            .collect();
        assert_eq!(transient, [408, 429, 500, 502, 503, 504]);
    }
}
