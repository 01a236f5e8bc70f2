//! Heroku Platform API v3 objects, as far as bpdeploy reads them. Unknown fields are ignored and
//! fields the schema marks nullable (or that Fir apps lack) are `Option`.
use crate::api::secret::SecretUrl;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// `{ "id": … }` references (slug, release, app).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct IdRef {
    pub id: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct UserRef {
    pub id: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct NamedRef {
    pub id: Option<String>,
    pub name: Option<String>,
}

/// The account the token belongs to (`GET /account`).
#[derive(Debug, Clone, Deserialize)]
pub struct Account {
    pub email: String,
    pub name: Option<String>,
}

/// `GET /apps/{app}`.
#[derive(Debug, Clone, Deserialize)]
pub struct App {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub maintenance: bool,
    pub released_at: Option<DateTime<Utc>>,
    pub web_url: Option<String>,
    pub stack: Option<NamedRef>,
    pub region: Option<NamedRef>,
    /// `cedar` or `fir`; Fir apps have no slugs.
    pub generation: Option<NamedRef>,
}

/// `pending`, `succeeded`, `failed` (builds); releases add `expired`.
pub type Status = String;

#[derive(Debug, Clone, Deserialize)]
pub struct Build {
    pub id: String,
    pub status: Status,
    /// A capability URL: readable without a token.
    pub output_stream_url: Option<SecretUrl>,
    pub source_blob: SourceBlob,
    /// Set once the build has produced a release.
    pub release: Option<IdRef>,
    pub slug: Option<IdRef>,
    pub user: Option<UserRef>,
    pub created_at: DateTime<Utc>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// A build's source. `url` may carry a signed token (GitHub tarball), so it is a [`SecretUrl`].
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct SourceBlob {
    pub url: Option<SecretUrl>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checksum: Option<String>,
    /// The commit sha the build is of.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_description: Option<String>,
}

/// Body of `POST /apps/{app}/builds`.
#[derive(Debug, Clone, Serialize)]
pub struct NewBuild {
    pub source_blob: SourceBlob,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Release {
    pub id: String,
    pub version: u64,
    pub status: Status,
    #[serde(default)]
    pub current: bool,
    #[serde(default)]
    pub eligible_for_rollback: bool,
    #[serde(default)]
    pub description: String,
    /// The release-phase log; 404 until the release command starts.
    pub output_stream_url: Option<SecretUrl>,
    /// Null on Fir apps (OCI images instead).
    pub slug: Option<IdRef>,
    pub user: Option<UserRef>,
    pub created_at: DateTime<Utc>,
    pub updated_at: Option<DateTime<Utc>>,
}

impl Release {
    /// "Deploy de63889" -> "de63889": what git-push deploys write, a fallback when no slug says.
    pub fn described_commit(&self) -> Option<&str> {
        let sha = self.description.strip_prefix("Deploy ")?.split_whitespace().next()?;
        (sha.len() >= 7 && sha.chars().all(|c| c.is_ascii_hexdigit())).then_some(sha)
    }
}

/// `GET /apps/{app}/slugs/{slug}`. The blob URL is deliberately not read.
#[derive(Debug, Clone, Deserialize)]
pub struct Slug {
    pub id: String,
    /// The VCS sha the slug was built from, when known.
    pub commit: Option<String>,
    pub commit_description: Option<String>,
    #[serde(default)]
    pub process_types: BTreeMap<String, String>,
    pub created_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DynoRelease {
    pub id: Option<String>,
    pub version: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Dyno {
    pub id: Option<String>,
    /// `web.1`
    pub name: String,
    /// `web`, `worker`, `release`
    #[serde(rename = "type")]
    pub kind: String,
    /// `crashed`, `down`, `idle`, `starting`, `up`
    pub state: String,
    pub release: Option<DynoRelease>,
    pub size: Option<String>,
    pub updated_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Formation {
    pub id: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
    pub quantity: u32,
    pub size: Option<String>,
    pub command: Option<String>,
}

/// An app's config. The values are secrets (DATABASE_URL…): Debug prints only the names.
#[derive(Clone, Default, Deserialize)]
#[serde(transparent)]
pub struct ConfigVars(pub BTreeMap<String, Option<String>>);

impl fmt::Debug for ConfigVars {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

impl ConfigVars {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|v| v.as_deref())
    }

    /// The keys set, unset or changed between `self` and `other`, sorted. Only keys: the values
    /// never leave this comparison.
    pub fn changed_keys(&self, other: &ConfigVars) -> Vec<String> {
        let keys: std::collections::BTreeSet<&String> = self.0.keys().chain(other.0.keys()).collect();
        keys.into_iter().filter(|k| self.get(k) != other.get(k)).cloned().collect()
    }
}

/// Body of `POST /apps/{app}/log-sessions`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct NewLogSession {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dyno_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lines: Option<u32>,
    /// `app` or `heroku` (router lines come from `heroku`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tail: Option<bool>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LogSession {
    pub id: String,
    /// Capability URL of the log stream (SSE or plain lines).
    pub logplex_url: SecretUrl,
    pub created_at: Option<DateTime<Utc>>,
}
