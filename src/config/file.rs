//! The bpdeploy.toml schema as written by people: every key optional, unknown keys refused.
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    #[serde(default)]
    pub heroku: HerokuFile,
    #[serde(default)]
    pub github: GithubFile,
    #[serde(default)]
    pub sentry: SentryFile,
    #[serde(default)]
    pub slack: SlackFile,
    #[serde(default)]
    pub migrations: MigrationsFile,
    #[serde(default)]
    pub watch: WatchFile,
    #[serde(default)]
    pub triage: TriageFile,
    #[serde(default)]
    pub repo: RepoFile,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepoFile {
    /// The app's git repository, relative to this file (default: the one around the current directory).
    pub path: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HerokuFile {
    pub app: Option<String>,
    pub url: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GithubFile {
    pub repo: Option<String>,
    pub branch: Option<String>,
    pub merge_method: Option<super::sections::MergeMethod>,
    pub url: Option<String>,
    pub graphql_url: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SentryFile {
    pub org: Option<String>,
    pub project: Option<String>,
    pub environment: Option<String>,
    pub release: Option<String>,
    pub url: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlackFile {
    pub channel: Option<String>,
    pub url: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MigrationsFile {
    pub schema: Option<Vec<String>>,
    pub data: Option<Vec<String>>,
    pub postgres_version: Option<super::migrations::NumberOrText>,
    pub max_size: Option<super::migrations::NumberOrText>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WatchFile {
    #[serde(default, deserialize_with = "duration_opt")]
    pub duration: Option<std::time::Duration>,
    #[serde(default, deserialize_with = "duration_opt")]
    pub interval: Option<std::time::Duration>,
    pub max_new_issues: Option<u32>,
    #[serde(default, deserialize_with = "ratio_opt")]
    pub max_error_rate_ratio: Option<f64>,
    pub min_events: Option<u64>,
    #[serde(default, deserialize_with = "rate_opt")]
    pub max_router_errors_per_minute: Option<f64>,
    #[serde(default, deserialize_with = "urls_opt")]
    pub smoke: Option<Vec<url::Url>>,
    #[serde(default, deserialize_with = "count_opt")]
    pub smoke_failing_rounds: Option<u32>,
    #[serde(default, deserialize_with = "multiple_opt")]
    pub smoke_latency_ratio: Option<f64>,
    #[serde(default, deserialize_with = "channels_opt")]
    pub slack_channels: Option<Vec<String>>,
    #[serde(default, deserialize_with = "count_opt")]
    pub transient_quiet_intervals: Option<u32>,
    pub max_transient_events: Option<u64>,
    #[serde(default, deserialize_with = "multiple_opt")]
    pub max_issue_rate_ratio: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriageFile {
    pub experiment_patterns: Option<Vec<String>>,
    pub critical_transactions: Option<Vec<String>>,
    /// The directory the app runs from on its dynos (`/app/`), stripped from stack frames.
    pub app_root: Option<String>,
    #[serde(default, deserialize_with = "duration_opt")]
    pub stopped_after: Option<std::time::Duration>,
    #[serde(default, deserialize_with = "severe_rate_opt")]
    pub severe_events_per_minute: Option<f64>,
    pub severe_users: Option<u64>,
}

/// A watch's duration or interval, checked here so that an error names the file and the line.
fn duration_opt<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<std::time::Duration>, D::Error> {
    let text = String::deserialize(d)?;
    crate::duration::parse_watch_span(&text).map(Some).map_err(serde::de::Error::custom)
}

/// A ratio over the baseline: a number above 0 (a negative or zero ratio fails every watch).
fn ratio_opt<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    let ratio = f64::deserialize(d)?;
    if ratio.is_finite() && ratio > 0.0 {
        return Ok(Some(ratio));
    }
    Err(serde::de::Error::custom(format!(
        "must be a number above 0, like 2.0 (twice the baseline error rate), not {ratio}"
    )))
}

/// A rate per minute: a number, 0 or more.
fn rate_opt<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    let rate = f64::deserialize(d)?;
    if rate.is_finite() && rate >= 0.0 {
        return Ok(Some(rate));
    }
    Err(serde::de::Error::custom(format!("must be a number of errors per minute, 0 or more, not {rate}")))
}

/// How many times a baseline: a number above 1 (at or under it, the normal would fail).
fn multiple_opt<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    let ratio = f64::deserialize(d)?;
    if ratio.is_finite() && ratio > 1.0 {
        return Ok(Some(ratio));
    }
    Err(serde::de::Error::custom(format!("must be a number above 1, like 3.0 (three times the baseline), not {ratio}")))
}

/// A count of rounds or intervals: a whole number from 1.
fn count_opt<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    let n = u32::deserialize(d)?;
    if n >= 1 {
        return Ok(Some(n));
    }
    Err(serde::de::Error::custom("must be 1 or more"))
}

/// Smoke URLs: https (plain http to loopback only, for the sandbox), no credentials in them.
fn urls_opt<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Vec<url::Url>>, D::Error> {
    let texts = Vec::<String>::deserialize(d)?;
    let mut urls = Vec::new();
    for text in texts {
        // Named without its query, fragment and user info, which may carry a key.
        let shown = match url::Url::parse(text.trim()) {
            Ok(mut u) => {
                u.set_query(None);
                u.set_fragment(None);
                let _ = (u.set_username(""), u.set_password(None));
                u.to_string()
            }
            Err(_) => text.clone(),
        };
        let url =
            super::endpoints::parse_base(&text).map_err(|m| serde::de::Error::custom(format!("{shown:?}: {m}")))?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(serde::de::Error::custom(
                "a smoke URL carries no credentials: smoke checks fetch pages as an anonymous visitor",
            ));
        }
        // The page as written: parse_base adds a trailing slash that a page URL does not want.
        urls.push(url::Url::parse(text.trim()).unwrap_or(url));
    }
    Ok(Some(urls))
}

/// Slack channels: `#name` or an id, none empty.
fn channels_opt<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    let channels = Vec::<String>::deserialize(d)?;
    if let Some(bad) =
        channels.iter().find(|c| c.trim_start_matches('#').trim().is_empty() || c.contains(char::is_whitespace))
    {
        return Err(serde::de::Error::custom(format!("{bad:?} is not a channel: use \"#name\" or a channel id")));
    }
    Ok(Some(channels))
}

/// Events per minute that make damage severe: a number above 0 (0 would call every issue severe).
fn severe_rate_opt<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    let rate = f64::deserialize(d)?;
    if rate.is_finite() && rate > 0.0 {
        return Ok(Some(rate));
    }
    Err(serde::de::Error::custom(format!("must be a number of events per minute above 0, like 60, not {rate}")))
}
