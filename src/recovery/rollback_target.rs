//! Which release a rollback goes back to, the releases it passes over and why, and the clear
//! refusals. The default is the rule `watch --auto-rollback` already uses
//! ([`previous_code_release`]): the newest earlier release that succeeded, may be rolled back to,
//! and runs different code.
use super::report::Skipped;
use crate::deploy::rollback::{previous_code_release, ReleaseSummary};
use crate::error::Failure;
use crate::exit::Exit;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Requested {
    /// No RELEASE argument: the previous code release.
    Default,
    Version(u64),
    /// A release id (uuid).
    Id(String),
}

impl Requested {
    /// `v123`, `123` or a release id (Heroku's are UUIDs). Anything else is a usage error
    /// (exit 2), for the commands to say before any request.
    pub fn parse(arg: Option<&str>) -> Result<Requested, Failure> {
        let Some(arg) = arg.map(str::trim) else { return Ok(Requested::Default) };
        if let Ok(v) = arg.strip_prefix('v').unwrap_or(arg).parse::<u64>() {
            return Ok(Requested::Version(v));
        }
        let groups: Vec<usize> = arg.split('-').map(str::len).collect();
        match groups == [8, 4, 4, 4, 12] && arg.chars().all(|c| c == '-' || c.is_ascii_hexdigit()) {
            true => Ok(Requested::Id(arg.to_string())),
            false => Err(Failure::usage(format!("`{arg}` is not a release: give vN, N or a release id"))),
        }
    }

    /// As people name it: `v7`, or the id.
    pub fn name(&self) -> String {
        match self {
            Requested::Default => String::new(),
            Requested::Version(v) => format!("v{v}"),
            Requested::Id(id) => id.clone(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Choice {
    pub target: ReleaseSummary,
    pub skipped: Vec<Skipped>,
}

fn refusal(code: &str, message: String, hint: &str) -> Failure {
    Failure::new(Exit::Failure, code, message).with_hint(hint)
}

/// Picks the target among `releases` (newest first or any order) for the `current` release.
pub fn choose(releases: &[ReleaseSummary], current: &ReleaseSummary, requested: &Requested) -> Result<Choice, Failure> {
    let found = match requested {
        Requested::Default => {
            let target = previous_code_release(releases, current).ok_or_else(|| {
                refusal(
                    "no_target",
                    format!("no earlier release with different code to roll back to from v{}", current.version),
                    "`bpdeploy releases -n 50` lists older releases; name one: `bpdeploy rollback vN`",
                )
            })?;
            let skipped = releases
                .iter()
                .filter(|r| r.version > target.version && r.version < current.version)
                .map(|r| Skipped { version: r.version, reason: why_skipped(r, current) })
                .collect();
            return Ok(Choice { target: target.clone(), skipped: sorted(skipped) });
        }
        Requested::Version(v) => releases.iter().find(|r| r.version == *v),
        Requested::Id(id) => releases.iter().find(|r| r.id == *id),
    };
    let target = found.ok_or_else(|| unknown(releases, requested))?;
    if target.version == current.version {
        return Err(refusal(
            "already_current",
            format!("v{} is the current release: there is nothing to roll back", target.version),
            "name an earlier release (`bpdeploy releases`), or run `bpdeploy rollback` for the previous code release",
        ));
    }
    if target.version > current.version {
        return Err(refusal(
            "newer_than_current",
            format!(
                "v{} is newer than the current v{}: a rollback goes back, not forward",
                target.version, current.version
            ),
            "deploy the code you want instead: `bpdeploy deploy`",
        ));
    }
    if target.status != "succeeded" {
        return Err(refusal(
            "target_failed",
            format!(
                "v{} did not succeed (its status is {}): Heroku cannot roll back to it",
                target.version, target.status
            ),
            "pick a release that succeeded: `bpdeploy releases`",
        ));
    }
    if !target.eligible_for_rollback {
        return Err(refusal(
            "not_eligible",
            format!("Heroku says v{} is not eligible for rollback", target.version),
            "pick another release (`bpdeploy releases`); add-on releases and very old ones cannot be rolled back to",
        ));
    }
    Ok(Choice { target: target.clone(), skipped: vec![] })
}

fn sorted(mut skipped: Vec<Skipped>) -> Vec<Skipped> {
    skipped.sort_by_key(|s| std::cmp::Reverse(s.version));
    skipped
}

fn why_skipped(r: &ReleaseSummary, current: &ReleaseSummary) -> String {
    if r.status != "succeeded" {
        return format!("{}: production never ran it", r.status);
    }
    if !r.eligible_for_rollback {
        return "not eligible for rollback".into();
    }
    match (&r.slug_id, &current.slug_id) {
        (Some(a), Some(b)) if a == b => format!("runs the same code as v{} (\"{}\")", current.version, r.description),
        _ => format!("not a code release (\"{}\")", r.description),
    }
}

/// An unknown release, naming the nearest versions that exist.
fn unknown(releases: &[ReleaseSummary], requested: &Requested) -> Failure {
    let hint = "`bpdeploy releases -n 50` lists the app's releases";
    let Requested::Version(v) = requested else {
        let id = match requested {
            Requested::Id(id) => id.as_str(),
            _ => "",
        };
        return refusal("unknown_release", format!("no release with id {id} among the app's recent releases"), hint);
    };
    let below = releases.iter().filter(|r| r.version < *v).map(|r| r.version).max();
    let above = releases.iter().filter(|r| r.version > *v).map(|r| r.version).min();
    let nearest: Vec<String> = [below, above].into_iter().flatten().map(|n| format!("v{n}")).collect();
    let near = match nearest.as_slice() {
        [] => String::new(),
        [one] => format!("; the nearest is {one}"),
        [a, b] => format!("; the nearest are {a} and {b}"),
        _ => String::new(),
    };
    refusal("unknown_release", format!("the app has no release v{v}{near}"), hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn release(version: u64, description: &str, slug: &str) -> ReleaseSummary {
        ReleaseSummary {
            id: format!("id-{version}"),
            version,
            status: "succeeded".into(),
            current: false,
            eligible_for_rollback: true,
            description: description.into(),
            slug_id: Some(slug.into()),
        }
    }

    fn history() -> Vec<ReleaseSummary> {
        let mut failed = release(5, "Deploy 5555555", "s5");
        failed.status = "failed".into();
        let mut current = release(7, "Set FLAG config vars", "s4");
        current.current = true;
        current.eligible_for_rollback = false;
        vec![
            current,
            release(6, "Deploy 4444444", "s4"),
            failed,
            release(4, "Set X config vars", "s3"),
            release(3, "Deploy 3333333", "s3"),
        ]
    }

    #[test]
    fn the_default_passes_over_same_code_and_failed_releases_and_says_why() {
        let r = history();
        let choice = choose(&r, &r[0], &Requested::Default).unwrap();
        assert_eq!(choice.target.version, 4, "v4 runs s3, not the current s4");
        assert_eq!(
            choice.skipped,
            vec![
                Skipped { version: 6, reason: "runs the same code as v7 (\"Deploy 4444444\")".into() },
                Skipped { version: 5, reason: "failed: production never ran it".into() },
            ]
        );
    }

    /// vN, N or a Heroku release id; anything else is said to be no release (exit 2).
    #[test]
    fn a_release_argument_is_a_version_or_a_release_id() {
        let parse = |s: &str| Requested::parse(Some(s));
        assert_eq!(parse("v7").ok(), Some(Requested::Version(7)));
        assert_eq!(parse(" 5 ").ok(), Some(Requested::Version(5)));
        let id = "5a0a0006-5a4d-400a-9e1f-000000000006";
        assert_eq!(parse(id).ok(), Some(Requested::Id(id.into())));
        assert_eq!(Requested::parse(None).ok(), Some(Requested::Default));
        for bad in ["vx", "v", "v-1", "", "id-3", "5a0a0006-5a4d-400a-9e1f-00000000000g"] {
            let e = parse(bad).unwrap_err();
            assert_eq!((e.exit, e.code.as_str()), (Exit::Usage, "usage"), "{bad:?}");
        }
    }

    #[test]
    fn named_targets_are_refused_clearly() {
        let r = history();
        let code = |req: Requested| choose(&r, &r[0], &req).unwrap_err().code;
        assert_eq!(code(Requested::Version(7)), "already_current");
        assert_eq!(code(Requested::Version(5)), "target_failed");
        assert_eq!(code(Requested::Version(9)), "unknown_release");
        let unknown = choose(&r, &r[0], &Requested::Version(2)).unwrap_err();
        assert_eq!(unknown.message, "the app has no release v2; the nearest is v3");
        let mut gap = r.clone();
        gap.retain(|x| x.version != 4);
        let between = choose(&gap, &gap[0], &Requested::Version(4)).unwrap_err();
        assert_eq!(between.message, "the app has no release v4; the nearest are v3 and v5");
        assert_eq!(choose(&r, &r[0], &Requested::Id("id-3".into())).unwrap().target.version, 3);
        let mut newer = r.clone();
        let mut failed_deploy = release(8, "Deploy 8888888", "s8");
        failed_deploy.status = "failed".into();
        newer.insert(0, failed_deploy);
        assert_eq!(choose(&newer, &newer[1], &Requested::Version(8)).unwrap_err().code, "newer_than_current");
        let mut ineligible = r.clone();
        ineligible[4].eligible_for_rollback = false;
        assert_eq!(choose(&ineligible, &ineligible[0], &Requested::Version(3)).unwrap_err().code, "not_eligible");
    }
}
