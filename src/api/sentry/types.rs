//! Sentry objects (camelCase on the wire), tolerant of unknown and missing fields.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Release {
    pub version: String,
    pub date_created: Option<DateTime<Utc>>,
    pub date_released: Option<DateTime<Utc>>,
    /// Issues first seen in this release.
    #[serde(default)]
    pub new_groups: u64,
    pub commit_count: Option<u64>,
    pub deploy_count: Option<u64>,
    pub last_deploy: Option<Deploy>,
}

/// One repository's range for `refs` (release create and set commits).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CommitRef {
    /// The repository name as Sentry's integration shows it: `owner/repo`.
    pub repository: String,
    pub commit: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_commit: Option<String>,
}

/// Body of `POST releases/`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewRelease {
    pub version: String,
    pub projects: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub refs: Vec<CommitRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_released: Option<DateTime<Utc>>,
}

/// Body of `POST releases/{version}/deploys/`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewDeploy {
    pub environment: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_started: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_finished: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub projects: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Deploy {
    pub id: String,
    pub environment: String,
    pub name: Option<String>,
    pub date_started: Option<DateTime<Utc>>,
    pub date_finished: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ProjectRef {
    pub id: Option<String>,
    pub slug: Option<String>,
    pub name: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReleaseRef {
    pub version: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Issue {
    pub id: String,
    /// `PROJ-1A`
    pub short_id: String,
    pub title: String,
    pub culprit: Option<String>,
    pub permalink: Option<String>,
    pub level: Option<String>,
    pub status: Option<String>,
    /// Events: a string on the wire.
    #[serde(default, deserialize_with = "count_from_string")]
    pub count: u64,
    #[serde(default)]
    pub user_count: u64,
    pub first_seen: Option<DateTime<Utc>>,
    pub last_seen: Option<DateTime<Utc>>,
    pub project: Option<ProjectRef>,
    /// `type`, `value`, `filename`, `function` of the top exception.
    #[serde(default)]
    pub metadata: Value,
    /// Only on `issue get`.
    pub first_release: Option<ReleaseRef>,
    pub last_release: Option<ReleaseRef>,
}

/// What `shortids/{id}/` answers: the issue (`group`) behind a short id.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShortIdResolution {
    pub group_id: String,
    pub project_slug: Option<String>,
    pub group: Issue,
}

fn count_from_string<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => s.parse().unwrap_or(0),
        Value::Number(n) => n.as_u64().unwrap_or(0),
        _ => 0,
    })
}

#[derive(Debug, Clone, Deserialize)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    pub id: String,
    #[serde(rename = "eventID")]
    pub event_id: Option<String>,
    #[serde(rename = "groupID")]
    pub group_id: Option<String>,
    pub title: Option<String>,
    pub message: Option<String>,
    pub culprit: Option<String>,
    pub date_created: Option<DateTime<Utc>>,
    #[serde(default)]
    pub tags: Vec<Tag>,
    /// Typed by `type`: `exception`, `breadcrumbs`, `request`…; read through the methods.
    #[serde(default)]
    pub entries: Vec<Value>,
}

/// One stack frame, as the API (not the SDK) spells it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Frame {
    pub filename: Option<String>,
    pub abs_path: Option<String>,
    pub module: Option<String>,
    pub function: Option<String>,
    pub line_no: Option<u64>,
    pub col_no: Option<u64>,
    #[serde(default)]
    pub in_app: bool,
}

/// One exception of the chain with its frames, oldest first (the last frame raised).
#[derive(Debug, Clone)]
pub struct ExceptionTrace {
    pub kind: Option<String>,
    pub value: Option<String>,
    pub frames: Vec<Frame>,
}

impl Event {
    /// `entries[type=exception].data.values[]` with their `stacktrace.frames[]`.
    pub fn exceptions(&self) -> Vec<ExceptionTrace> {
        let values = self
            .entries
            .iter()
            .filter(|e| e.get("type").and_then(Value::as_str) == Some("exception"))
            .filter_map(|e| e.pointer("/data/values").and_then(Value::as_array))
            .flatten();
        values
            .map(|v| ExceptionTrace {
                kind: v.get("type").and_then(Value::as_str).map(String::from),
                value: v.get("value").and_then(Value::as_str).map(String::from),
                frames: v
                    .pointer("/stacktrace/frames")
                    .and_then(Value::as_array)
                    .map(|fs| fs.iter().filter_map(|f| serde_json::from_value(f.clone()).ok()).collect())
                    .unwrap_or_default(),
            })
            .collect()
    }

    /// Every frame of every exception, oldest first.
    pub fn exception_frames(&self) -> Vec<Frame> {
        self.exceptions().into_iter().flat_map(|e| e.frames).collect()
    }

    pub fn tag(&self, key: &str) -> Option<&str> {
        self.tags.iter().find(|t| t.key == key).map(|t| t.value.as_str())
    }
}

/// Filters of the org issues list.
#[derive(Debug, Clone, Default)]
pub struct IssueQuery {
    /// e.g. `is:unresolved firstRelease:<sha>`; empty string lists all.
    pub query: String,
    /// `1h`, `24h`, `14d`.
    pub stats_period: Option<String>,
    /// `date|new|freq|user|trends|inbox|recommended`
    pub sort: Option<String>,
    pub environment: Option<String>,
    /// Project ids or slugs.
    pub projects: Vec<String>,
    /// Page size (at most 100).
    pub limit: Option<u32>,
    /// Stop after this many issues.
    pub max: Option<usize>,
}

/// Filters of `events-timeseries/` (dataset `errors`, `yAxis` `count()`).
#[derive(Debug, Clone, Default)]
pub struct SeriesQuery {
    pub query: String,
    pub projects: Vec<String>,
    pub environment: Option<String>,
    pub stats_period: Option<String>,
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
    /// Bucket width in seconds.
    pub interval_secs: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SeriesPoint {
    /// Milliseconds since the epoch.
    pub timestamp: f64,
    #[serde(default)]
    pub value: Option<f64>,
    #[serde(default)]
    pub incomplete: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Series {
    pub y_axis: Option<String>,
    #[serde(default)]
    pub values: Vec<SeriesPoint>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Timeseries {
    #[serde(default)]
    pub time_series: Vec<Series>,
}

impl Timeseries {
    /// Sum of the first series, complete buckets and incomplete alike.
    pub fn total(&self) -> f64 {
        self.time_series.first().map(|s| s.values.iter().filter_map(|p| p.value).sum()).unwrap_or(0.0)
    }
}

/// The `data` rows of an explore table (`GET events/`); columns are named by their fields.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct EventsTable {
    #[serde(default)]
    pub data: Vec<serde_json::Map<String, Value>>,
}

/// One issue's error events in a window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueCount {
    pub id: String,
    /// `PROJ-1A`, when the table carried it.
    pub short_id: Option<String>,
    pub title: String,
    pub count: u64,
}

impl IssueCount {
    /// A row with an issue id and a count; ids and counts come as strings or numbers.
    pub(crate) fn from_row(row: serde_json::Map<String, Value>) -> Option<IssueCount> {
        let text = |v: &Value| match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        };
        let count = row.get("count()").and_then(|v| v.as_u64().or_else(|| v.as_f64().map(|f| f as u64)))?;
        Some(IssueCount {
            id: row.get("issue.id").and_then(text)?,
            short_id: row.get("issue").and_then(text),
            title: row.get("title").and_then(text).unwrap_or_default(),
            count,
        })
    }
}
