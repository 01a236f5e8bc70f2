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
    pub merge_method: Option<super::MergeMethod>,
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
    #[serde(default, deserialize_with = "rate_opt")]
    pub severe_events_per_minute: Option<f64>,
    pub severe_users: Option<u64>,
}

/// A watch's duration or interval, checked here so that an error names the file and the line.
fn duration_opt<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<std::time::Duration>, D::Error> {
    let text = String::deserialize(d)?;
    super::duration::parse_watch_span(&text).map(Some).map_err(serde::de::Error::custom)
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

/// Events per minute: a number above 0 (0 would call every issue severe).
fn rate_opt<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    let rate = f64::deserialize(d)?;
    if rate.is_finite() && rate > 0.0 {
        return Ok(Some(rate));
    }
    Err(serde::de::Error::custom(format!("must be a number of events per minute above 0, like 60, not {rate}")))
}
