//! The exact next command of each path, in one place, each one command that runs as printed:
//! the revert is merged once CI passes, deployed and watched, following the Sentry issue until it
//! stops; the rollback is watched the same way.

/// `bpdeploy revert 4 --merge --deploy --watch --sentry RAILS-1A2`.
pub fn revert(pull_request: u64, short_id: &str, id: &str) -> String {
    format!("bpdeploy revert {pull_request} --merge --deploy --watch{}", sentry(short_id, id))
}

/// `bpdeploy rollback v6 --watch --sentry RAILS-1A2`; with no target known, the preview first.
pub fn rollback(target: Option<u64>, short_id: &str, id: &str) -> String {
    match target {
        Some(v) => format!("bpdeploy rollback v{v} --watch{}", sentry(short_id, id)),
        None => "bpdeploy rollback --dry-run".into(),
    }
}

/// ` --sentry RAILS-1A2`, or nothing when neither name is a plain shell word.
fn sentry(short_id: &str, id: &str) -> String {
    match issue(short_id, id) {
        "" => String::new(),
        name => format!(" --sentry {name}"),
    }
}

/// A branch for the fix, from the tip of the branch that ships.
pub fn patch(short_id: &str, branch: &str) -> String {
    let name: String =
        short_id.chars().map(|c| c.to_ascii_lowercase()).filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
    let name = if name.is_empty() { "sentry-issue".to_string() } else { name };
    let branch = match shell_word(branch) {
        Some(b) => b.to_string(),
        None => format!("'{}'", branch.replace('\'', "'\\''")),
    };
    format!("git switch -c fix/{name} origin/{branch}")
}

/// The short id when it is a plain word a shell passes as is, else the numeric id.
fn issue<'a>(short_id: &'a str, id: &'a str) -> &'a str {
    shell_word(short_id).or(shell_word(id)).unwrap_or("")
}

fn shell_word(text: &str) -> Option<&str> {
    let plain = !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c));
    plain.then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_path_ends_with_a_command_a_shell_runs_as_printed() {
        assert_eq!(revert(4, "RAILS-1A2", "77"), "bpdeploy revert 4 --merge --deploy --watch --sentry RAILS-1A2");
        assert_eq!(revert(4, "RAILS-1A2; rm -rf /", "77"), "bpdeploy revert 4 --merge --deploy --watch --sentry 77");
        assert_eq!(revert(4, "X;", "7;"), "bpdeploy revert 4 --merge --deploy --watch");
        assert_eq!(rollback(Some(6), "RAILS-1A2", "77"), "bpdeploy rollback v6 --watch --sentry RAILS-1A2");
        assert_eq!(rollback(None, "RAILS-1A2", "77"), "bpdeploy rollback --dry-run");
        assert_eq!(patch("STOREFRONT-4F", "main"), "git switch -c fix/storefront-4f origin/main");
        assert_eq!(patch("X-1", "it's"), "git switch -c fix/x-1 origin/'it'\\''s'");
    }
}
