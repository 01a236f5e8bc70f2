//! When to try again and how long to wait: the HTTP knobs of CONTRACTS.md, the services'
//! `Retry-After` and rate-limit headers, and capped exponential backoff with jitter.
use crate::config::ConfigError;
use crate::env::Env;
use reqwest::header::HeaderMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Transport knobs. Tests and the sandbox shrink them to milliseconds through the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpSettings {
    /// Attempts after the first one (`BPDEPLOY_HTTP_RETRIES`).
    pub retries: u32,
    pub retry_base: Duration,
    /// No single wait is longer; a `Retry-After` beyond it is reported instead of slept through.
    pub retry_max: Duration,
    /// Per request, body included.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// An output stream silent this long counts as dropped.
    pub stream_idle: Duration,
    /// Status polling interval, also the pause between attempts to open a stream not started yet.
    pub poll: Duration,
    /// Tries to open an output stream that answers 404 or an empty body before giving up.
    pub stream_start_tries: u32,
    /// Most pages any list call follows; the rest is dropped with a warning in the log.
    pub page_cap: usize,
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            retries: 4,
            retry_base: Duration::from_millis(500),
            retry_max: Duration::from_millis(30_000),
            timeout: Duration::from_millis(30_000),
            connect_timeout: Duration::from_secs(10),
            stream_idle: Duration::from_millis(60_000),
            poll: Duration::from_millis(3_000),
            stream_start_tries: 5,
            page_cap: 50,
        }
    }
}

impl HttpSettings {
    /// Reads the `BPDEPLOY_HTTP_*`, `BPDEPLOY_STREAM_IDLE_MS` and `BPDEPLOY_POLL_MS` knobs.
    pub fn from_env(env: &Env) -> Result<HttpSettings, ConfigError> {
        let invalid = |var: &str, message: String| ConfigError::Invalid {
            origin: format!("environment variable {var}"),
            key: var.to_string(),
            message,
        };
        let number = |var: &str, default: u64| -> Result<u64, ConfigError> {
            match env.get(var) {
                None => Ok(default),
                Some(v) => {
                    v.trim().parse::<u64>().map_err(|_| invalid(var, format!("expected a whole number, got {v:?}")))
                }
            }
        };
        let d = HttpSettings::default();
        let ms = |var: &str, default: Duration| number(var, default.as_millis() as u64).map(Duration::from_millis);
        // A request allowed no time fails every call, a stream allowed no silence is dropped at
        // once: said, not quietly raised to 1 ms.
        let above_zero = |var: &str, default: Duration, why: &str| match ms(var, default)? {
            Duration::ZERO => Err(invalid(
                var,
                format!("must be above 0 milliseconds ({why}), got {:?}", env.get(var).unwrap_or_default()),
            )),
            positive => Ok(positive),
        };
        Ok(HttpSettings {
            retries: number("BPDEPLOY_HTTP_RETRIES", d.retries.into())?.min(20) as u32,
            retry_base: ms("BPDEPLOY_HTTP_RETRY_BASE_MS", d.retry_base)?,
            retry_max: ms("BPDEPLOY_HTTP_RETRY_MAX_MS", d.retry_max)?,
            timeout: above_zero(
                "BPDEPLOY_HTTP_TIMEOUT_MS",
                d.timeout,
                "a request that may take no time fails every call",
            )?,
            stream_idle: above_zero(
                "BPDEPLOY_STREAM_IDLE_MS",
                d.stream_idle,
                "a stream that may never be silent is dropped at once",
            )?,
            poll: ms("BPDEPLOY_POLL_MS", d.poll)?,
            ..d
        })
    }

    /// Exponential backoff for attempt `n` (0-based), capped, with jitter so that several
    /// clients do not retry in lockstep: a uniform pick in the upper half of the window.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let base = self.retry_base.as_millis() as u64;
        let window = base.saturating_mul(1u64 << attempt.min(20)).min(self.retry_max.as_millis() as u64);
        let low = window / 2;
        Duration::from_millis(if window > low { fastrand::u64(low..=window) } else { window })
    }
}

/// How long the service asks us to wait: `Retry-After` (seconds or an HTTP date), else, when a
/// rate limit is exhausted, until its reset time (GitHub `x-ratelimit-*`, Sentry
/// `X-Sentry-Rate-Limit-*`). Heroku documents no `Retry-After`; its 429s fall back to backoff.
pub fn server_wait(headers: &HeaderMap) -> Option<Duration> {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    if let Some(v) = text("retry-after") {
        if let Ok(secs) = v.parse::<u64>() {
            return Some(Duration::from_secs(secs));
        }
        if let Ok(at) = chrono::DateTime::parse_from_rfc2822(v) {
            let now = chrono::Utc::now();
            return Some((at.with_timezone(&chrono::Utc) - now).to_std().unwrap_or_default());
        }
    }
    for (remaining, reset) in
        [("x-ratelimit-remaining", "x-ratelimit-reset"), ("x-sentry-rate-limit-remaining", "x-sentry-rate-limit-reset")]
    {
        if text(remaining) == Some("0") {
            if let Some(reset) = text(reset).and_then(|r| r.parse::<u64>().ok()) {
                let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
                return Some(Duration::from_secs(reset.saturating_sub(now)));
            }
        }
    }
    None
}

/// Statuses worth another try. A 429, or GitHub's 403 for an exhausted or secondary rate limit,
/// is a refusal: nothing happened, so even a creating POST may be resent after the wait.
pub fn is_refusal(status: u16, headers: &HeaderMap) -> bool {
    let limited = headers.get("x-ratelimit-remaining").is_some_and(|v| v == "0") || headers.contains_key("retry-after");
    status == 429 || (status == 403 && limited)
}

/// Gateway failures: the request may or may not have reached the service, so only calls that
/// are safe to repeat are retried on them.
pub fn is_transient(status: u16) -> bool {
    matches!(status, 502..=504)
}

/// The remaining-calls figure of whichever rate-limit header the service sends (for `-vv`).
pub fn remaining_calls(headers: &HeaderMap) -> Option<&str> {
    ["ratelimit-remaining", "x-ratelimit-remaining", "x-sentry-rate-limit-remaining"]
        .iter()
        .find_map(|h| headers.get(*h).and_then(|v| v.to_str().ok()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn backoff_grows_and_stays_under_the_cap() {
        let s = HttpSettings {
            retry_base: Duration::from_millis(100),
            retry_max: Duration::from_millis(350),
            ..Default::default()
        };
        for _ in 0..50 {
            assert!((50..=100).contains(&(s.backoff(0).as_millis() as u64)));
            assert!((100..=200).contains(&(s.backoff(1).as_millis() as u64)));
            assert!(s.backoff(9).as_millis() <= 350);
        }
    }

    #[test]
    fn retry_after_wins_then_rate_limit_reset() {
        let mut h = HeaderMap::new();
        assert_eq!(server_wait(&h), None);
        h.insert("x-ratelimit-remaining", HeaderValue::from_static("0"));
        h.insert("x-ratelimit-reset", HeaderValue::from_static("1"));
        assert_eq!(server_wait(&h), Some(Duration::ZERO), "a reset in the past means go now");
        h.insert("retry-after", HeaderValue::from_static("7"));
        assert_eq!(server_wait(&h), Some(Duration::from_secs(7)));
        assert!(is_refusal(403, &h) && is_refusal(429, &HeaderMap::new()) && !is_refusal(403, &HeaderMap::new()));
    }

    #[test]
    fn knobs_come_from_the_environment() {
        let env = Env::from_pairs("/", [("BPDEPLOY_HTTP_RETRIES", "1"), ("BPDEPLOY_HTTP_TIMEOUT_MS", "250")]);
        let s = HttpSettings::from_env(&env).unwrap();
        assert_eq!((s.retries, s.timeout), (1, Duration::from_millis(250)));
        let bad = Env::from_pairs("/", [("BPDEPLOY_POLL_MS", "soon")]);
        assert!(HttpSettings::from_env(&bad).unwrap_err().to_string().contains("BPDEPLOY_POLL_MS"));
    }

    /// A zero stream idle was raised to 1 ms without a word, as the timeout was: every stream
    /// then counted as dropped.
    #[test]
    fn a_zero_stream_idle_is_refused_naming_the_variable() {
        let zero = Env::from_pairs("/", [("BPDEPLOY_STREAM_IDLE_MS", "0")]);
        let message = HttpSettings::from_env(&zero).unwrap_err().to_string();
        assert!(message.contains("BPDEPLOY_STREAM_IDLE_MS") && message.contains("above 0"), "{message}");
        let one = Env::from_pairs("/", [("BPDEPLOY_STREAM_IDLE_MS", "1")]);
        assert_eq!(HttpSettings::from_env(&one).unwrap().stream_idle, Duration::from_millis(1));
    }
}
