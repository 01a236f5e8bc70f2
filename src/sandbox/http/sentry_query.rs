//! The parts of Sentry's query parameters the sandbox understands: its search syntax (`query=`)
//! and relative periods (`statsPeriod=`), shared by the issue list and the stats endpoints.
use chrono::Duration;

/// `24h`, `14d`, `90m`, `30s`, `2w` -> a duration.
pub fn period(text: &str) -> Option<Duration> {
    let (n, unit) = text.split_at(text.find(|c: char| !c.is_ascii_digit())?);
    let n: i64 = n.parse().ok()?;
    Some(match unit {
        "s" => Duration::seconds(n),
        "m" => Duration::minutes(n),
        "h" => Duration::hours(n),
        "d" => Duration::days(n),
        "w" => Duration::weeks(n),
        _ => return None,
    })
}

/// The parts of Sentry's search syntax bpdeploy uses.
#[derive(Debug, Default, PartialEq)]
pub struct IssueQuery {
    pub status: Option<String>,
    pub first_release: Option<String>,
    pub release: Option<String>,
    pub short_id: Option<String>,
    pub text: Vec<String>,
}

pub fn parse_query(q: &str) -> IssueQuery {
    let mut out = IssueQuery::default();
    for token in q.split_whitespace() {
        match token.split_once(':') {
            Some(("is", v)) => out.status = Some(v.to_string()),
            Some(("firstRelease" | "first-release" | "first_release", v)) => {
                out.first_release = Some(v.trim_matches('"').into())
            }
            Some(("release", v)) => out.release = Some(v.trim_matches('"').into()),
            Some(("issue", v)) => out.short_id = Some(v.into()),
            Some((_, _)) => {}
            None => out.text.push(token.to_lowercase()),
        }
    }
    out
}
