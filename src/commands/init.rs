//! `bpdeploy init`: writes a commented bpdeploy.toml with what can be detected from the repository.
use crate::cli::InitArgs;
use crate::commands::CommandResult;
use crate::config::{self, template};
use crate::context::Context;
use crate::error::Failure;
use crate::exit::Exit;
use crate::ui::render::Outcome;
use crate::ui::sanitize::{one_line, path};
use crate::ui::Ui;
use serde::Serialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Serialize)]
pub struct Detected {
    /// The Heroku app: `--app`, else the `heroku` git remote.
    pub app: Option<String>,
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
    /// The file existed and was replaced (with --dry-run: would be).
    pub overwritten: bool,
    /// Nothing was written: `content` is what would have been.
    pub dry_run: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    pub detected: Detected,
    #[serde(skip)]
    outside_repository: bool,
}

impl Outcome for InitOutcome {
    fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
    fn warnings(&self) -> Vec<String> {
        match self.outside_repository {
            true => vec!["not inside a git repository: nothing was detected; fill in [github] by hand".into()],
            false => Vec::new(),
        }
    }
    fn human(&self, _ui: &Ui) -> String {
        if let Some(content) = &self.content {
            // The file itself, so that `bpdeploy init --dry-run > somewhere.toml` works.
            return content.clone();
        }
        let d = &self.detected;
        // Paths, remotes and the Procfile come from outside: scrubbed before the terminal.
        let shown = |v: Option<&str>, missing: &str| v.map(one_line).unwrap_or_else(|| missing.to_string());
        let verb = if self.overwritten { "overwrote" } else { "wrote" };
        let mut s = format!("{verb} {}\n", path(&self.path.display().to_string()));
        s += &format!("  heroku app       {}\n", shown(d.app.as_deref(), "(not detected: set [heroku] app)"));
        s += &format!("  github repo      {}\n", shown(d.repo.as_deref(), "(not detected: set [github] repo)"));
        s += &format!("  branch           {}\n", one_line(&d.branch));
        s += &format!("  release command  {}\n", shown(d.release_command.as_deref(), "(no release: line in Procfile)"));
        s += &format!("  db/migrate       {}\n", if d.schema_migrations { "found" } else { "absent" });
        s += &format!("  db/data          {}\n", if d.data_migrations { "found" } else { "absent" });
        let app = if d.app.is_some() { "" } else { "[heroku] app and " };
        s += &format!("next: set {app}[sentry] org/project, then run `bpdeploy preflight`");
        s
    }
}

pub fn run(ctx: &Context, args: &InitArgs) -> CommandResult {
    let repo_root = config::git_root(&ctx.env.cwd);
    let path = match (config::explicit_path(&ctx.global, &ctx.env), &repo_root) {
        (Some(p), _) => lexical(&p),
        (None, Some(root)) => root.join(config::FILE_NAME),
        (None, None) => {
            return Err(Failure::new(
                Exit::Failure,
                "not_a_repository",
                format!("{} is not inside a git repository: nowhere to put bpdeploy.toml", ctx.env.cwd.display()),
            )
            .with_hint("run `bpdeploy init` inside your app's repository, or pass --config PATH to write it elsewhere")
            .into())
        }
    };
    if path.is_dir() {
        return Err(Failure::new(Exit::Failure, "write_failed", format!("{} is a directory", path.display()))
            .with_hint(format!("name the file itself, e.g. --config {}", path.join(config::FILE_NAME).display()))
            .into());
    }
    let existed = path.exists();
    if existed && !args.force {
        return Err(Failure::new(Exit::Failure, "config_exists", format!("{} already exists", path.display()))
            .with_hint(
                "`bpdeploy init --dry-run --force` prints what would replace it and writes nothing; \
                 --force alone overwrites it",
            )
            .into());
    }
    let mut detected = repo_root.as_deref().map(detect).unwrap_or_else(Detected::none);
    if let Some(app) = &ctx.global.app {
        detected.app = Some(app.clone());
    }
    // A file outside the repository names it, so that it works from anywhere.
    let outside = |root: &PathBuf| !path.parent().is_some_and(|dir| dir.starts_with(root));
    let repo_path = repo_root.as_ref().filter(|r| outside(r));
    let text = template::render(&template::Facts {
        app: detected.app.as_deref(),
        repo: detected.repo.as_deref(),
        branch: &detected.branch,
        release_command: detected.release_command.as_deref(),
        data_migrations: detected.data_migrations,
        repo_path: repo_path.map(PathBuf::as_path),
    });
    let outside_repository = repo_root.is_none();
    if ctx.ui.dry_run {
        let replacing = if existed { ", replacing the file there" } else { "" };
        let shown = one_line(&path.display().to_string());
        ctx.ui.info(&format!("dry run: init would write {shown}{replacing}; nothing was written"));
        let content = Some(text);
        return Ok(Box::new(InitOutcome {
            path,
            overwritten: existed,
            dry_run: true,
            content,
            detected,
            outside_repository,
        }));
    }
    write_whole(&path, &text)?;
    Ok(Box::new(InitOutcome {
        path,
        overwritten: existed,
        dry_run: false,
        content: None,
        detected,
        outside_repository,
    }))
}

/// `a/b/../c` as `a/c`, without touching the disk (the file and its folder may not exist yet),
/// so that `--config ../elsewhere.toml` is seen to be outside the repository.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Writes beside and renames, so an interrupted init never leaves half a file.
fn write_whole(path: &Path, text: &str) -> Result<(), Failure> {
    let failed = |e: std::io::Error| {
        Failure::new(Exit::Failure, "write_failed", format!("cannot write {}: {e}", path.display()))
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(failed)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp"));
    std::fs::write(&tmp, text).and_then(|_| std::fs::rename(&tmp, path)).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        failed(e)
    })
}

impl Detected {
    /// Outside a repository nothing can be detected.
    fn none() -> Detected {
        Detected {
            app: None,
            repo: None,
            branch: "master".into(),
            release_command: None,
            schema_migrations: false,
            data_migrations: false,
        }
    }
}

pub fn detect(root: &Path) -> Detected {
    let repo = git2::Repository::open(root).ok();
    let remote_repo =
        repo.as_ref().and_then(|r| r.find_remote("origin").ok()).and_then(|remote| remote.url().and_then(github_slug));
    let branch = repo.as_ref().and_then(default_branch).unwrap_or_else(|| "master".into());
    let app = repo.as_ref().and_then(|r| r.find_remote("heroku").ok()).and_then(|h| h.url().and_then(heroku_app));
    Detected {
        app,
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

/// The app of a Heroku git remote: `https://git.heroku.com/NAME.git` or `git@heroku.com:NAME.git`.
pub fn heroku_app(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://git.heroku.com/")
        .or_else(|| url.strip_prefix("ssh://git@heroku.com/"))
        .or_else(|| url.strip_prefix("git@heroku.com:"))?;
    let name = rest.trim_end_matches('/').trim_end_matches(".git");
    let valid = !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    valid.then(|| name.to_string())
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
    fn heroku_remotes_name_the_app() {
        assert_eq!(heroku_app("https://git.heroku.com/shop-prod.git").as_deref(), Some("shop-prod"));
        assert_eq!(heroku_app("git@heroku.com:shop-prod.git").as_deref(), Some("shop-prod"));
        assert_eq!(heroku_app("https://github.com/acme/shop.git"), None);
        assert_eq!(heroku_app("https://git.heroku.com/.git"), None);
    }

    #[test]
    fn generated_toml_parses_with_the_real_schema() {
        let shop = tempfile::tempdir().unwrap();
        git2::Repository::init(shop.path()).unwrap(); // [repo] path must name a repository
        let repo_dir = shop.path().to_path_buf();
        let facts = template::Facts {
            app: Some("shop-prod"),
            repo: Some("a/b"),
            branch: "main",
            release_command: Some("rake db:migrate\r\n\u{1b}[31m && rake data:migrate"),
            data_migrations: false,
            repo_path: Some(&repo_dir),
        };
        let text = template::render(&facts);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("bpdeploy.toml"), &text).unwrap();
        let env = crate::env::Env::from_pairs(dir.path(), []);
        let cfg = crate::config::Config::load(&Default::default(), &env).unwrap();
        assert_eq!(cfg.github.repo.as_deref(), Some("a/b"));
        assert_eq!(cfg.github.branch, "main");
        assert_eq!(cfg.app.as_deref(), Some("shop-prod"));
        assert_eq!(cfg.root, repo_dir);
        // The commented default patterns are the loader's defaults, word for word.
        let patterns = text.lines().find_map(|l| l.strip_prefix("# experiment_patterns = ")).unwrap();
        let listed: Vec<String> = toml::from_str::<toml::Value>(&format!("p = {patterns}")).unwrap()["p"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        assert_eq!(listed, cfg.triage.experiment_patterns);
    }
}
