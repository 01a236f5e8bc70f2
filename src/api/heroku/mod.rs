//! Heroku Platform API v3: `Accept: application/vnd.heroku+json; version=3` on every call
//! (set by the transport), Range/Next-Range paging, `{id, message}` error bodies.
pub mod types;

use crate::api::http::{segment, Call, HttpCore};
use crate::api::{page, ApiError};
pub use types::*;

/// Releases and builds come back in pages of at most this many (the API's maximum is 1000).
const PAGE_MAX: usize = 200;

#[derive(Debug, Clone)]
pub struct Heroku {
    http: HttpCore,
}

impl Heroku {
    pub fn new(http: HttpCore) -> Heroku {
        Heroku { http }
    }

    pub fn http(&self) -> &HttpCore {
        &self.http
    }

    /// `GET /account`: who the token belongs to.
    pub async fn account(&self) -> Result<Account, ApiError> {
        self.http.json(&Call::get("account", "account")).await
    }

    /// `GET /apps/{app}`.
    pub async fn app(&self, app: &str) -> Result<App, ApiError> {
        self.http.json(&Call::get("apps/{app}", format!("apps/{}", segment(app)))).await
    }

    /// `POST /apps/{app}/builds`. Never resent: on [`ApiError::Ambiguous`], look for the build
    /// of this `source_blob.version` with [`Heroku::builds`] before trying again.
    pub async fn create_build(&self, app: &str, build: &NewBuild) -> Result<Build, ApiError> {
        let call = Call::post("apps/{app}/builds", format!("apps/{}/builds", segment(app))).json(build);
        self.http.json(&call).await
    }

    /// `GET /apps/{app}/builds/{id}`.
    pub async fn build(&self, app: &str, id: &str) -> Result<Build, ApiError> {
        let path = format!("apps/{}/builds/{}", segment(app), segment(id));
        self.http.json(&Call::get("apps/{app}/builds/{build}", path)).await
    }

    /// The newest `max` builds, newest first (`Range: started_at ..; order=desc`; the schema
    /// lists `id` and `started_at` as the build ranges).
    pub async fn builds(&self, app: &str, max: usize) -> Result<Vec<Build>, ApiError> {
        let call = Call::get("apps/{app}/builds", format!("apps/{}/builds", segment(app)));
        page::heroku(&self.http, call, Some(range("started_at", max)), Some(max)).await
    }

    /// The newest `max` releases, newest first (`Range: version ..; max=N, order=desc`).
    pub async fn releases(&self, app: &str, max: usize) -> Result<Vec<Release>, ApiError> {
        let call = Call::get("apps/{app}/releases", format!("apps/{}/releases", segment(app)));
        page::heroku(&self.http, call, Some(range("version", max)), Some(max)).await
    }

    /// `GET /apps/{app}/releases/{id_or_version}`: a uuid, `42` or `v42`.
    pub async fn release(&self, app: &str, id_or_version: &str) -> Result<Release, ApiError> {
        let key = id_or_version.strip_prefix('v').filter(|v| v.parse::<u64>().is_ok()).unwrap_or(id_or_version);
        let path = format!("apps/{}/releases/{}", segment(app), segment(key));
        self.http.json(&Call::get("apps/{app}/releases/{release}", path)).await
    }

    /// The release marked current, if the newest releases contain one.
    pub async fn current_release(&self, app: &str) -> Result<Option<Release>, ApiError> {
        Ok(self.releases(app, 10).await?.into_iter().find(|r| r.current))
    }

    /// Rollback: `POST /apps/{app}/releases` with `{"release": id}` makes a new release that
    /// copies the old one's code and config. Never resent; on [`ApiError::Ambiguous`], read the
    /// newest releases and look for "Rollback to vN" before trying again.
    pub async fn rollback(&self, app: &str, release_id: &str) -> Result<Release, ApiError> {
        let call = Call::post("apps/{app}/releases", format!("apps/{}/releases", segment(app)))
            .json(&serde_json::json!({ "release": release_id }));
        self.http.json(&call).await
    }

    /// Re-runs the release phase on a slug (`{"slug": id, "description": …}`). Never resent.
    pub async fn create_release(&self, app: &str, slug_id: &str, description: &str) -> Result<Release, ApiError> {
        let call = Call::post("apps/{app}/releases", format!("apps/{}/releases", segment(app)))
            .json(&serde_json::json!({ "slug": slug_id, "description": description }));
        self.http.json(&call).await
    }

    /// `GET /apps/{app}/slugs/{slug}`: where a release's commit is recorded.
    pub async fn slug(&self, app: &str, slug_id: &str) -> Result<Slug, ApiError> {
        let path = format!("apps/{}/slugs/{}", segment(app), segment(slug_id));
        self.http.json(&Call::get("apps/{app}/slugs/{slug}", path)).await
    }

    /// `GET /apps/{app}/dynos`.
    pub async fn dynos(&self, app: &str) -> Result<Vec<Dyno>, ApiError> {
        let call = Call::get("apps/{app}/dynos", format!("apps/{}/dynos", segment(app)));
        page::heroku(&self.http, call, None, None).await
    }

    /// `GET /apps/{app}/formation`: a `release` entry means the app has a release phase.
    pub async fn formation(&self, app: &str) -> Result<Vec<Formation>, ApiError> {
        let call = Call::get("apps/{app}/formation", format!("apps/{}/formation", segment(app)));
        page::heroku(&self.http, call, None, None).await
    }

    /// `GET /apps/{app}/config-vars` (values are secrets; see [`ConfigVars`]).
    pub async fn config_vars(&self, app: &str) -> Result<ConfigVars, ApiError> {
        self.http.json(&Call::get("apps/{app}/config-vars", format!("apps/{}/config-vars", segment(app)))).await
    }

    /// `GET /apps/{app}/releases/{id_or_version}/config-vars`: the config a release runs with.
    /// The values are secrets: callers compare them and let only the keys go further.
    pub async fn release_config_vars(&self, app: &str, release: &str) -> Result<ConfigVars, ApiError> {
        let path = format!("apps/{}/releases/{}/config-vars", segment(app), segment(release));
        self.http.json(&Call::get("apps/{app}/releases/{release}/config-vars", path)).await
    }

    /// `POST /apps/{app}/log-sessions`. A spare session is harmless, so this one may be resent.
    pub async fn create_log_session(&self, app: &str, session: &NewLogSession) -> Result<LogSession, ApiError> {
        let call = Call::post("apps/{app}/log-sessions", format!("apps/{}/log-sessions", segment(app)))
            .json(session)
            .resend_safe();
        self.http.json(&call).await
    }
}

fn range(field: &str, max: usize) -> String {
    format!("{field} ..; max={}, order=desc", max.clamp(1, PAGE_MAX))
}
