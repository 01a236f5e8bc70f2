//! The words of a revert: its commit message (git's own `Revert "…"` form), the PR's body (the
//! original PR, the Sentry issue, the migrations kept and why, the conflicts resolved) and the
//! Slack thread. Titles from GitHub are folded onto one line; nothing here reaches a terminal.
use super::compat::Verdict;
use super::push::PushPlan;
use super::report::{PullRequestFacts, Report};
use super::revert::Plan;
use super::revert_create::branch_name;
use super::sentry_issue::FollowedIssue;
use crate::api::github::GitPersonStamp;
use crate::preflight::migrations::Kind;
use crate::ui::sanitize::one_line;
use chrono::{SecondsFormat, Utc};
use std::fmt::Write;

/// The push plan for a previewed, conflict-free revert; None when there is nothing to create.
pub fn push_plan(plan: &Plan, repo: &str, base: &str, sentry: Option<&FollowedIssue>) -> Option<PushPlan> {
    let (pull, git) = (plan.pull.as_ref()?, plan.git.as_ref()?);
    let tree = git.prediction.tree.clone()?;
    let Some(super::report::Target::PullRequest(target)) = &plan.report.target else { return None };
    let title = one_line(&pull.title);
    let now = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true);
    let author = git.identity.as_ref().map(|(name, email)| GitPersonStamp {
        name: name.clone(),
        email: email.clone(),
        date: now,
    });
    Some(PushPlan {
        branch: branch_name(pull.number, &pull.head.name),
        base: base.to_string(),
        tip: git.prediction.tip.clone(),
        tip_tree: git.prediction.tip_tree.clone(),
        tree,
        changes: git.prediction.changes.clone(),
        message: message(&title, target, &plan.report),
        author,
        title: format!("Revert \"{title}\""),
        body: body(repo, target, &plan.report, sentry),
        reverted: pull.number,
        reverted_title: title,
        slack_thread: thread(&plan.report),
    })
}

fn message(title: &str, target: &PullRequestFacts, report: &Report) -> String {
    let what = match target.commits.as_slice() {
        [one] => format!("commit {one}"),
        many => format!("commits {}", many.join(", ")),
    };
    let mut out = format!("Revert \"{title}\"\n\nThis reverts {what}.\n");
    if !report.kept_paths.is_empty() {
        out.push_str("\nKept as they are (production's database already ran them):\n");
        for p in &report.kept_paths {
            let _ = writeln!(out, "  {p}");
        }
    }
    if let Some(u) = &report.undo_migration {
        let _ = writeln!(out, "\nAdds {} to undo the schema migrations.", u.path);
    }
    out
}

fn body(repo: &str, target: &PullRequestFacts, report: &Report, sentry: Option<&FollowedIssue>) -> String {
    let mut out = format!("Reverts {repo}#{} (\"{}\").\n", target.number, one_line(&target.title));
    if let Some(issue) = sentry {
        let short = one_line(&issue.short_id);
        let shown = match &issue.url {
            Some(url) => format!("[{short}]({})", one_line(url)),
            None => short,
        };
        let _ = writeln!(out, "\nSentry issue: {shown} {}", one_line(&issue.title));
    }
    let schema: Vec<_> = report.migrations.iter().filter(|m| m.migration.kind == Kind::Schema).collect();
    if !report.kept_paths.is_empty() {
        out.push_str("\n### Migrations kept\n\nThe PR runs in production: its migrations ran there and stay applied, so these files stay as they are and the repository keeps agreeing with production's database.\n\n");
        for p in &report.kept_paths {
            let _ = writeln!(out, "- `{p}`");
        }
        for m in &schema {
            let verdict = match m.old_code {
                Verdict::Breaks => "**breaks**",
                Verdict::Compatible => "compatible",
                Verdict::Unknown => "unknown",
            };
            let name = m.name();
            let _ = writeln!(out, "- the restored code against {name}: {verdict} ({})", one_line(&m.old_code_reason));
        }
    }
    let data = report.data_migrations();
    if !data.is_empty() {
        let _ = writeln!(out, "\nData migrations are not undone: {}.", data.join(", "));
    }
    if let Some(u) = &report.undo_migration {
        let _ = writeln!(
            out,
            "\n### Undo migration\n\n`{}` reverts {} with Rails' `revert`:",
            u.path,
            u.reverts.join(", ")
        );
        for s in &u.statements {
            let _ = writeln!(out, "- `{s}`");
        }
        for l in &u.data_loss {
            let _ = writeln!(out, "- **data loss**: {l}");
        }
    }
    out.push_str("\nConflicts resolved: none (bpdeploy only opens reverts that apply cleanly).\n\nOpened with `bpdeploy revert`.\n");
    out
}

fn thread(report: &Report) -> String {
    let mut out = String::new();
    if report.kept_paths.is_empty() {
        out.push_str("The revert removes the PR's code and files.");
    } else {
        let _ = write!(out, "Kept as they are (production ran them): {}.", report.kept_paths.join(", "));
    }
    let breaking: Vec<String> = report
        .migrations
        .iter()
        .filter(|m| m.old_code == Verdict::Breaks)
        .map(|m| one_line(&m.old_code_reason))
        .collect();
    if !breaking.is_empty() {
        let _ = write!(out, "\nThe restored code will meet: {}.", breaking.join("; "));
    }
    crate::deploy::announce::escape(&out)
}
