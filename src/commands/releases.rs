//! `bpdeploy releases`: Heroku's Activity view on the command line — each release with its
//! status, whether it is current, the commit it runs (from its slug), who made it and when.
use crate::api::heroku::{Heroku, Release};
use crate::api::ApiError;
use crate::cli::ReleasesArgs;
use crate::commands::CommandResult;
use crate::context::Context;
use crate::ui::render::{table, Outcome};
use crate::ui::time::when;
use crate::ui::Ui;
use anyhow::Context as _;
use chrono::{DateTime, Utc};
use futures_util::stream::{self, StreamExt};
use serde::Serialize;

/// Slug reads in flight at once: quick, without bursting Heroku's rate limit.
const SLUG_READS: usize = 4;

pub async fn run(ctx: &Context, args: &ReleasesArgs) -> CommandResult {
    let config = ctx.config()?;
    let app = config.require_app()?.to_string();
    let heroku = ctx.heroku()?;
    ctx.ui.detail(&format!("reading the last {} releases of {app}", args.number));
    let releases =
        heroku.releases(&app, args.number).await.with_context(|| format!("reading the releases of {app}"))?;
    let commits = commits_of(&heroku, &app, &releases).await?;
    let rows = releases.into_iter().zip(commits).map(|(r, commit)| ReleaseRow::new(r, commit)).collect();
    Ok(Box::new(ReleaseList { app, rows, now: Utc::now() }))
}

/// The commit of each release, from its slug (fetched concurrently, in order). A release
/// without a slug (Fir, config changes keep the slug) or whose slug is gone falls back to
/// the "Deploy <sha>" description.
async fn commits_of(heroku: &Heroku, app: &str, releases: &[Release]) -> Result<Vec<Option<String>>, ApiError> {
    let reads = releases.iter().map(|r| async move {
        let from_slug = match &r.slug {
            Some(slug) => match heroku.slug(app, &slug.id).await {
                Ok(s) => s.commit,
                Err(e) if e.is_not_found() => None,
                Err(e) => return Err(e),
            },
            None => None,
        };
        Ok(from_slug.or_else(|| r.described_commit().map(String::from)).map(|c| c.chars().take(7).collect()))
    });
    stream::iter(reads).buffered(SLUG_READS).collect::<Vec<_>>().await.into_iter().collect()
}

#[derive(Debug, Serialize)]
pub struct ReleaseRow {
    pub version: u64,
    pub id: String,
    pub status: String,
    pub current: bool,
    /// Short sha, or null when no slug or description records it.
    pub commit: Option<String>,
    pub description: String,
    /// The email of whoever made the release.
    pub user: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl ReleaseRow {
    fn new(r: Release, commit: Option<String>) -> ReleaseRow {
        ReleaseRow {
            version: r.version,
            id: r.id,
            status: r.status,
            current: r.current,
            commit,
            description: r.description,
            user: r.user.and_then(|u| u.email),
            created_at: r.created_at,
        }
    }
}

pub struct ReleaseList {
    pub app: String,
    pub rows: Vec<ReleaseRow>,
    now: DateTime<Utc>,
}

impl Outcome for ReleaseList {
    fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(&self.rows).unwrap_or_default()
    }

    fn human(&self, ui: &Ui) -> String {
        if self.rows.is_empty() {
            return format!("{} has no releases yet\n", crate::ui::sanitize::one_line(&self.app));
        }
        let header = [
            "",
            "VERSION",
            "STATUS",
            "COMMIT",
            "DESCRIPTION",
            "USER",
            if ui.stdout_tty { "CREATED" } else { "CREATED_AT" },
        ];
        let rows: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| {
                vec![
                    if r.current { "*".into() } else { String::new() },
                    format!("v{}", r.version),
                    r.status.clone(),
                    r.commit.clone().unwrap_or_else(|| "-".into()),
                    r.description.clone(),
                    r.user.clone().unwrap_or_else(|| "-".into()),
                    when(ui.stdout_tty, self.now, r.created_at),
                ]
            })
            .collect();
        table(ui, &header, &rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(created_at: DateTime<Utc>, now: DateTime<Utc>) -> ReleaseList {
        let row = ReleaseRow {
            version: 6,
            id: "r6".into(),
            status: "succeeded".into(),
            current: true,
            commit: Some("e6edcb4".into()),
            description: "Deploy e6edcb4".into(),
            user: Some("dave@acme.test".into()),
            created_at,
        };
        ReleaseList { app: "shop".into(), rows: vec![row], now }
    }

    #[test]
    fn ages_on_a_terminal_rfc3339_in_a_pipe() {
        let now = Utc::now();
        let two_days = list(now - chrono::Duration::days(2) - chrono::Duration::minutes(5), now);
        let tty = Ui { stdout_tty: true, ..Ui::plain() };
        let shown = two_days.human(&tty);
        assert!(shown.lines().nth(1).unwrap().ends_with("2 days ago"), "{shown}");
        let piped = two_days.human(&Ui::plain());
        let stamp = crate::ui::time::stamp(two_days.rows[0].created_at);
        assert!(piped.lines().nth(1).unwrap().ends_with(&format!("\t{stamp}")), "{piped}");
        assert!(piped.starts_with("\tVERSION\tSTATUS\tCOMMIT\tDESCRIPTION\tUSER\tCREATED_AT\n"), "{piped}");
    }
}
