//! The human form of a [`Preflight`] report, in sections. Tables are tab-separated when stdout
//! is not a terminal; every text that came from the repository or a service goes through
//! `sanitize`: paths in their visible form (a control character shows as `\x1b`), names,
//! subjects and titles on one line, so nothing can set the terminal's title or forge a line.
use super::online::CiLevel;
use super::{Level, Preflight};
use crate::ui::render::{linked_table, table};
use crate::ui::sanitize::{one_line, path};
use crate::ui::time::when_text;
use crate::ui::Ui;
use console::Style;
use std::fmt::Write;

pub fn render(p: &Preflight, ui: &Ui) -> String {
    let mut out = String::new();
    let heading = |out: &mut String, title: &str| {
        let _ = writeln!(out, "{}", ui.out_style(Style::new().bold()).apply_to(title));
    };
    heading(&mut out, "Range");
    let r = &p.range;
    let (from_ref, to_ref) = (one_line(&r.from_ref), one_line(&r.to_ref));
    let _ = writeln!(out, "  from {} ({from_ref})\n  to   {} ({to_ref})", short(&r.from), short(&r.to));
    // The range's warnings go to stderr (see `PreflightOutcome::warnings`) and into the verdict.
    let _ = writeln!(out, "  {} commits, {} on the first-parent line", r.commits, r.first_parent_commits);

    heading(&mut out, &format!("\nPull requests ({})", p.pull_requests.len()));
    let rows: Vec<Vec<String>> = p
        .pull_requests
        .iter()
        .map(|pr| {
            vec![
                format!("#{}", pr.number),
                pr.author.clone().unwrap_or_else(|| pr.git_author.clone()),
                pr.files.len().to_string(),
                pr.migrations.len().to_string(),
                pr.title.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let links: Vec<Option<String>> = p.pull_requests.iter().map(|pr| pr.url.clone()).collect();
    if p.pull_requests.is_empty() {
        out.push_str(NONE);
    } else {
        out.push_str(&indent(&linked_table(ui, &["PR", "AUTHOR", "FILES", "MIGRATIONS", "TITLE"], &rows, &links)));
    }
    if !p.direct_commits.is_empty() {
        let _ = writeln!(out, "  direct pushes ({}):", p.direct_commits.len());
        let rows: Vec<Vec<String>> =
            p.direct_commits.iter().map(|c| vec![short(&c.sha).into(), c.author.clone(), c.subject.clone()]).collect();
        out.push_str(&indent(&table(ui, &["SHA", "AUTHOR", "SUBJECT"], &rows)));
    }

    heading(&mut out, "\nOwnership");
    let rows: Vec<Vec<String>> = p
        .ownership
        .iter()
        .map(|a| {
            let people: Vec<String> = a.people.iter().map(|o| format!("{} ({})", o.name, o.files)).collect();
            vec![path(&a.area), a.files.to_string(), people.join(", ")]
        })
        .collect();
    out.push_str(&table_or_none(ui, &["AREA", "FILES", "WHO (FILES)"], &rows));

    heading(&mut out, &format!("\nMigrations ({})", p.migrations.len()));
    migrations(&mut out, p, ui);

    heading(&mut out, "\nCI");
    online_sections(&mut out, p, ui);

    heading(&mut out, "\nVerdict");
    let style = match p.verdict.level {
        Level::Go => Style::new().green().bold(),
        Level::Caution => Style::new().yellow().bold(),
        Level::Stop => Style::new().red().bold(),
    };
    let _ = writeln!(out, "  {}", ui.out_style(style).apply_to(p.verdict.level.as_str().to_uppercase()));
    for reason in &p.verdict.reasons {
        let _ = writeln!(out, "  - {} ({}): {}", reason.level.as_str(), reason.code, one_line(&reason.message));
    }
    out
}

fn migrations(out: &mut String, p: &Preflight, ui: &Ui) {
    let command =
        p.release_command.as_deref().map(one_line).unwrap_or_else(|| "none (no Procfile release: line)".into());
    let _ = writeln!(out, "  release command: {command}");
    let rows: Vec<Vec<String>> = p
        .migrations
        .iter()
        .map(|m| {
            vec![
                m.run_order.map(|n| n.to_string()).unwrap_or_else(|| "-".into()),
                serde_plain(&m.change),
                serde_plain(&m.kind),
                path(&m.path),
                m.pull_request.map(|n| format!("#{n}")).unwrap_or_else(|| "-".into()),
                m.risks.len().to_string(),
            ]
        })
        .collect();
    out.push_str(&table_or_none(ui, &["RUN", "CHANGE", "KIND", "PATH", "PR", "RISKS"], &rows));
    let red = ui.out_style(Style::new().red());
    for m in &p.migrations {
        let shown = path(&m.path);
        for r in &m.risks {
            let _ = writeln!(out, "  {shown}:{} {} {}", r.line, red.apply_to(one_line(&r.check)), one_line(&r.message));
            let _ = writeln!(out, "      safe: {}", one_line(&r.recipe));
        }
        for n in &m.notes {
            let _ = writeln!(out, "  {shown}: {}", one_line(n));
        }
    }
}

fn online_sections(out: &mut String, p: &Preflight, ui: &Ui) {
    let unknown = if p.offline { "  not checked (offline)" } else { "  unknown" };
    match &p.ci {
        Some(ci) => {
            let state = match ci.state {
                CiLevel::None => "no status or check run".to_string(),
                _ => serde_plain(&ci.state),
            };
            let _ = writeln!(out, "  {state} on {}", short(&ci.sha));
            for c in ci.checks.iter().filter(|c| c.state != CiLevel::Success) {
                let url = c.url.as_deref().map(|u| format!(" {}", one_line(u))).unwrap_or_default();
                let _ = writeln!(out, "  {}\t{}{url}", serde_plain(&c.state), one_line(&c.name));
            }
        }
        None => out.push_str(&format!("{unknown}\n")),
    }
    out.push_str(&format!("{}\n", ui.out_style(Style::new().bold()).apply_to("\nProduction now")));
    match &p.production {
        Some(prod) => {
            // Heroku did not say: "unknown", never a guess.
            let commit = prod.commit.as_deref().map(short).unwrap_or("an unknown commit");
            let who = prod.user.as_deref().map(one_line).unwrap_or_else(|| "an unknown user".into());
            let _ = writeln!(out, "  {} v{} at {commit} by {who}", one_line(&prod.app), prod.release_version);
            let now = chrono::Utc::now();
            let when = |t: &str| when_text(ui.stdout_tty, now, t);
            if let Some(at) = &prod.deployed_at {
                let _ = writeln!(out, "  deployed {}", when(at));
            }
            for w in &prod.in_progress {
                let by = w.user.as_deref().map(|u| format!(" by {}", one_line(u))).unwrap_or_default();
                let since = w.created_at.as_deref().map(|t| format!(", started {}", when(t))).unwrap_or_default();
                let _ = writeln!(out, "  in progress: {} {}{by}{since}", w.kind, one_line(&w.id));
            }
        }
        None => out.push_str(&format!("{unknown}\n")),
    }
    out.push_str(&format!("{}\n", ui.out_style(Style::new().bold()).apply_to("\nSentry baseline")));
    match &p.sentry_baseline {
        Some(b) => {
            let rate = b.error_events_last_hour.map(|n| n.to_string()).unwrap_or_else(|| "an unknown number of".into());
            let _ = writeln!(
                out,
                "  {} unresolved issues in 24h, {rate} error events in the last hour",
                b.unresolved_issues
            );
            let rows: Vec<Vec<String>> = b
                .top_issues
                .iter()
                .map(|i| vec![i.short_id.clone().unwrap_or_else(|| i.id.clone()), i.count.to_string(), i.title.clone()])
                .collect();
            let links: Vec<Option<String>> = b.top_issues.iter().map(|i| i.permalink.clone()).collect();
            out.push_str(&indent(&linked_table(ui, &["ISSUE", "EVENTS", "TITLE"], &rows, &links)));
        }
        None => match (&p.sentry_baseline_unknown, p.offline) {
            (Some(why), false) => out.push_str(&format!("{unknown}: {why}\n")),
            _ => out.push_str(&format!("{unknown}\n")),
        },
    }
}

/// A unit enum's serde name (`added`, `schema`, `failure`).
fn serde_plain<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

fn short(sha: &str) -> &str {
    &sha[..sha.len().min(7)]
}

/// An empty section says so, as `gh` does, rather than showing a header over no rows.
const NONE: &str = "  none\n";

fn table_or_none(ui: &Ui, headers: &[&str], rows: &[Vec<String>]) -> String {
    if rows.is_empty() {
        return NONE.into();
    }
    indent(&table(ui, headers, rows))
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}\n")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preflight::online::Production;

    fn report(production: Production) -> Preflight {
        Preflight { production: Some(production), offline: false, ..crate::preflight::blank_report() }
    }

    #[test]
    fn production_says_unknown_where_heroku_did_not_say_and_times_read_humanely_on_a_terminal() {
        let deployed = chrono::Utc::now() - chrono::Duration::hours(50);
        let production = Production {
            app: "shop".into(),
            release_version: 42,
            release_id: "r".into(),
            commit: None,
            description: None,
            user: None,
            deployed_at: Some(crate::ui::time::stamp(deployed)),
            hours_since_deploy: Some(50.0),
            in_progress: vec![],
        };
        let tty = Ui { stdout_tty: true, ..Ui::plain() };
        let shown = render(&report(production.clone()), &tty);
        assert!(shown.contains("  shop v42 at an unknown commit by an unknown user\n"), "{shown}");
        assert!(shown.contains("  deployed 2 days ago\n"), "{shown}");
        assert!(shown.contains("(v41)"), "{shown}");
        let piped = render(&report(production), &Ui::plain());
        assert!(piped.contains(&format!("  deployed {}\n", crate::ui::time::stamp(deployed))), "{piped}");
    }

    #[test]
    fn a_commit_without_ci_says_so_in_words() {
        let sha = "0123456789abcdef0123456789abcdef01234567".to_string();
        let ci = |state| Some(crate::preflight::online::CiState { sha: sha.clone(), state, checks: vec![] });
        let p = Preflight { ci: ci(CiLevel::None), offline: false, ..crate::preflight::blank_report() };
        let shown = render(&p, &Ui::plain());
        assert!(shown.contains("CI\n  no status or check run on 0123456\n"), "{shown}");
        let p = Preflight { ci: ci(CiLevel::Success), offline: false, ..crate::preflight::blank_report() };
        assert!(render(&p, &Ui::plain()).contains("CI\n  success on 0123456\n"));
    }
}
