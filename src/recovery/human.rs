//! The human form of a recovery [`Report`]: the preview in sections, then what happened. Every
//! text from a service or a commit goes through `sanitize`; tables are tab-separated off a TTY.
use super::compat::Verdict;
use super::eta;
use super::report::{Action, Level, ReleaseFacts, Report, Target, FOLLOW_FAILED};
use super::sentry_issue::IssueState;
use crate::ui::render::{linked_table, table};
use crate::ui::sanitize::one_line;
use crate::ui::Ui;
use console::Style;
use std::fmt::Write;

pub fn preview(r: &Report, ui: &Ui) -> String {
    let mut out = String::new();
    let bold = ui.out_style(Style::new().bold());
    let level = match r.level {
        Level::Safe => ui.out_style(Style::new().green()).apply_to("safe"),
        Level::Caution => ui.out_style(Style::new().yellow()).apply_to("caution"),
        Level::Danger => ui.out_style(Style::new().red().bold()).apply_to("DANGER"),
    };
    // Without a target nothing was judged: a level would read as a verdict on the refusal.
    let _ = match r.target.is_some() {
        true => writeln!(out, "{} [{level}]", bold.apply_to(title(r))),
        false => writeln!(out, "{}", bold.apply_to(title(r))),
    };
    match &r.target {
        Some(Target::Release(t)) => {
            let _ = writeln!(out, "  target   {}", release_line(t, ui));
        }
        Some(Target::PullRequest(p)) => {
            let by = p.author.as_deref().map(|a| format!(" by {}", one_line(a))).unwrap_or_default();
            let _ = writeln!(
                out,
                "  target   #{} {}{by} ({}, {})",
                p.number,
                one_line(&p.title),
                p.merged_as,
                short(&p.merge_commit)
            );
            let production = match p.in_production {
                Some(true) => "runs in production",
                Some(false) => "not deployed yet",
                None => "unknown whether production runs it",
            };
            let _ = writeln!(out, "           {production}");
        }
        None => {}
    }
    if let Some(c) = &r.current {
        let _ = writeln!(out, "  current  {}", release_line(c, ui));
    }
    for s in &r.skipped {
        let _ = writeln!(out, "  passed over v{}: {}", s.version, one_line(&s.reason));
    }
    if r.target.is_none() {
        return out;
    }
    if r.command == "rollback" {
        match &r.removed_pull_requests {
            Some(prs) => {
                let _ =
                    writeln!(out, "\n{}", bold.apply_to(format!("Pull requests leaving production ({})", prs.len())));
                let rows: Vec<Vec<String>> = prs
                    .iter()
                    .map(|p| vec![format!("#{}", p.number), p.author.clone().unwrap_or_default(), p.title.clone()])
                    .collect();
                let links: Vec<Option<String>> = prs.iter().map(|p| p.url.clone()).collect();
                out.push_str(&indent(&linked_table(ui, &["PR", "AUTHOR", "TITLE"], &rows, &links)));
            }
            None => {
                let _ = writeln!(
                    out,
                    "\n{}\n  unknown (see the warnings)",
                    bold.apply_to("Pull requests leaving production")
                );
            }
        }
    }
    migrations(&mut out, r, ui);
    conflicts(&mut out, r, ui);
    if !r.kept_paths.is_empty() {
        let _ = writeln!(out, "\n{}", bold.apply_to("Kept as on the tip (production's database ran them)"));
        for p in &r.kept_paths {
            let _ = writeln!(out, "  {}", one_line(p));
        }
    }
    if let Some(u) = &r.undo_migration {
        let _ = writeln!(out, "\n{} {}", bold.apply_to("Undo migration"), one_line(&u.path));
        for s in &u.statements {
            let _ = writeln!(out, "  runs   {}", one_line(s));
        }
        for l in &u.data_loss {
            let _ = writeln!(out, "  {}  {}", ui.out_style(Style::new().red()).apply_to("loses"), one_line(l));
        }
        for risk in &u.risks {
            let _ = writeln!(out, "  lint   {}: {}", risk.check, one_line(&risk.message));
        }
    }
    if r.command == "rollback" {
        let keys = match &r.config_changes {
            Some(k) if k.is_empty() => "none".to_string(),
            Some(k) => k.iter().map(|k| one_line(k)).collect::<Vec<_>>().join(", "),
            None => "unknown".to_string(),
        };
        let _ =
            writeln!(out, "\nConfig vars rolled back with the code: {keys} (keys only; add-ons are not rolled back)");
    }
    if let Some(issue) = &r.sentry_issue {
        let _ = writeln!(out, "Sentry issue followed: {} {}", one_line(&issue.short_id), one_line(&issue.title));
    }
    let e = &r.estimated_recovery_secs;
    let parts: Vec<String> = e
        .parts
        .iter()
        .map(|p| match (p.what, p.secs) {
            ("traffic", _) => "traffic moving over 3–7 min".to_string(),
            (what, Some(s)) => format!("{} {}", what.replace('_', " "), eta::duration(s)),
            (what, None) => format!("{} unknown", what.replace('_', " ")),
        })
        .collect();
    let _ = writeln!(out, "Estimated time to recovery: {} ({})", eta::human(e), parts.join(" + "));
    // A follow-up's failure is what happened, not a preview's caution: the result says it.
    for w in r.warnings.iter().filter(|w| !FOLLOW_FAILED.contains(&w.code.as_str())) {
        let _ = writeln!(out, "{} {}", ui.out_style(Style::new().yellow()).apply_to("warning:"), one_line(&w.message));
    }
    let breaking: Vec<String> = r
        .migrations
        .iter()
        .filter(|m| m.old_code == Verdict::Breaks)
        .map(|m| format!("{} ({})", m.name(), m.old_code_reason))
        .collect();
    if !breaking.is_empty() {
        let _ = writeln!(
            out,
            "{} the restored code breaks on {} that {} applied: {}",
            ui.out_style(Style::new().red().bold()).apply_to("DANGER:"),
            if breaking.len() == 1 { "a migration" } else { "migrations" },
            if breaking.len() == 1 { "stays" } else { "stay" },
            one_line(&breaking.join("; "))
        );
    }
    out
}

fn title(r: &Report) -> String {
    match (&r.target, &r.current) {
        (Some(Target::Release(t)), Some(c)) => format!("Rollback of {}: v{} → v{}", r.app, c.version, t.version),
        (Some(Target::PullRequest(p)), _) => format!("Revert of #{} on {}", p.number, r.app),
        _ => format!("{} of {}", if r.command == "rollback" { "Rollback" } else { "Revert" }, r.app),
    }
}

fn migrations(out: &mut String, r: &Report, ui: &Ui) {
    let heading = match r.command {
        "rollback" => "Migrations that stay applied (no down migration runs)",
        _ => "Migrations of the pull request",
    };
    let _ = writeln!(out, "\n{} ({})", ui.out_style(Style::new().bold()).apply_to(heading), r.migrations.len());
    if r.migrations.is_empty() {
        return;
    }
    let rows: Vec<Vec<String>> = r
        .migrations
        .iter()
        .map(|m| {
            let mm = &m.migration;
            vec![
                mm.version.clone().unwrap_or_default(),
                mm.class_name.clone().unwrap_or_else(|| mm.path.clone()),
                format!("{:?}", mm.kind).to_lowercase(),
                mm.pull_request.map(|n| format!("#{n}")).unwrap_or_default(),
                format!("{:?}", m.old_code).to_lowercase(),
                m.old_code_reason.clone(),
            ]
        })
        .collect();
    out.push_str(&indent(&table(ui, &["VERSION", "CLASS", "KIND", "PR", "OLD CODE", "WHY"], &rows)));
    let data = r.data_migrations();
    if !data.is_empty() {
        let _ = writeln!(
            out,
            "  Data migrations are never undone; their changes to rows stay: {}",
            one_line(&data.join(", "))
        );
    }
}

fn conflicts(out: &mut String, r: &Report, ui: &Ui) {
    if r.conflicts.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\n{}",
        ui.out_style(Style::new().red().bold()).apply_to("Conflicts (the revert cannot be made as is)")
    );
    let rows: Vec<Vec<String>> = r
        .conflicts
        .iter()
        .map(|c| {
            let lines =
                c.lines.map_or("whole file".into(), |[a, b]| if a == b { a.to_string() } else { format!("{a}-{b}") });
            let mut by: Vec<String> = c.pull_requests.iter().map(|n| format!("#{n}")).collect();
            by.extend(c.commits.iter().cloned());
            vec![c.path.clone(), lines, by.join(", ")]
        })
        .collect();
    out.push_str(&indent(&table(ui, &["FILE", "LINES", "LATER CHANGES BY"], &rows)));
}

/// What happened after the preview.
pub fn result(r: &Report, ui: &Ui) -> String {
    let mut out = String::new();
    match r.action {
        Action::Previewed => {
            let _ = writeln!(out, "Dry run: nothing was sent.");
        }
        Action::Refused | Action::Failed => {
            if let Some(f) = &r.refusal {
                let verb = if r.action == Action::Refused { "Refused" } else { "Failed" };
                let _ = writeln!(out, "{verb}: {}", one_line(&f.message));
                if let Some(h) = &f.hint {
                    let _ = writeln!(out, "hint: {}", one_line(h));
                }
            }
        }
        _ => {}
    }
    if let Some(rel) = &r.release {
        let _ = writeln!(out, "Rollback release v{}: {}", rel.version, one_line(&rel.status));
    }
    if let Some(pr) = &r.pull_request {
        let _ = writeln!(
            out,
            "Revert pull request #{}: {} (branch {})",
            pr.number,
            one_line(&pr.url),
            one_line(&pr.branch)
        );
        if let Some(sha) = &pr.merge_commit {
            let _ = writeln!(out, "Merged as {}", one_line(short(sha)));
        }
    }
    if r.action == Action::RolledBack {
        let _ = writeln!(out, "Production runs the target's code again; schema migrations stay applied.");
    }
    // Only a rollback watches (its rollback release), only a revert deploys (the branch).
    for (what, outcome) in [("Watch of the rollback release", &r.watch), ("Deploy of the branch", &r.deploy)] {
        if let Some(o) = outcome {
            let _ = writeln!(out, "{what}:");
            // Its own next steps are folded into the recovery's below.
            let text = crate::ui::render::Outcome::human(o, ui);
            for line in text.lines().filter(|l| !l.starts_with("Next: ")) {
                let _ = writeln!(out, "  {line}");
            }
        }
    }
    if let Some(w) = r.follow_failure() {
        let _ = writeln!(out, "{} {}", ui.out_style(Style::new().yellow()).apply_to("warning:"), one_line(&w.message));
    }
    // Not followed yet (a dry run, a path that stopped early): the preview named it already.
    if let Some(issue) = r.sentry_issue.as_ref().filter(|i| i.state != IssueState::Following) {
        let _ = writeln!(out, "Sentry issue {}", one_line(&issue.line()));
    }
    for n in &r.next {
        let _ = writeln!(out, "{}", n.line());
    }
    out
}

/// `v6  e6edcb4  dave@acme.test  1 day ago  "Deploy e6edcb4d"` (RFC 3339 off a terminal).
fn release_line(r: &ReleaseFacts, ui: &Ui) -> String {
    let when = crate::ui::time::when_text(ui.stdout_tty && !ui.json, chrono::Utc::now(), &r.created_at);
    format!(
        "v{}  {}  {}  {}  \"{}\"",
        r.version,
        one_line(r.commit.as_deref().map(short).unwrap_or("unknown")),
        one_line(r.user.as_deref().unwrap_or("someone")),
        one_line(&when),
        one_line(&r.description)
    )
}

fn short(sha: &str) -> &str {
    &sha[..sha.len().min(7)]
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}\n")).collect()
}

/// A recovery command's outcome. When the preview was already shown (before the question), only
/// what happened is printed at the end.
pub struct Outcome {
    pub report: Report,
    pub preview_shown: bool,
    /// A watch or deploy streamed NDJSON events: with `--json` the result is their last line.
    pub streamed: bool,
}

impl crate::ui::render::Outcome for Outcome {
    fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(&self.report).unwrap_or_default()
    }
    fn human(&self, ui: &Ui) -> String {
        match self.preview_shown {
            true => result(&self.report, ui),
            false => format!("{}\n{}", preview(&self.report, ui), result(&self.report, ui)),
        }
    }
    fn exit(&self) -> crate::exit::Exit {
        self.report.exit()
    }
    fn is_event_stream(&self) -> bool {
        self.streamed
    }
}

#[cfg(test)]
#[path = "human_tests.rs"]
mod tests;
