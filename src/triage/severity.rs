//! How bad is it? Severe damage (a high rate, many users, a critical transaction, a fatal level)
//! rules out waiting for a revert's CI and build, and out a fix forward.
use super::evidence::IssueFacts;
use crate::config::TriageConfig;
use crate::ui::sanitize::one_line;

/// Why the damage is severe; empty when it is bounded.
pub fn severity(issue: &IssueFacts, config: &TriageConfig) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(rate) = issue.events_per_minute.filter(|r| *r >= config.severe_events_per_minute) {
        out.push(format!("{rate:.0} events a minute, severe from {}", config.severe_events_per_minute));
    }
    if issue.users >= config.severe_users {
        out.push(format!("{} users, severe from {}", issue.users, config.severe_users));
    }
    let hits = |t: &str| config.critical_transactions.iter().find(|c| c.eq_ignore_ascii_case(t.trim()));
    if let Some(tx) = issue.transaction.as_deref().and_then(hits).or_else(|| issue.culprit.as_deref().and_then(hits)) {
        out.push(format!("it hits {tx}, a critical transaction"));
    }
    if issue.level.as_deref() == Some("fatal") {
        out.push("its level is fatal".into());
    }
    out
}

/// The bounded damage in numbers, for the reasons.
pub fn bounded(issue: &IssueFacts, config: &TriageConfig) -> String {
    let rate = issue.events_per_minute.map(|r| format!("{r:.0}")).unwrap_or_else(|| "unknown".into());
    let tx = issue.transaction.as_deref().map(one_line).unwrap_or_else(|| "no transaction".into());
    format!(
        "{rate} events a minute under {}, {} users under {}, {tx} not critical, level {}",
        config.severe_events_per_minute,
        issue.users,
        config.severe_users,
        issue.level.as_deref().unwrap_or("unknown")
    )
}
