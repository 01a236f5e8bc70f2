//! `bpdeploy init`: writes a commented bpdeploy.toml with what can be detected from the repository.
use crate::cli::InitArgs;
use crate::commands::CommandResult;
use crate::context::Context;
use crate::error::Failure;
use crate::exit::Exit;
use crate::ui::render::Outcome;
use crate::ui::Ui;
use serde::Serialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Serialize)]
pub struct Detected {
    /// `owner/name` from the `origin` remote.
    pub repo: Option<String>,
    pub branch: String,
    /// The Procfile's `release:` command.
    pub release_command: Option<String>,
    pub schema_migrations: bool,
    pub data_migrations: bool,
}

#[derive(Debug, Serialize)]
pub struct InitOutcome {
    pub path: PathBuf,
    pub overwritten: bool,
    pub detected: Detected,
}

impl Outcome for InitOutcome {
    fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
    fn human(&self, _ui: &Ui) -> String {
        let d = &self.detected;
        let mut s = format!("wrote {}\n", self.path.display());
        s += &format!("  github repo      {}\n", d.repo.as_deref().unwrap_or("(not detected: set [github] repo)"));
        s += &format!("  branch           {}\n", d.branch);
        s += &format!(
            "  release command  {}\n",
            d.release_command.as_deref().unwrap_or("(no release: line in Procfile)")
        );
        s += &format!("  db/migrate       {}\n", if d.schema_migrations { "found" } else { "absent" });
        s += &format!("  db/data          {}\n", if d.data_migrations { "found" } else { "absent" });
        s += "next: set [heroku] app and [sentry] org/project, then run `bpdeploy preflight`";
        s
    }
}

pub fn run(ctx: &Context, args: &InitArgs) -> CommandResult {
    let root = ctx.env.cwd.ancestors().find(|d| d.join(".git").exists()).unwrap_or(&ctx.env.cwd).to_path_buf();
    let path = root.join(crate::config::FILE_NAME);
    let existed = path.exists();
    if existed && !args.force {
        return Err(Failure::new(Exit::Failure, "config_exists", format!("{} already exists", path.display()))
            .with_hint("pass --force to overwrite it")
            .into());
    }
    let detected = detect(&root);
    let text = render_toml(&detected);
    // Write beside and rename, so an interrupted init never leaves half a file.
    let tmp = root.join(".bpdeploy.toml.tmp");
    std::fs::write(&tmp, text).and_then(|_| std::fs::rename(&tmp, &path)).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Failure::new(Exit::Failure, "write_failed", format!("cannot write {}: {e}", path.display()))
    })?;
    Ok(Box::new(InitOutcome { path, overwritten: existed, detected }))
}

pub fn detect(root: &Path) -> Detected {
    let repo = git2::Repository::open(root).ok();
    let remote_repo =
        repo.as_ref().and_then(|r| r.find_remote("origin").ok()).and_then(|remote| remote.url().and_then(github_slug));
    let branch = repo.as_ref().and_then(default_branch).unwrap_or_else(|| "master".into());
    Detected {
        repo: remote_repo,
        branch,
        release_command: std::fs::read_to_string(root.join("Procfile")).ok().and_then(|p| procfile_release(&p)),
        schema_migrations: root.join("db/migrate").is_dir(),
        data_migrations: root.join("db/data").is_dir(),
    }
}

/// `owner/name` from `git@github.com:o/n.git`, `ssh://git@host/o/n.git` or `https://host/o/n(.git)`.
pub fn github_slug(url: &str) -> Option<String> {
    let path = if let Some(rest) = url.strip_prefix("git@") {
        rest.split_once(':')?.1
    } else {
        let after_scheme = url.split_once("://")?.1;
        after_scheme.split_once('/')?.1
    };
    let path = path.trim_end_matches('/').trim_end_matches(".git");
    let mut parts = path.rsplitn(3, '/');
    let name = parts.next()?;
    let owner = parts.next()?;
    (!owner.is_empty() && !name.is_empty()).then(|| format!("{owner}/{name}"))
}

/// origin's HEAD (what GitHub calls the default branch), else the local branch if it is main/master.
fn default_branch(repo: &git2::Repository) -> Option<String> {
    if let Ok(r) = repo.find_reference("refs/remotes/origin/HEAD") {
        if let Some(target) = r.symbolic_target() {
            return target.strip_prefix("refs/remotes/origin/").map(str::to_string);
        }
    }
    for name in ["master", "main"] {
        if repo.find_reference(&format!("refs/remotes/origin/{name}")).is_ok() {
            return Some(name.into());
        }
    }
    let head = repo.head().ok()?;
    head.shorthand().filter(|b| *b == "main" || *b == "master").map(str::to_string)
}

pub fn procfile_release(procfile: &str) -> Option<String> {
    procfile.lines().find_map(|l| l.trim().strip_prefix("release:").map(|c| c.trim().to_string()))
}

fn render_toml(d: &Detected) -> String {
    let q = |s: &str| toml::Value::String(s.to_string()).to_string();
    let repo_line = match &d.repo {
        Some(r) => format!("repo = {}", q(r)),
        None => "# repo = \"owner/name\"   # not detected: no GitHub origin remote".into(),
    };
    let release = match &d.release_command {
        Some(c) => format!("# Procfile release phase: {c}"),
        None => "# No `release:` line in the Procfile: migrations will not run on deploy.".into(),
    };
    let data = if d.data_migrations { "db/data exists (data_migrate)" } else { "no db/data directory yet" };
    format!(
        r##"# bpdeploy configuration. Credentials never go here: they come from HEROKU_API_KEY (or
# ~/.netrc), GITHUB_TOKEN/GH_TOKEN, SENTRY_AUTH_TOKEN (or ~/.sentryclirc) and SLACK_BOT_TOKEN
# (or SLACK_WEBHOOK_URL). Flags beat the environment, which beats this file.

[heroku]
# app = "my-app"          # the production app (or HEROKU_APP / --app)

[github]
{repo_line}
branch = {branch}
# merge_method = "merge"  # merge | squash | rebase, for revert PRs

[sentry]
# org = "my-org"
# project = "rails"
environment = "production"
# release = "{{sha}}"     # sentry-ruby on Heroku reports HEROKU_SLUG_COMMIT, the full sha

[slack]
# channel = "#deploys"

[migrations]
{release}
# {data}
schema = ["db/migrate/*.rb", "db/post_migrate/*.rb"]
data = ["db/data/*.rb"]
# postgres_version = 16    # production's PostgreSQL ("14.3" with the minor): version-dependent checks
# max_size = "1m"          # a larger migration is reported as unchecked instead of parsed

[watch]
duration = "7m"           # traffic moves to a new release over 3-7 minutes
interval = "15s"
max_new_issues = 0        # more new Sentry issues than this (each with min_events) fails
max_error_rate_ratio = 2.0
min_events = 5

[triage]
# experiment_patterns = ["experiment", "ab_test", "flipper"]
# critical_transactions = ["CheckoutController#create"]
"##,
        branch = q(&d.branch),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slug_from_remote_forms() {
        assert_eq!(github_slug("git@github.com:acme/shop.git").as_deref(), Some("acme/shop"));
        assert_eq!(github_slug("https://github.com/acme/shop").as_deref(), Some("acme/shop"));
        assert_eq!(github_slug("ssh://git@github.com/acme/shop.git").as_deref(), Some("acme/shop"));
        assert_eq!(github_slug("https://ghe.example.com/acme/shop.git/").as_deref(), Some("acme/shop"));
        assert_eq!(github_slug("not a url"), None);
    }

    #[test]
    fn generated_toml_parses_with_the_real_schema() {
        let d = Detected {
            repo: Some("a/b".into()),
            branch: "main".into(),
            release_command: None,
            schema_migrations: true,
            data_migrations: false,
        };
        let text = render_toml(&d);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("bpdeploy.toml"), &text).unwrap();
        let env = crate::env::Env::from_pairs(dir.path(), []);
        let cfg = crate::config::Config::load(&Default::default(), &env).unwrap();
        assert_eq!(cfg.github.repo.as_deref(), Some("a/b"));
        assert_eq!(cfg.github.branch, "main");
    }
}
