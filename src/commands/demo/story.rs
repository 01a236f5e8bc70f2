//! The demo's narration, derived from what each command reported (its JSON form), so that the
//! words always match the result above them: a caution is never called acceptable, and the
//! count of risky migrations is the count preflight found.
use crate::cli::Command;
use crate::ui::sanitize::one_line;
use serde_json::Value;

/// What the demo does after preflight.
pub enum AfterPreflight {
    /// Ship, with these words.
    Deploy(String),
    /// Preflight said stop: the demo ends here, as `deploy` would.
    Stop(String),
}

/// What the demo does after the deploy.
pub enum AfterDeploy {
    /// The watch failed: find the PR behind the new error.
    Triage(String),
    /// Nothing to recover (healthy), or nothing the routine's next steps can do: these words end it.
    End(String),
}

pub const PREFLIGHT: &str = "Before touching anything, let's see what's about to ship: the PRs since production's \
commit, who owns them, the migrations and their risks, CI, and Sentry's baseline.";

const SHIP: &str = "build, release phase (the migrations run here), then we watch Sentry, Heroku's router and dynos, \
the app's own pages and Slack while traffic moves over.";

pub fn after_preflight(report: &Value) -> AfterPreflight {
    let level = report["verdict"]["level"].as_str().unwrap_or("unknown");
    let reasons = report["verdict"]["reasons"].as_array().map(Vec::len).unwrap_or(0);
    let migrations = report["migrations"].as_array().cloned().unwrap_or_default();
    let risky: Vec<&Value> =
        migrations.iter().filter(|m| m["risks"].as_array().is_some_and(|r| !r.is_empty())).collect();
    let mut checks: Vec<&str> = risky
        .iter()
        .flat_map(|m| m["risks"].as_array().into_iter().flatten())
        .filter_map(|r| r["check"].as_str())
        .collect();
    checks.dedup();
    let findings = match risky.len() {
        0 => String::new(),
        n => format!(
            ", and {} of the {} migrations {} lint findings ({})",
            count(n),
            count(migrations.len()),
            if n == 1 { "has" } else { "have" },
            checks.join(", ")
        ),
    };
    match level {
        "go" => AfterPreflight::Deploy(format!("Preflight says GO{findings}. Shipping it: {SHIP}")),
        "caution" => AfterPreflight::Deploy(format!(
            "Preflight says CAUTION ({} {} above){findings}. At a real desk you would read each one and its safe \
             recipe first; this drill ships with eyes open: {SHIP}",
            count(reasons),
            if reasons == 1 { "reason" } else { "reasons" }
        )),
        _ => {
            let why = report["verdict"]["reasons"]
                .as_array()
                .and_then(|r| r.iter().find(|r| r["level"] == "stop"))
                .and_then(|r| r["message"].as_str())
                .map(one_line)
                .unwrap_or_else(|| "see the verdict above".into());
            AfterPreflight::Stop(format!(
                "Preflight says {}: {why}. `bpdeploy deploy` refuses that without --force, and so does this demo: it \
                 ends here.",
                level.to_uppercase()
            ))
        }
    }
}

pub fn after_deploy(result: &Value) -> AfterDeploy {
    let production = result["production"].as_str().filter(|p| !p.is_empty()).map(one_line);
    let production = production.unwrap_or_else(|| "see the report above".into());
    let status = result["status"].as_str().unwrap_or("unknown");
    let reasons = result["watch"]["reasons"].as_array().cloned().unwrap_or_default();
    let failing_on = |channel: &str| reasons.iter().any(|r| r["fails"] == true && r["channel"] == channel);
    match status {
        "failing" if failing_on("sentry") || reasons.is_empty() => AfterDeploy::Triage(
            "Sentry is unhappy with the new release. Triage: which PR does the new error come from, and what should \
             we do about it?"
                .into(),
        ),
        "failing" => {
            let channels: Vec<&str> =
                reasons.iter().filter(|r| r["fails"] == true).filter_map(|r| r["channel"].as_str()).collect();
            AfterDeploy::Triage(format!(
                "Sentry stayed quiet, but the watch failed on {}: users see it even though no error reached Sentry. \
                 Triage can only look for a Sentry issue; the PRs of this deploy are the suspects.",
                one_line(&channels.join(" and "))
            ))
        }
        "healthy" if reasons.iter().any(|r| r["kind"] == "transient_issue") => AfterDeploy::End(format!(
            "A new Sentry issue came and went on its own during the rollout (reported as transient, failing \
             nothing), and every channel stayed healthy: {production}. Nothing to recover."
        )),
        "healthy" => AfterDeploy::End(format!(
            "Sentry, the router, the pages and Slack stayed quiet for the whole watch: {production}. Nothing to \
             recover."
        )),
        "build_failed" => AfterDeploy::End(format!(
            "The build failed, so nothing changed: {production}. Fix the build and deploy again; there is nothing \
             to recover."
        )),
        "release_failed" => AfterDeploy::End(format!(
            "The release phase failed: {production}. The report above lists which migrations ran and which did \
             not: fix forward, then deploy again."
        )),
        "rolled_back" => AfterDeploy::End(format!("The watch failed and bpdeploy rolled back: {production}.")),
        other => AfterDeploy::End(format!("The deploy ended {other}: {production}.")),
    }
}

/// What the demo does after triage.
pub enum AfterTriage {
    /// Run triage's next command, one `&&` part at a time: (step name, words, command).
    Run(Vec<(String, String, Command)>),
    /// Nothing the sandbox can run (a flag, data, a transient issue): these words end it.
    End(String),
}

/// Triage's recommendation, followed: the first issue that calls for a recovery, its next
/// command parsed by the real command line (so the demo runs exactly what was printed).
pub fn after_triage(report: &Value, culprit: Option<u64>) -> AfterTriage {
    let issues = report["issues"].as_array().cloned().unwrap_or_default();
    let recovery = issues.iter().find(|i| matches!(i["classification"].as_str(), Some("revert" | "rollback")));
    let Some(issue) = recovery else {
        // Triage runs after a failing watch: finding no issue is no all-clear.
        if issues.is_empty() {
            return AfterTriage::End(
                "Triage found no new Sentry issue in the release, so it names no PR and no recovery; the watch's \
                 verdict stands. At a real desk, its next steps above are the move: `bpdeploy rollback` takes the \
                 release out of production while you look into what the watch saw."
                    .into(),
            );
        }
        let first = issues.first();
        let what = first.and_then(|i| i["classification"].as_str()).unwrap_or("unknown");
        let next = first.and_then(|i| i["next_command"].as_str()).map(one_line);
        let tail = match next {
            Some(cmd) => format!(" At a real desk the next move is `{cmd}`; the sandbox has no dynos to run it on."),
            None => " Nothing to run: no revert, no rollback.".into(),
        };
        return AfterTriage::End(format!("Triage says {what}.{tail}"));
    };
    let Some(next) = issue["next_command"].as_str() else {
        return AfterTriage::End(
            "Triage recommends a recovery but could not name the command: read its reasons.".into(),
        );
    };
    let why = issue["reasons"].as_array().and_then(|r| {
        r.iter()
            .rev()
            .find_map(|x| x.as_str().filter(|t| t.starts_with("5. ")).map(|t| one_line(t.trim_start_matches("5. "))))
    });
    let why = why.unwrap_or_else(|| "see the reasons above".into());
    let mut steps = Vec::new();
    for part in next.split("&&") {
        let words: Vec<&str> = part.split_whitespace().collect();
        let Some(("bpdeploy", args)) = words.split_first().map(|(a, b)| (*a, b)) else { continue };
        let Ok(cli) = crate::cli::try_parse_from(std::iter::once("bpdeploy").chain(args.iter().copied())) else {
            return AfterTriage::End(format!("Triage's next command did not parse: `{}`", one_line(next)));
        };
        let name = match args.first() {
            Some(&"deploy") => "deploy --watch".to_string(),
            Some(cmd) => cmd.to_string(),
            None => continue,
        };
        let words = match (name.as_str(), steps.is_empty()) {
            ("revert", _) => format!(
                "Triage says {why}. Following it: `{}`. The revert is predicted first, then opened as a PR, merged once CI passes, deployed and watched until the error stops{}.",
                one_line(part.trim()),
                culprit.map(|n| format!(" (PR #{n} goes, the rest of the deploy stays)")).unwrap_or_default()
            ),
            ("rollback", _) => format!(
                "Triage says {why}. Following it: `{}`. The preview shows what leaves production and which migrations stay, then the app moves back and is watched until the error stops.",
                one_line(part.trim())
            ),
            (_, false) => format!("Then `{}`: the recovery is done only when the error is gone.", one_line(part.trim())),
            (_, true) => format!("Following triage: `{}`.", one_line(part.trim())),
        };
        steps.push((name, words, cli.command));
    }
    AfterTriage::Run(steps)
}

/// "three", "twelve": small counts read better as words.
fn count(n: usize) -> String {
    const WORDS: [&str; 11] = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];
    WORDS.get(n).map(|w| w.to_string()).unwrap_or_else(|| n.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn migration(checks: &[&str]) -> Value {
        json!({"risks": checks.iter().map(|c| json!({"check": c})).collect::<Vec<_>>()})
    }

    #[test]
    fn a_caution_is_never_called_acceptable_and_findings_are_counted() {
        let report = json!({
            "verdict": {"level": "caution", "reasons": [{"level": "caution"}, {"level": "caution"}, {"level": "caution"}, {"level": "caution"}]},
            "migrations": [migration(&[]), migration(&["add_index"]), migration(&["data_irreversible"]), migration(&["change_column"]), migration(&[])],
        });
        let AfterPreflight::Deploy(words) = after_preflight(&report) else {
            panic!("a caution still ships in a drill")
        };
        assert!(words.starts_with("Preflight says CAUTION (four reasons above), and three"), "{words}");
        assert!(
            words.contains(
                "three of the five migrations have lint findings (add_index, data_irreversible, change_column)"
            ),
            "{words}"
        );
        assert!(!words.to_lowercase().contains("acceptable"), "{words}");

        let go = json!({"verdict": {"level": "go", "reasons": []}, "migrations": [migration(&[])]});
        let AfterPreflight::Deploy(words) = after_preflight(&go) else { panic!() };
        assert!(words.starts_with("Preflight says GO. Shipping it"), "{words}");

        let stop = json!({"verdict": {"level": "stop", "reasons": [{"level": "stop", "message": "CI is failing on 83eea33"}]}, "migrations": []});
        let AfterPreflight::Stop(words) = after_preflight(&stop) else { panic!("a stop does not ship") };
        assert!(words.contains("STOP: CI is failing on 83eea33"), "{words}");
    }

    #[test]
    fn the_deploy_result_decides_what_comes_next() {
        let failing = json!({"status": "failing", "production": "storefront serves v7, which is failing"});
        assert!(matches!(after_deploy(&failing), AfterDeploy::Triage(_)));
        let healthy = json!({"status": "healthy", "production": "storefront serves v7"});
        let AfterDeploy::End(words) = after_deploy(&healthy) else { panic!("healthy needs no triage") };
        assert!(words.contains("storefront serves v7") && words.contains("Nothing to recover"), "{words}");
        let timeouts = json!({"status": "failing", "production": "p",
            "watch": {"reasons": [{"channel": "router", "fails": true}, {"channel": "slack", "fails": false}]}});
        let AfterDeploy::Triage(words) = after_deploy(&timeouts) else { panic!("a failing watch leads to triage") };
        assert!(words.starts_with("Sentry stayed quiet, but the watch failed on router:"), "{words}");
        let transient =
            json!({"status": "healthy", "production": "p", "watch": {"reasons": [{"kind": "transient_issue"}]}});
        let AfterDeploy::End(words) = after_deploy(&transient) else { panic!() };
        assert!(words.contains("transient"), "{words}");
        let failed = json!({"status": "release_failed", "production": "storefront still serves v6"});
        let AfterDeploy::End(words) = after_deploy(&failed) else { panic!() };
        assert!(words.starts_with("The release phase failed: storefront still serves v6"), "{words}");
    }

    /// The watch failed (router timeouts) and Sentry has no issue: triage cannot weigh anything,
    /// which is no all-clear. It said "Nothing to run: no revert, no rollback".
    #[test]
    fn no_issue_to_triage_leaves_the_failing_watch_standing() {
        let AfterTriage::End(words) = after_triage(&json!({"issues": []}), None) else { panic!("nothing to run") };
        assert!(!words.contains("no revert, no rollback"), "{words}");
        assert!(words.contains("the watch's verdict stands"), "{words}");
        assert!(words.contains("`bpdeploy rollback`"), "{words}");
        let data = json!({"issues": [{"classification": "data", "next_command": null}]});
        let AfterTriage::End(words) = after_triage(&data, None) else { panic!() };
        assert_eq!(words, "Triage says data. Nothing to run: no revert, no rollback.");
    }
}
