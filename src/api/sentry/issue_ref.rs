//! How people name a Sentry issue (`triage ISSUE`, `--sentry ISSUE`): its id (`4501000100`), a
//! short id (`RAILS-1A2`, resolved through Sentry's `shortids/`), or the issue's URL, as Sentry's
//! web app and its Slack alerts link it (`https://acme.sentry.io/issues/4501000100/`,
//! `https://sentry.io/organizations/acme/issues/4501000100/?project=1`).
use crate::error::Failure;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IssueRef {
    Id(String),
    ShortId(String),
}

impl IssueRef {
    pub fn parse(arg: &str) -> Result<IssueRef, Failure> {
        let arg = arg.trim();
        let bad = || {
            Failure::usage(format!("{:?} is not a Sentry issue", crate::ui::sanitize::one_line(arg)))
                .with_hint("give its id (4501000100), its short id (RAILS-1A2) or its URL, as Sentry shows them")
        };
        if !arg.is_empty() && arg.chars().all(|c| c.is_ascii_digit()) {
            return Ok(IssueRef::Id(arg.to_string()));
        }
        if arg.starts_with("https://") || arg.starts_with("http://") {
            let url = url::Url::parse(arg).map_err(|_| bad())?;
            let parts: Vec<&str> =
                url.path_segments().map(|s| s.filter(|p| !p.is_empty()).collect()).unwrap_or_default();
            let after = parts.iter().position(|p| *p == "issues").and_then(|i| parts.get(i + 1));
            return match after {
                Some(id) if id.chars().all(|c| c.is_ascii_digit()) => Ok(IssueRef::Id(id.to_string())),
                Some(short) if is_short_id(short) => Ok(IssueRef::ShortId(short.to_uppercase())),
                _ => Err(bad()),
            };
        }
        if is_short_id(arg) {
            return Ok(IssueRef::ShortId(arg.to_uppercase()));
        }
        Err(bad())
    }

    /// As the user would type it back: the id or the short id.
    pub fn shown(&self) -> &str {
        match self {
            IssueRef::Id(s) | IssueRef::ShortId(s) => s,
        }
    }

    /// Sentry answered 404 for it: the issue is unknown there, which is not an unknown org.
    pub fn not_found(&self) -> Failure {
        Failure::new(
            crate::exit::Exit::Failure,
            "sentry_issue_not_found",
            format!("Sentry has no issue {} in this organization", crate::ui::sanitize::one_line(self.shown())),
        )
        .with_hint("copy the issue's id, short id or URL from Sentry ([sentry] org names the organization)")
    }
}

/// `PROJECT-1A2`: a project slug, a dash, then base-36 digits.
fn is_short_id(text: &str) -> bool {
    let Some((project, counter)) = text.rsplit_once('-') else { return false };
    !project.is_empty()
        && !counter.is_empty()
        && project.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && counter.chars().all(|c| c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::IssueRef::{self, Id, ShortId};

    #[test]
    fn an_issue_is_an_id_a_short_id_or_its_url() {
        let ok = |s: &str| IssueRef::parse(s).unwrap();
        assert_eq!(ok("4501000100"), Id("4501000100".into()));
        assert_eq!(ok("rails-1a2"), ShortId("RAILS-1A2".into()));
        assert_eq!(ok("STOREFRONT-4F"), ShortId("STOREFRONT-4F".into()));
        assert_eq!(ok("https://acme.sentry.io/issues/4501000100/?project=1"), Id("4501000100".into()));
        assert_eq!(ok("https://sentry.io/organizations/acme/issues/77/events/latest/"), Id("77".into()));
        assert_eq!(ok("https://acme.sentry.io/issues/RAILS-1A2/"), ShortId("RAILS-1A2".into()));
        for bad in ["", "RAILS", "-1A2", "https://acme.sentry.io/projects/rails/", "rails 1a2", "ftp://x/issues/1"] {
            let e = IssueRef::parse(bad).unwrap_err();
            assert_eq!(e.code, "usage", "{bad:?}");
        }
    }
}
