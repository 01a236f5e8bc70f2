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
    pub max_error_rate_ratio: Option<f64>,
    pub min_events: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriageFile {
    pub experiment_patterns: Option<Vec<String>>,
    pub critical_transactions: Option<Vec<String>>,
}

fn duration_opt<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<std::time::Duration>, D::Error> {
    let text = String::deserialize(d)?;
    super::duration::parse(&text).map(Some).map_err(serde::de::Error::custom)
}
