//! The exact next command of each path, in one place. Every one runs as printed with what this
//! version of bpdeploy implements: the revert is merged, then deployed and watched by `deploy`;
//! the rollback is then watched by `watch`, which watches the release the rollback made current.
//! (When `revert --deploy --watch` and `rollback --watch --sentry` land, these become single
//! commands.)

/// `bpdeploy revert 4 --merge --sentry RAILS-1A2 && bpdeploy deploy --watch`.
pub fn revert(pull_request: u64, short_id: &str, id: &str) -> String {
    format!("bpdeploy revert {pull_request} --merge --sentry {} && bpdeploy deploy --watch", issue(short_id, id))
}

/// `bpdeploy rollback v6 && bpdeploy watch`; with no target known, the preview first.
pub fn rollback(target: Option<u64>) -> String {
    match target {
        Some(v) => format!("bpdeploy rollback v{v} && bpdeploy watch"),
        None => "bpdeploy rollback --dry-run".into(),
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
        assert_eq!(
            revert(4, "RAILS-1A2", "77"),
            "bpdeploy revert 4 --merge --sentry RAILS-1A2 && bpdeploy deploy --watch"
        );
        assert_eq!(
            revert(4, "RAILS-1A2; rm -rf /", "77"),
            "bpdeploy revert 4 --merge --sentry 77 && bpdeploy deploy --watch"
        );
        assert_eq!(rollback(Some(6)), "bpdeploy rollback v6 && bpdeploy watch");
        assert_eq!(rollback(None), "bpdeploy rollback --dry-run");
        assert_eq!(patch("STOREFRONT-4F", "main"), "git switch -c fix/storefront-4f origin/main");
        assert_eq!(patch("X-1", "it's"), "git switch -c fix/x-1 origin/'it'\\''s'");
    }
}
