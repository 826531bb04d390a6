//! Retry policies from configuration files (feature `serde`).
//!
//! Operators tune retries per dependency without a rebuild: how many attempts, how long each may
//! take, how to back off. A [`PolicyConfig`] is one such description and deserializes from any
//! serde format (TOML, JSON, YAML, ...) with durations written the way the `#[retry]` attribute
//! takes them (`"500ms"`, `"30s"`, `"2m"`, or a bare number of seconds). A [`PolicyTable`] maps
//! names (model names, host names, ...) to descriptions, with a `default` entry for the rest.
//!
//! ```
//! use retry_core::config::PolicyTable;
//! use std::time::Duration;
//!
//! let table: PolicyTable = serde_json::from_str(r#"{
//!     "gpt-4.1":       {"attempts": 3, "timeout": "60s"},
//!     "deepseek-v3.2": {"attempts": 6, "timeout": "25s", "backoff": "exponential", "max_delay": "10s"},
//!     "default":       {"attempts": 2}
//! }"#).unwrap();
//!
//! assert_eq!(table.get("deepseek-v3.2").attempts(), 6);
//! assert_eq!(table.get("gpt-4.1").timeout(), Some(Duration::from_secs(60)));
//! assert_eq!(table.get("some-other-model").attempts(), 2);
//!
//! let policy = table.for_model("gpt-4.1");
//! assert_eq!(policy.stop_strategy().max_attempts(), 3);
//! ```
//!
//! Mistakes are reported with the entry and the field they concern, all of an entry's mistakes at
//! once:
//!
//! ```
//! use retry_core::config::PolicyTable;
//!
//! let err = serde_json::from_str::<PolicyTable>(r#"{"gpt-4.1": {"attempts": 0, "timeout": "5 parsecs"}}"#)
//!     .unwrap_err();
//! assert_eq!(
//!     err.to_string(),
//!     "model `gpt-4.1`: `attempts` must be at least 1; `timeout`: invalid duration `5 parsecs`: \
//!      unknown unit `parsecs` (expected ns, us, ms, s, m or h) at line 1 column 52",
//! );
//! ```
//!
//! # The policy a description builds
//!
//! [`PolicyConfig::policy`] (and [`PolicyTable::for_model`]) build a [`ConfiguredPolicy`], an
//! ordinary [`Retrying`] that implements [`Policy`](crate::Policy), so it works with
//! `call_async`, with the [`Engine`](crate::Engine) and as `#[retry(policy = ...)]`:
//!
//! - stop after `attempts` attempts, or before a sleep that would cross `deadline`;
//! - retry errors that are [`Transient`](crate::Transient);
//! - wait as the server asks ([`RetryAfter`](crate::RetryAfter)), at most `retry_after_cap`,
//!   and otherwise as `backoff` says, from `initial_delay` up to `max_delay`;
//! - cancel attempts that run longer than `timeout` (async calls).
//!
//! The error type `E` must implement [`Transient`](crate::Transient),
//! [`RetryAfter`](crate::RetryAfter) and `From<`[`AttemptTimedOut`](crate::AttemptTimedOut)`>`
//! (the timeout's conversion is part of the policy's type even when `timeout` is not set), as
//! `http::HttpError` (feature `reqwest`) does.
//!
//! Building one is a few copies: no allocation, no lock, so a policy can be built per call.
//! Every builder method of [`Retrying`] still applies (`.retry(..)`, `.before_sleep(..)`,
//! `.sleeper(..)`, `.budget(..)`); for error types without server hints, replace the wait with
//! [`PolicyConfig::backoff`].
//!
//! # Fields
//!
//! | field | meaning | default |
//! |---|---|---|
//! | `attempts` | attempts in all, the first included (at least 1) | `3` |
//! | `timeout` | per-attempt limit (async calls) | none |
//! | `deadline` | no sleep may end later than this after the first attempt started | none |
//! | `backoff` | `none`, `fixed`, `exponential`, `full_jitter`, `equal_jitter`, `decorrelated_jitter` | `full_jitter` |
//! | `initial_delay` | the first wait (the multiplier of the exponential forms; the wait of `fixed`) | `100ms` |
//! | `max_delay` | the longest backoff wait | `20s` |
//! | `retry_after_cap` | the longest server-provided delay honoured | `60s` |
//!
//! The defaults are those of a bare `#[retry]`, plus the default `Retry-After` cap.

use std::collections::HashMap;
use std::fmt;
use std::time::Duration;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};

use crate::condition::{IfError, IsTransient};
use crate::hooks::Hooks;
use crate::policy::{Retrying, Timeout};
use crate::retry_after::{DEFAULT_RETRY_AFTER_CAP, RetryAfterWait};
use crate::sleep::DefaultSleeper;
use crate::state::{RetryState, RetryStats, StopReason};
use crate::stop::{Attempts, BeforeDelay, Stop};
use crate::wait::{self, JitterRng, Wait};

/// The policy a [`PolicyConfig`] describes: see the [module documentation](self).
///
/// ```
/// use retry_core::config::{ConfiguredPolicy, PolicyConfig};
/// use retry_core::stop::Stop;
///
/// let json = r#"{"attempts": 4, "deadline": "1m"}"#;
/// let config: PolicyConfig = serde_json::from_str(json).unwrap();
/// let policy: ConfiguredPolicy = config.policy();
/// assert_eq!(policy.stop_strategy().max_attempts(), 4);
/// assert!(policy.stop_strategy().needs_clock()); // for the deadline
/// ```
pub type ConfiguredPolicy = Retrying<
    ConfiguredStop,
    RetryAfterWait<ConfiguredWait>,
    IfError<IsTransient>,
    Hooks,
    DefaultSleeper,
    Timeout,
>;

/// How a configured policy backs off between attempts.
///
/// ```
/// use retry_core::config::{Backoff, PolicyConfig};
///
/// let config: PolicyConfig = toml::from_str(r#"backoff = "decorrelated_jitter""#).unwrap();
/// assert_eq!(config.backoff_kind(), Backoff::DecorrelatedJitter);
/// assert_eq!(Backoff::default(), Backoff::FullJitter);
/// assert_eq!(Backoff::EqualJitter.to_string(), "equal_jitter");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Backoff {
    /// No wait ([`wait::none`]).
    None,
    /// `initial_delay` every time ([`wait::fixed`]).
    Fixed,
    /// `initial_delay * 2^(n-1)`, capped at `max_delay` ([`wait::exponential`]).
    Exponential,
    /// Uniform in `[0, initial_delay * 2^(n-1)]`, capped ([`wait::random_exponential`]).
    #[default]
    FullJitter,
    /// Half the exponential wait plus a random half ([`wait::equal_jitter`]).
    EqualJitter,
    /// `U(initial_delay, 3 * previous)`, capped ([`wait::decorrelated_jitter`]).
    DecorrelatedJitter,
}

impl Backoff {
    const NAMES: [(&'static str, Backoff); 6] = [
        ("none", Backoff::None),
        ("fixed", Backoff::Fixed),
        ("exponential", Backoff::Exponential),
        ("full_jitter", Backoff::FullJitter),
        ("equal_jitter", Backoff::EqualJitter),
        ("decorrelated_jitter", Backoff::DecorrelatedJitter),
    ];

    /// The name used in configuration files.
    ///
    /// ```
    /// assert_eq!(retry_core::config::Backoff::FullJitter.name(), "full_jitter");
    /// ```
    pub fn name(self) -> &'static str {
        Self::NAMES
            .iter()
            .find(|(_, b)| *b == self)
            .map_or("full_jitter", |(name, _)| name)
    }
}

impl fmt::Display for Backoff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The stop strategy of a configured policy: attempts, and optionally a deadline
/// ([`stop::before_delay`](crate::stop::before_delay)).
///
/// ```
/// use retry_core::config::PolicyConfig;
/// use retry_core::stop::Stop;
/// let stop = PolicyConfig::default().stop();
/// assert!(!stop.needs_clock());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConfiguredStop {
    attempts: Attempts,
    deadline: Option<BeforeDelay>,
}

impl ConfiguredStop {
    /// The attempt limit.
    ///
    /// ```
    /// assert_eq!(retry_core::config::PolicyConfig::default().stop().max_attempts(), 3);
    /// ```
    #[inline]
    pub const fn max_attempts(&self) -> u32 {
        self.attempts.max_attempts()
    }
}

impl Stop for ConfiguredStop {
    #[inline]
    fn stop_reason(&self, stats: &RetryStats) -> Option<StopReason> {
        self.attempts
            .stop_reason(stats)
            .or_else(|| self.deadline.and_then(|d| d.stop_reason(stats)))
    }

    #[inline]
    fn needs_clock(&self) -> bool {
        self.deadline.is_some()
    }
}

/// The backoff of a configured policy (without server hints): see [`Backoff`].
///
/// ```
/// use retry_core::config::PolicyConfig;
/// use retry_core::wait::delays;
/// use std::time::Duration;
///
/// let config: PolicyConfig = serde_json::from_str(
///     r#"{"backoff": "exponential", "initial_delay": "250ms", "max_delay": "1s"}"#,
/// ).unwrap();
/// assert_eq!(
///     delays(&config.backoff(), 4, 0),
///     [250, 500, 1000, 1000].map(Duration::from_millis),
/// );
/// // Configured backoffs never read the clock; only a `deadline` does.
/// assert!(!retry_core::wait::Wait::<(), ()>::needs_clock(&config.backoff()));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConfiguredWait {
    backoff: Backoff,
    initial: Duration,
    max: Duration,
}

impl<T, E> Wait<T, E> for ConfiguredWait {
    /// The previous sleep, for [`Backoff::DecorrelatedJitter`].
    type State = Option<Duration>;

    fn next_wait(
        &self,
        previous: &mut Option<Duration>,
        retry: &RetryState<T, E>,
        rng: &mut JitterRng,
    ) -> Duration {
        let (initial, max) = (self.initial, self.max);
        match self.backoff {
            Backoff::None => Duration::ZERO,
            Backoff::Fixed => initial,
            Backoff::Exponential => wait::exponential(initial, 0, max).at(retry.attempt()),
            Backoff::FullJitter => {
                wait::random_exponential(initial, 0, max).next_wait(&mut (), retry, rng)
            }
            Backoff::EqualJitter => wait::equal_jitter(initial, max).next_wait(&mut (), retry, rng),
            Backoff::DecorrelatedJitter => {
                wait::decorrelated_jitter(initial, max).next_wait(previous, retry, rng)
            }
        }
    }

    #[inline]
    fn needs_clock(&self) -> bool {
        false
    }
}

/// A retry policy as configuration describes it; see the [module documentation](self) for the
/// fields and the policy it builds.
///
/// ```
/// use retry_core::config::{Backoff, PolicyConfig};
/// use std::time::Duration;
///
/// let config: PolicyConfig = toml::from_str(r#"
///     attempts = 6
///     timeout = "25s"
///     backoff = "equal_jitter"
///     max_delay = 8
/// "#).unwrap();
/// assert_eq!(config.attempts(), 6);
/// assert_eq!(config.timeout(), Some(Duration::from_secs(25)));
/// assert_eq!(config.backoff_kind(), Backoff::EqualJitter);
/// assert_eq!(config.max_delay(), Duration::from_secs(8));
/// assert_eq!(config.initial_delay(), Duration::from_millis(100));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PolicyConfig {
    attempts: u32,
    timeout: Option<Duration>,
    deadline: Option<Duration>,
    backoff: Backoff,
    initial_delay: Duration,
    max_delay: Duration,
    retry_after_cap: Duration,
}

impl Default for PolicyConfig {
    fn default() -> Self {
        PolicyConfig::DEFAULT
    }
}

impl PolicyConfig {
    /// The defaults listed in the [module documentation](self).
    ///
    /// ```
    /// use retry_core::config::PolicyConfig;
    ///
    /// let empty: PolicyConfig = serde_json::from_str("{}").unwrap();
    /// assert_eq!(empty, PolicyConfig::DEFAULT);
    /// assert_eq!(PolicyConfig::DEFAULT.attempts(), 3);
    /// ```
    pub const DEFAULT: PolicyConfig = PolicyConfig {
        attempts: 3,
        timeout: None,
        deadline: None,
        backoff: Backoff::FullJitter,
        initial_delay: Duration::from_millis(100),
        max_delay: Duration::from_secs(20),
        retry_after_cap: DEFAULT_RETRY_AFTER_CAP,
    };

    /// The policy this description builds (see the [module documentation](self)).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// use retry_core::config::PolicyConfig;
    /// use std::io::{Error, ErrorKind};
    ///
    /// let config: PolicyConfig = serde_json::from_str(r#"{"attempts": 2, "backoff": "none"}"#).unwrap();
    /// let mut calls = 0;
    /// let result: Result<(), Error> = config
    ///     .policy()
    ///     .wait(config.backoff()) // io::Error carries no Retry-After hint
    ///     .call_async(|| {
    ///         calls += 1;
    ///         async { Err(Error::from(ErrorKind::ConnectionReset)) }
    ///     })
    ///     .await;
    /// assert!(result.is_err());
    /// assert_eq!(calls, 2);
    /// # }
    /// ```
    #[inline]
    pub fn policy(&self) -> ConfiguredPolicy {
        Retrying::new()
            .stop(self.stop())
            .wait(self.wait())
            .retry(crate::condition::transient())
            .timeout_opt(self.timeout)
    }

    /// The stop strategy: `attempts`, and `deadline` if set.
    ///
    /// ```
    /// let config: retry_core::config::PolicyConfig = serde_json::from_str(r#"{"attempts": 5}"#).unwrap();
    /// assert_eq!(config.stop().max_attempts(), 5);
    /// ```
    #[inline]
    pub fn stop(&self) -> ConfiguredStop {
        ConfiguredStop {
            attempts: crate::stop::attempts(self.attempts),
            deadline: self.deadline.map(crate::stop::before_delay),
        }
    }

    /// The wait strategy: the server's hint capped at `retry_after_cap`, else the backoff.
    ///
    /// ```
    /// let _ = retry_core::config::PolicyConfig::default().wait();
    /// ```
    #[inline]
    pub fn wait(&self) -> RetryAfterWait<ConfiguredWait> {
        wait::retry_after(self.backoff()).cap(self.retry_after_cap)
    }

    /// The backoff alone, ignoring server hints (for error types without [`RetryAfter`]).
    ///
    /// [`RetryAfter`]: crate::RetryAfter
    ///
    /// ```
    /// use retry_core::wait::delays;
    /// let config: retry_core::config::PolicyConfig = serde_json::from_str(r#"{"backoff": "fixed", "initial_delay": "2s"}"#).unwrap();
    /// assert_eq!(delays(&config.backoff(), 2, 0), [std::time::Duration::from_secs(2); 2]);
    /// ```
    #[inline]
    pub fn backoff(&self) -> ConfiguredWait {
        ConfiguredWait {
            backoff: self.backoff,
            initial: self.initial_delay,
            max: self.max_delay,
        }
    }

    /// `attempts`.
    ///
    /// ```
    /// assert_eq!(retry_core::config::PolicyConfig::default().attempts(), 3);
    /// ```
    #[inline]
    pub const fn attempts(&self) -> u32 {
        self.attempts
    }

    /// `timeout`.
    ///
    /// ```
    /// assert_eq!(retry_core::config::PolicyConfig::default().timeout(), None);
    /// ```
    #[inline]
    pub const fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// `deadline`.
    ///
    /// ```
    /// assert_eq!(retry_core::config::PolicyConfig::default().deadline(), None);
    /// ```
    #[inline]
    pub const fn deadline(&self) -> Option<Duration> {
        self.deadline
    }

    /// `backoff`.
    ///
    /// ```
    /// use retry_core::config::{Backoff, PolicyConfig};
    /// assert_eq!(PolicyConfig::default().backoff_kind(), Backoff::FullJitter);
    /// ```
    #[inline]
    pub const fn backoff_kind(&self) -> Backoff {
        self.backoff
    }

    /// `initial_delay`.
    ///
    /// ```
    /// assert_eq!(retry_core::config::PolicyConfig::default().initial_delay().as_millis(), 100);
    /// ```
    #[inline]
    pub const fn initial_delay(&self) -> Duration {
        self.initial_delay
    }

    /// `max_delay`.
    ///
    /// ```
    /// assert_eq!(retry_core::config::PolicyConfig::default().max_delay().as_secs(), 20);
    /// ```
    #[inline]
    pub const fn max_delay(&self) -> Duration {
        self.max_delay
    }

    /// `retry_after_cap`.
    ///
    /// ```
    /// assert_eq!(retry_core::config::PolicyConfig::default().retry_after_cap().as_secs(), 60);
    /// ```
    #[inline]
    pub const fn retry_after_cap(&self) -> Duration {
        self.retry_after_cap
    }
}

impl<'de> Deserialize<'de> for PolicyConfig {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        RawPolicyConfig::deserialize(deserializer)?
            .validate()
            .map_err(de::Error::custom)
    }
}

/// Named [`PolicyConfig`]s with a fallback: the entry called `default`, or
/// [`PolicyConfig::DEFAULT`] when there is none.
///
/// Lookups borrow the name and allocate nothing, so `table.for_model(&model)` can run on every
/// call (it is what `#[retry(policy = table.for_model(&model))]` does).
///
/// ```
/// use retry_core::config::PolicyTable;
///
/// let table: PolicyTable = toml::from_str(r#"
///     ["gpt-4.1"]
///     attempts = 3
///     timeout = "60s"
///
///     ["deepseek-v3.2"]
///     attempts = 6
///     timeout = "25s"
/// "#).unwrap();
/// assert_eq!(table.for_model("deepseek-v3.2").stop_strategy().max_attempts(), 6);
/// assert_eq!(table.for_model("unknown").stop_strategy().max_attempts(), 3);
/// assert_eq!(table.names().collect::<Vec<_>>(), ["deepseek-v3.2", "gpt-4.1"]);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PolicyTable {
    entries: HashMap<String, PolicyConfig>,
    default: PolicyConfig,
}

impl PolicyTable {
    /// The key of the fallback entry.
    ///
    /// ```
    /// use retry_core::config::PolicyTable;
    ///
    /// let table: PolicyTable = serde_json::from_str(r#"{"default": {"attempts": 7}}"#).unwrap();
    /// assert_eq!(PolicyTable::DEFAULT_KEY, "default");
    /// assert_eq!(table.get("unlisted").attempts(), 7);
    /// assert!(!table.contains(PolicyTable::DEFAULT_KEY)); // the fallback, not an entry
    /// ```
    pub const DEFAULT_KEY: &'static str = "default";

    /// An empty table whose fallback is `default`.
    ///
    /// ```
    /// use retry_core::config::{PolicyConfig, PolicyTable};
    /// let table = PolicyTable::new(PolicyConfig::default());
    /// assert_eq!(table.get("anything"), &PolicyConfig::default());
    /// ```
    pub fn new(default: PolicyConfig) -> Self {
        PolicyTable {
            entries: HashMap::new(),
            default,
        }
    }

    /// Adds or replaces the entry for `name`, returning the one it replaced.
    ///
    /// ```
    /// use retry_core::config::{PolicyConfig, PolicyTable};
    /// let mut table = PolicyTable::default();
    /// let strict: PolicyConfig = serde_json::from_str(r#"{"attempts": 1}"#).unwrap();
    /// assert_eq!(table.insert("batch", strict), None);
    /// assert_eq!(table.get("batch").attempts(), 1);
    /// ```
    pub fn insert(
        &mut self,
        name: impl Into<String>,
        config: PolicyConfig,
    ) -> Option<PolicyConfig> {
        self.entries.insert(name.into(), config)
    }

    /// The entry for `name`, or the fallback.
    ///
    /// ```
    /// let table = retry_core::config::PolicyTable::default();
    /// assert_eq!(table.get("x").attempts(), 3);
    /// ```
    #[inline]
    pub fn get(&self, name: &str) -> &PolicyConfig {
        self.entries.get(name).unwrap_or(&self.default)
    }

    /// `true` when `name` has its own entry.
    ///
    /// ```
    /// assert!(!retry_core::config::PolicyTable::default().contains("x"));
    /// ```
    #[inline]
    pub fn contains(&self, name: &str) -> bool {
        self.entries.contains_key(name)
    }

    /// The fallback entry.
    ///
    /// ```
    /// assert_eq!(retry_core::config::PolicyTable::default().fallback().attempts(), 3);
    /// ```
    #[inline]
    pub const fn fallback(&self) -> &PolicyConfig {
        &self.default
    }

    /// The names with their own entries, sorted.
    ///
    /// ```
    /// assert_eq!(retry_core::config::PolicyTable::default().names().count(), 0);
    /// ```
    pub fn names(&self) -> impl Iterator<Item = &str> {
        let mut names: Vec<&str> = self.entries.keys().map(String::as_str).collect();
        names.sort_unstable();
        names.into_iter()
    }

    /// The policy for `model` (the fallback's if it has no entry): see
    /// [`PolicyConfig::policy`]. Allocation-free.
    ///
    /// ```
    /// let table: retry_core::config::PolicyTable =
    ///     serde_json::from_str(r#"{"gpt-4.1": {"attempts": 3, "timeout": "60s"}}"#).unwrap();
    /// let policy = table.for_model("gpt-4.1");
    /// assert_eq!(policy.stop_strategy().max_attempts(), 3);
    /// ```
    #[inline]
    pub fn for_model(&self, model: &str) -> ConfiguredPolicy {
        self.get(model).policy()
    }
}

impl<'de> Deserialize<'de> for PolicyTable {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TableVisitor;

        impl<'de> Visitor<'de> for TableVisitor {
            type Value = PolicyTable;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map from names to retry policies")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PolicyTable, A::Error> {
                let mut table = PolicyTable::default();
                let mut seen_default = false;
                while let Some(name) = map.next_key::<String>()? {
                    let raw: RawPolicyConfig = map.next_value()?;
                    let config = raw
                        .validate()
                        .map_err(|e| de::Error::custom(format_args!("model `{name}`: {e}")))?;
                    let duplicate = if name == PolicyTable::DEFAULT_KEY {
                        std::mem::replace(&mut seen_default, true)
                    } else {
                        table.contains(&name)
                    };
                    if duplicate {
                        return Err(de::Error::custom(format_args!(
                            "model `{name}` is configured twice"
                        )));
                    }
                    if name == PolicyTable::DEFAULT_KEY {
                        table.default = config;
                    } else {
                        table.entries.insert(name, config);
                    }
                }
                Ok(table)
            }
        }

        deserializer.deserialize_map(TableVisitor)
    }
}

/// A configuration value before validation: any scalar, so a value of the wrong kind is
/// reported with the name of its field.
#[derive(Clone, Debug, PartialEq)]
enum Scalar {
    Unsigned(u64),
    Negative(i64),
    Float(f64),
    Text(String),
    Bool(bool),
}

impl fmt::Display for Scalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scalar::Unsigned(n) => write!(f, "{n}"),
            Scalar::Negative(n) => write!(f, "{n}"),
            Scalar::Float(x) => write!(f, "{x}"),
            Scalar::Text(s) => write!(f, "{s:?}"),
            Scalar::Bool(b) => write!(f, "{b}"),
        }
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ScalarVisitor;

        impl Visitor<'_> for ScalarVisitor {
            type Value = Scalar;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number, a string or a boolean")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Scalar, E> {
                Ok(u64::try_from(v).map_or(Scalar::Negative(v), Scalar::Unsigned))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar::Unsigned(v))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar::Float(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar::Text(v.to_owned()))
            }
        }

        deserializer.deserialize_any(ScalarVisitor)
    }
}

#[derive(Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicyConfig {
    attempts: Option<Scalar>,
    timeout: Option<Scalar>,
    deadline: Option<Scalar>,
    backoff: Option<Scalar>,
    initial_delay: Option<Scalar>,
    max_delay: Option<Scalar>,
    retry_after_cap: Option<Scalar>,
}

/// Every problem found in one description, joined with `; `.
#[derive(Debug, Default)]
struct Problems(Vec<String>);

impl Problems {
    fn check<T>(&mut self, result: Result<T, String>) -> Option<T> {
        result.map_err(|problem| self.0.push(problem)).ok()
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join("; "))
    }
}

impl RawPolicyConfig {
    fn validate(self) -> Result<PolicyConfig, Problems> {
        let mut problems = Problems::default();
        let d = PolicyConfig::DEFAULT;
        let attempts = self.attempts.map(attempts_value);
        let attempts = attempts.map_or(Some(d.attempts), |r| problems.check(r));
        let positive = |field, value: Option<Scalar>| {
            value
                .map(|v| {
                    duration_value(field, &v).and_then(|d| {
                        if d.is_zero() {
                            Err(format!("`{field}` must be greater than zero"))
                        } else {
                            Ok(d)
                        }
                    })
                })
                .transpose()
        };
        let timeout = problems.check(positive("timeout", self.timeout));
        let deadline = problems.check(positive("deadline", self.deadline));
        let backoff = match self.backoff {
            None => Some(d.backoff),
            Some(v) => problems.check(backoff_value(&v)),
        };
        let mut duration = |field, value: Option<Scalar>, default| match value {
            None => Some(default),
            Some(v) => problems.check(duration_value(field, &v)),
        };
        let initial_delay = duration("initial_delay", self.initial_delay, d.initial_delay);
        let max_delay = duration("max_delay", self.max_delay, d.max_delay);
        let retry_after_cap = duration("retry_after_cap", self.retry_after_cap, d.retry_after_cap);
        if let (Some(initial), Some(max)) = (initial_delay, max_delay)
            && initial > max
        {
            problems.0.push(format!(
                "`initial_delay` ({initial:?}) must not exceed `max_delay` ({max:?})"
            ));
        }
        match (
            attempts,
            timeout,
            deadline,
            backoff,
            initial_delay,
            max_delay,
            retry_after_cap,
        ) {
            (
                Some(attempts),
                Some(timeout),
                Some(deadline),
                Some(backoff),
                Some(initial_delay),
                Some(max_delay),
                Some(retry_after_cap),
            ) if problems.0.is_empty() => Ok(PolicyConfig {
                attempts,
                timeout,
                deadline,
                backoff,
                initial_delay,
                max_delay,
                retry_after_cap,
            }),
            _ => Err(problems),
        }
    }
}

fn attempts_value(value: Scalar) -> Result<u32, String> {
    match value {
        Scalar::Unsigned(0) | Scalar::Negative(_) => {
            Err("`attempts` must be at least 1".to_string())
        }
        Scalar::Unsigned(n) => u32::try_from(n)
            .map_err(|_| format!("`attempts` must be at most {}, not {n}", u32::MAX)),
        other => Err(format!("`attempts` must be a whole number, not {other}")),
    }
}

fn backoff_value(value: &Scalar) -> Result<Backoff, String> {
    let expected = || {
        let names: Vec<String> = Backoff::NAMES
            .iter()
            .map(|(n, _)| format!("`{n}`"))
            .collect();
        names.join(", ")
    };
    match value {
        Scalar::Text(name) => Backoff::NAMES
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| *b)
            .ok_or_else(|| format!("unknown `backoff` `{name}`, expected one of {}", expected())),
        other => Err(format!(
            "`backoff` must be one of {}, not {other}",
            expected()
        )),
    }
}

fn duration_value(field: &str, value: &Scalar) -> Result<Duration, String> {
    match value {
        Scalar::Unsigned(secs) => Ok(Duration::from_secs(*secs)),
        Scalar::Negative(_) => Err(format!("`{field}` must not be negative")),
        Scalar::Float(secs) if secs.is_finite() && *secs >= 0.0 => {
            Duration::try_from_secs_f64(*secs)
                .map_err(|_| format!("`{field}` is too large: {secs} seconds"))
        }
        Scalar::Float(secs) if *secs < 0.0 => Err(format!("`{field}` must not be negative")),
        Scalar::Text(text) => parse_duration(text).map_err(|e| format!("`{field}`: {e}")),
        other => Err(format!(
            "`{field}` must be a duration such as \"500ms\" or a number of seconds, not {other}"
        )),
    }
}

/// Why a duration could not be read. See [`parse_duration`].
///
/// ```
/// use retry_core::config::{parse_duration, ParseDurationError};
///
/// let err: ParseDurationError = parse_duration("-1s").unwrap_err();
/// assert_eq!(err.to_string(), "invalid duration `-1s`: durations cannot be negative");
/// assert_eq!(parse_duration("").unwrap_err().to_string(), "invalid duration ``: empty");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseDurationError {
    input: String,
    problem: DurationProblem,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum DurationProblem {
    Empty,
    Negative,
    NoNumber,
    UnknownUnit(String),
    TooLarge,
}

impl fmt::Display for ParseDurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid duration `{}`: ", self.input)?;
        match &self.problem {
            DurationProblem::Empty => f.write_str("empty"),
            DurationProblem::Negative => f.write_str("durations cannot be negative"),
            DurationProblem::NoNumber => {
                f.write_str("expected a number and a unit, such as `500ms` or `30s`")
            }
            DurationProblem::UnknownUnit(unit) => {
                write!(f, "unknown unit `{unit}` (expected ns, us, ms, s, m or h)")
            }
            DurationProblem::TooLarge => f.write_str("too large"),
        }
    }
}

impl std::error::Error for ParseDurationError {}

/// Reads a duration written as the `#[retry]` attribute takes it: a decimal number and an
/// optional unit, `ns`, `us` (or `µs`), `ms`, `s`, `m` or `h`; a bare number is seconds. The
/// conversion is exact to the nanosecond (no floating point), and whitespace around the number
/// and the unit is allowed.
///
/// ```
/// use retry_core::config::parse_duration;
/// use std::time::Duration;
///
/// assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
/// assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
/// assert_eq!(parse_duration("1.5"), Ok(Duration::from_millis(1500)));
/// assert_eq!(parse_duration("0.1s"), Ok(Duration::from_millis(100)));
/// assert_eq!(parse_duration("2 m"), Ok(Duration::from_secs(120)));
/// assert_eq!(
///     parse_duration("5 parsecs").unwrap_err().to_string(),
///     "invalid duration `5 parsecs`: unknown unit `parsecs` (expected ns, us, ms, s, m or h)",
/// );
/// assert!(parse_duration("-1s").is_err());
/// ```
pub fn parse_duration(text: &str) -> Result<Duration, ParseDurationError> {
    let error = |problem| ParseDurationError {
        input: text.to_string(),
        problem,
    };
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(error(DurationProblem::Empty));
    }
    if trimmed.starts_with('-') {
        return Err(error(DurationProblem::Negative));
    }
    let number_end = trimmed
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(number_end);
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if (whole.is_empty() && fraction.is_empty()) || fraction.contains('.') {
        return Err(error(DurationProblem::NoNumber));
    }
    let unit_nanos: u128 = match unit.trim() {
        "ns" => 1,
        "us" | "µs" => 1_000,
        "ms" => 1_000_000,
        "" | "s" => 1_000_000_000,
        "m" => 60 * 1_000_000_000,
        "h" => 3_600 * 1_000_000_000,
        other => return Err(error(DurationProblem::UnknownUnit(other.to_string()))),
    };
    let too_large = || error(DurationProblem::TooLarge);
    let whole: u128 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| too_large())?
    };
    // Digits beyond the nanosecond are dropped.
    let mut fraction_nanos: u128 = 0;
    let mut scale = unit_nanos;
    for digit in fraction.bytes() {
        scale /= 10;
        if scale == 0 {
            break;
        }
        fraction_nanos += u128::from(digit - b'0') * scale;
    }
    let nanos = whole
        .checked_mul(unit_nanos)
        .and_then(|n| n.checked_add(fraction_nanos))
        .ok_or_else(too_large)?;
    let secs = u64::try_from(nanos / 1_000_000_000).map_err(|_| too_large())?;
    // The remainder is below 10^9 and fits.
    let subsec = u32::try_from(nanos % 1_000_000_000).map_err(|_| too_large())?;
    Ok(Duration::new(secs, subsec))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(text: &str) -> Result<PolicyTable, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    fn toml_table(text: &str) -> Result<PolicyTable, String> {
        toml::from_str(text).map_err(|e| e.message().to_string())
    }

    #[test]
    fn durations() {
        let ok: &[(&str, Duration)] = &[
            ("0", Duration::ZERO),
            ("7", Duration::from_secs(7)),
            ("500ms", Duration::from_millis(500)),
            (" 30s ", Duration::from_secs(30)),
            ("1.25s", Duration::from_millis(1250)),
            (".5s", Duration::from_millis(500)),
            ("3.", Duration::from_secs(3)),
            ("10us", Duration::from_micros(10)),
            ("10µs", Duration::from_micros(10)),
            ("15ns", Duration::from_nanos(15)),
            ("1.5ns", Duration::from_nanos(1)),
            ("2m", Duration::from_secs(120)),
            ("1.5h", Duration::from_secs(5400)),
            ("0.000000001", Duration::from_nanos(1)),
            ("18446744073709551615", Duration::from_secs(u64::MAX)),
        ];
        for (text, expected) in ok {
            assert_eq!(parse_duration(text).as_ref(), Ok(expected), "{text:?}");
        }
        let bad: &[(&str, &str)] = &[
            ("", "invalid duration ``: empty"),
            (
                "-1s",
                "invalid duration `-1s`: durations cannot be negative",
            ),
            (
                "s",
                "invalid duration `s`: expected a number and a unit, such as `500ms` or `30s`",
            ),
            (
                "1.2.3s",
                "invalid duration `1.2.3s`: expected a number and a unit, such as `500ms` or `30s`",
            ),
            (
                "5 sec",
                "invalid duration `5 sec`: unknown unit `sec` (expected ns, us, ms, s, m or h)",
            ),
            (
                "1e3",
                "invalid duration `1e3`: unknown unit `e3` (expected ns, us, ms, s, m or h)",
            ),
            (
                "18446744073709551616",
                "invalid duration `18446744073709551616`: too large",
            ),
            (
                "99999999999999999999999999999999999999999h",
                "invalid duration `99999999999999999999999999999999999999999h`: too large",
            ),
        ];
        for (text, message) in bad {
            assert_eq!(parse_duration(text).unwrap_err().to_string(), *message);
        }
    }

    #[test]
    fn the_table_of_the_issue() {
        let table = json(
            r#"{"gpt-4.1": {"attempts": 3, "timeout": "60s"},
                "deepseek-v3.2": {"attempts": 6, "timeout": "25s"}}"#,
        )
        .unwrap();
        let gpt = table.get("gpt-4.1");
        assert_eq!(
            (gpt.attempts(), gpt.timeout()),
            (3, Some(Duration::from_secs(60)))
        );
        let deepseek = table.get("deepseek-v3.2");
        assert_eq!(
            (deepseek.attempts(), deepseek.timeout()),
            (6, Some(Duration::from_secs(25)))
        );
        assert_eq!(table.get("other"), &PolicyConfig::DEFAULT);
        let same = toml_table(
            "[\"gpt-4.1\"]\nattempts = 3\ntimeout = \"60s\"\n\
             [\"deepseek-v3.2\"]\nattempts = 6\ntimeout = 25\n",
        )
        .unwrap();
        assert_eq!(same, table);
    }

    #[test]
    fn every_field() {
        let config: PolicyConfig = toml::from_str(
            r#"
            attempts = 4
            timeout = "1.5s"
            deadline = "2m"
            backoff = "decorrelated_jitter"
            initial_delay = 0.25
            max_delay = "4s"
            retry_after_cap = "10s"
            "#,
        )
        .unwrap();
        assert_eq!(
            config,
            PolicyConfig {
                attempts: 4,
                timeout: Some(Duration::from_millis(1500)),
                deadline: Some(Duration::from_secs(120)),
                backoff: Backoff::DecorrelatedJitter,
                initial_delay: Duration::from_millis(250),
                max_delay: Duration::from_secs(4),
                retry_after_cap: Duration::from_secs(10),
            }
        );
        let policy = config.policy();
        assert_eq!(policy.stop_strategy().max_attempts(), 4);
        assert!(policy.stop_strategy().needs_clock());
        assert_eq!(policy.policy_name(), crate::policy::DEFAULT_NAME);
    }

    #[test]
    fn errors_name_the_model_and_the_field() {
        let cases: &[(&str, &str)] = &[
            (
                r#"{"m": {"attempts": 0}}"#,
                "model `m`: `attempts` must be at least 1 at line 1 column 22",
            ),
            (
                r#"{"m": {"attempts": -2}}"#,
                "model `m`: `attempts` must be at least 1 at line 1 column 23",
            ),
            (
                r#"{"m": {"attempts": "three"}}"#,
                "model `m`: `attempts` must be a whole number, not \"three\" at line 1 column 28",
            ),
            (
                r#"{"m": {"attempts": 5000000000}}"#,
                "model `m`: `attempts` must be at most 4294967295, not 5000000000 at line 1 column 31",
            ),
            (
                r#"{"m": {"timeout": "0s"}}"#,
                "model `m`: `timeout` must be greater than zero at line 1 column 24",
            ),
            (
                r#"{"m": {"timeout": true}}"#,
                "model `m`: `timeout` must be a duration such as \"500ms\" or a number of seconds, \
                 not true at line 1 column 24",
            ),
            (
                r#"{"m": {"deadline": -1.5}}"#,
                "model `m`: `deadline` must not be negative at line 1 column 25",
            ),
            (
                r#"{"m": {"backoff": "linear"}}"#,
                "model `m`: unknown `backoff` `linear`, expected one of `none`, `fixed`, \
                 `exponential`, `full_jitter`, `equal_jitter`, `decorrelated_jitter` at line 1 column 28",
            ),
            (
                r#"{"m": {"initial_delay": "2s", "max_delay": "1s"}}"#,
                "model `m`: `initial_delay` (2s) must not exceed `max_delay` (1s) at line 1 column 49",
            ),
            (
                r#"{"m": {"attempts": 0, "max_delay": "1 fortnight"}}"#,
                "model `m`: `attempts` must be at least 1; `max_delay`: invalid duration \
                 `1 fortnight`: unknown unit `fortnight` (expected ns, us, ms, s, m or h) \
                 at line 1 column 50",
            ),
            (
                r#"{"m": {"attemps": 3}}"#,
                "unknown field `attemps`, expected one of `attempts`, `timeout`, `deadline`, \
                 `backoff`, `initial_delay`, `max_delay`, `retry_after_cap` at line 1 column 16",
            ),
            (
                r#"{"m": {}, "m": {}}"#,
                "model `m` is configured twice at line 1 column 18",
            ),
            (
                r#"{"default": {}, "default": {}}"#,
                "model `default` is configured twice at line 1 column 30",
            ),
            (
                r#"{"m": {"attempts": [1]}}"#,
                "invalid type: sequence, expected a number, a string or a boolean at line 1 column 20",
            ),
            (
                r#"[1]"#,
                "invalid type: sequence, expected a map from names to retry policies at line 1 column 0",
            ),
        ];
        for (input, message) in cases {
            assert_eq!(json(input).unwrap_err(), *message, "{input}");
        }
        assert_eq!(
            toml_table("[m]\nretry_after_cap = \"-3s\"\n").unwrap_err(),
            "model `m`: `retry_after_cap`: invalid duration `-3s`: durations cannot be negative"
        );
        let single: Result<PolicyConfig, _> = serde_json::from_str(r#"{"attempts": 0}"#);
        assert_eq!(
            single.unwrap_err().to_string(),
            "`attempts` must be at least 1"
        );
    }

    #[test]
    fn the_default_entry_is_the_fallback() {
        let table = json(r#"{"default": {"attempts": 7}, "a": {"attempts": 2}}"#).unwrap();
        assert_eq!(table.get("a").attempts(), 2);
        assert_eq!(table.get("b").attempts(), 7);
        assert_eq!(table.fallback().attempts(), 7);
        assert!(!table.contains("default"));
        assert_eq!(table.names().collect::<Vec<_>>(), ["a"]);
    }

    #[test]
    fn configured_waits() {
        let wait = |text: &str| {
            let config: PolicyConfig = serde_json::from_str(text).unwrap();
            wait::delays(&config.backoff(), 5, 1)
        };
        let ms = |v: [u64; 5]| v.map(Duration::from_millis);
        assert_eq!(wait(r#"{"backoff": "none"}"#), [Duration::ZERO; 5]);
        assert_eq!(
            wait(r#"{"backoff": "fixed", "initial_delay": "300ms"}"#),
            ms([300; 5])
        );
        assert_eq!(
            wait(r#"{"backoff": "exponential", "initial_delay": 1, "max_delay": 5}"#),
            ms([1000, 2000, 4000, 5000, 5000])
        );
        for (n, d) in wait(r#"{"initial_delay": 1, "max_delay": 5}"#)
            .into_iter()
            .enumerate()
        {
            assert!(d <= Duration::from_secs(5.min(1 << n)), "{n}: {d:?}");
        }
        for (n, d) in wait(r#"{"backoff": "equal_jitter", "initial_delay": 1, "max_delay": 5}"#)
            .into_iter()
            .enumerate()
        {
            let v = Duration::from_secs(5.min(1 << n));
            assert!(d >= v / 2 && d <= v, "{n}: {d:?}");
        }
        let mut previous = Duration::from_secs(1);
        for d in wait(r#"{"backoff": "decorrelated_jitter", "initial_delay": 1, "max_delay": 5}"#) {
            assert!(d >= Duration::from_secs(1) && d <= (previous * 3).min(Duration::from_secs(5)));
            previous = d;
        }
    }

    #[derive(Debug)]
    struct Hinted(Option<Duration>, bool);
    impl crate::RetryAfter for Hinted {
        fn retry_after(&self) -> Option<Duration> {
            self.0
        }
    }
    impl crate::Transient for Hinted {
        fn is_transient(&self) -> bool {
            self.1
        }
    }
    impl fmt::Display for Hinted {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "hinted {:?}", self.0)
        }
    }
    impl From<crate::AttemptTimedOut> for Hinted {
        fn from(_: crate::AttemptTimedOut) -> Self {
            Hinted(None, true)
        }
    }

    #[test]
    fn configured_policies_honour_hints_caps_and_the_deadline() {
        use crate::testing::TestClock;
        let table = json(
            r#"{"m": {"attempts": 4, "backoff": "fixed", "initial_delay": "1s",
                      "retry_after_cap": "10s", "deadline": "30s"}}"#,
        )
        .unwrap();
        let clock = TestClock::new();
        let policy = table.for_model("m").sleeper(clock.clone());
        let mut hints = [Some(3), None, Some(3600)].into_iter();
        let result: Result<(), Hinted> = policy.call(|| {
            Err(Hinted(
                hints.next().flatten().map(Duration::from_secs),
                true,
            ))
        });
        assert!(result.is_err());
        assert_eq!(
            clock.sleeps(),
            [3, 1, 10].map(Duration::from_secs),
            "hint, fallback, capped hint"
        );

        // Not transient: one attempt.
        let clock = TestClock::new();
        let policy = table.for_model("m").sleeper(clock.clone());
        let mut calls = 0;
        let _: Result<(), Hinted> = policy.call(|| {
            calls += 1;
            Err(Hinted(None, false))
        });
        assert_eq!((calls, clock.sleeps().len()), (1, 0));

        // A hint that crosses the deadline ends the loop instead of sleeping.
        let clock = TestClock::new();
        let policy = table.for_model("m").sleeper(clock.clone());
        let mut calls = 0;
        let err = policy
            .call_detailed(|| {
                calls += 1;
                Err::<(), _>(Hinted(Some(Duration::from_secs(9)), true))
            })
            .unwrap_err();
        assert_eq!(calls, 4);
        assert_eq!(err.reason(), StopReason::Attempts);
        let policy = PolicyConfig {
            deadline: Some(Duration::from_secs(15)),
            ..*table.get("m")
        }
        .policy()
        .sleeper(TestClock::new());
        let err = policy
            .call_detailed(|| Err::<(), _>(Hinted(Some(Duration::from_secs(9)), true)))
            .unwrap_err();
        assert_eq!((err.attempts(), err.reason()), (2, StopReason::Deadline));
    }
}
