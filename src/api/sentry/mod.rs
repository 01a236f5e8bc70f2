//! Sentry's public API under `api/0/organizations/{org}/…`: every path ends in `/`, errors are
//! `{"detail": …}`, lists page with `Link … results="true"; cursor="…"`.
pub mod types;

use crate::api::http::{segment, Call, HttpCore};
use crate::api::{page, ApiError};
use chrono::SecondsFormat;
pub use types::*;

#[derive(Debug, Clone)]
pub struct Sentry {
    http: HttpCore,
    org: String,
}

impl Sentry {
    pub fn new(http: HttpCore, org: &str) -> Sentry {
        Sentry { http, org: org.to_string() }
    }

    pub fn http(&self) -> &HttpCore {
        &self.http
    }

    fn path(&self, rest: &str) -> String {
        format!("api/0/organizations/{}/{rest}", segment(&self.org))
    }

    /// `POST releases/`. Sentry answers 208 for a version that exists, so resending is harmless.
    pub async fn create_release(&self, release: &NewRelease) -> Result<Release, ApiError> {
        let call =
            Call::post("api/0/organizations/{org}/releases/", self.path("releases/")).json(release).resend_safe();
        self.http.json(&call).await
    }

    /// `GET releases/{version}/` (404 when Sentry has not seen the version).
    pub async fn release(&self, version: &str) -> Result<Release, ApiError> {
        let call = Call::get(
            "api/0/organizations/{org}/releases/{version}/",
            self.path(&format!("releases/{}/", segment(version))),
        );
        self.http.json(&call).await
    }

    /// `PUT releases/{version}/` with `refs`: associates the commit range (needs Sentry's
    /// repository integration to resolve them).
    pub async fn set_commits(&self, version: &str, refs: &[CommitRef]) -> Result<Release, ApiError> {
        let path = self.path(&format!("releases/{}/", segment(version)));
        let call =
            Call::put("api/0/organizations/{org}/releases/{version}/", path).json(&serde_json::json!({ "refs": refs }));
        self.http.json(&call).await
    }

    /// `POST releases/{version}/deploys/`. Never resent (a second deploy record would count).
    pub async fn create_deploy(&self, version: &str, deploy: &NewDeploy) -> Result<Deploy, ApiError> {
        let path = self.path(&format!("releases/{}/deploys/", segment(version)));
        self.http.json(&Call::post("api/0/organizations/{org}/releases/{version}/deploys/", path).json(deploy)).await
    }

    /// `GET issues/` with the query, following cursors up to `query.max` issues.
    pub async fn issues(&self, query: &IssueQuery) -> Result<Vec<Issue>, ApiError> {
        let mut call = Call::get("api/0/organizations/{org}/issues/", self.path("issues/"))
            .query("query", &query.query)
            .query("limit", query.limit.unwrap_or(100).min(100));
        if let Some(p) = &query.stats_period {
            call = call.query("statsPeriod", p);
        }
        if let Some(s) = &query.sort {
            call = call.query("sort", s);
        }
        if let Some(e) = &query.environment {
            call = call.query("environment", e);
        }
        for p in &query.projects {
            call = call.query("project", p);
        }
        page::sentry(&self.http, call, query.max).await
    }

    /// `GET issues/{id}/` (adds `firstRelease`/`lastRelease`).
    pub async fn issue(&self, id: &str) -> Result<Issue, ApiError> {
        let call =
            Call::get("api/0/organizations/{org}/issues/{issue_id}/", self.path(&format!("issues/{}/", segment(id))));
        self.http.json(&call).await
    }

    /// `GET shortids/{short_id}/`: the issue a short id (`RAILS-1A2`) names, with its group.
    pub async fn resolve_short_id(&self, short_id: &str) -> Result<ShortIdResolution, ApiError> {
        let call = Call::get(
            "api/0/organizations/{org}/shortids/{short_id}/",
            self.path(&format!("shortids/{}/", segment(short_id))),
        );
        self.http.json(&call).await
    }

    /// `GET issues/{id}/events/latest/`: the newest event, with its exception frames.
    pub async fn latest_event(&self, issue_id: &str, environment: Option<&str>) -> Result<Event, ApiError> {
        let path = self.path(&format!("issues/{}/events/latest/", segment(issue_id)));
        let mut call = Call::get("api/0/organizations/{org}/issues/{issue_id}/events/{event_id}/", path);
        if let Some(e) = environment {
            call = call.query("environment", e);
        }
        self.http.json(&call).await
    }

    /// Error events over time: `GET events-timeseries/?dataset=errors&yAxis=count()`.
    pub async fn error_counts(&self, q: &SeriesQuery) -> Result<Timeseries, ApiError> {
        let mut call = window(
            Call::get("api/0/organizations/{org}/events-timeseries/", self.path("events-timeseries/"))
                .query("dataset", "errors")
                .query("yAxis", "count()"),
            q,
        );
        if let Some(i) = q.interval_secs {
            call = call.query("interval", i);
        }
        self.http.json(&call).await
    }

    /// Error events in a window as one number: `GET events/?dataset=errors&field=count()`.
    pub async fn error_total(&self, q: &SeriesQuery) -> Result<u64, ApiError> {
        let call = window(
            Call::get("api/0/organizations/{org}/events/", self.path("events/"))
                .query("dataset", "errors")
                .query("field", "count()"),
            q,
        );
        let reply = self.http.send(&call).await?;
        let body: serde_json::Value = reply.json()?;
        let count = body.pointer("/data/0/count()").and_then(|v| v.as_f64().or_else(|| v.as_str()?.parse().ok()));
        Ok(count.unwrap_or(0.0) as u64)
    }

    /// Error events per issue in a window, most first (the first page: at most 100 issues):
    /// `GET events/?dataset=errors&field=issue.id&field=issue&field=title&field=count()`.
    pub async fn error_counts_by_issue(&self, q: &SeriesQuery) -> Result<Vec<IssueCount>, ApiError> {
        let mut call = Call::get("api/0/organizations/{org}/events/", self.path("events/")).query("dataset", "errors");
        for field in ["issue.id", "issue", "title", "count()"] {
            call = call.query("field", field);
        }
        let call = window(call.query("sort", "-count()").query("per_page", 100), q);
        let reply = self.http.send(&call).await?;
        let table: EventsTable = reply.json()?;
        Ok(table.data.into_iter().filter_map(IssueCount::from_row).collect())
    }
}

/// The query, projects, environment and time window shared by the explore endpoints.
fn window(mut call: Call, q: &SeriesQuery) -> Call {
    call = call.query("query", &q.query);
    for p in &q.projects {
        call = call.query("project", p);
    }
    if let Some(e) = &q.environment {
        call = call.query("environment", e);
    }
    if let Some(p) = &q.stats_period {
        call = call.query("statsPeriod", p);
    }
    for (key, at) in [("start", q.start), ("end", q.end)] {
        if let Some(at) = at {
            call = call.query(key, at.to_rfc3339_opts(SecondsFormat::Secs, true));
        }
    }
    call
}
