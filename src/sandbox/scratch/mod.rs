//! The scratch repository: a Rails-shaped app with a real history, a bare "origin" that plays
//! GitHub (so `git fetch origin master` works), and a bpdeploy.toml pointing at the sandbox.
pub mod history;
pub mod rails;
pub mod script;
pub mod tree;

use crate::cli::Scenario;
use git2::{Oid, Repository, RepositoryInitOptions};
use script::{PullRequestFact, ReleaseFact, Script};
use std::path::{Path, PathBuf};

pub const OWNER: &str = "acme";
pub const NAME: &str = "storefront";
pub const BRANCH: &str = "master";

/// What the sandbox's services need to know about the history it wrote.
#[derive(Debug, Clone)]
pub struct ScratchRepo {
    /// The working copy people run commands in.
    pub dir: PathBuf,
    /// The bare repository GitHub serves from; merges and reverts move its branches.
    pub origin: PathBuf,
    pub prs: Vec<PullRequestFact>,
    pub releases: Vec<ReleaseFact>,
    /// The commit production runs (the last code deploy).
    pub released: Oid,
    /// origin/master's tip: what the next deploy ships.
    pub head: Oid,
}

/// The bpdeploy.toml written into the working copy (kept out of git: it holds the port).
#[derive(Debug, Clone)]
pub struct LocalConfig {
    pub base_url: String,
    pub app: String,
    pub slack_channel: String,
    pub watch_duration: std::time::Duration,
    pub watch_interval: std::time::Duration,
    /// The drill's time divisor: its Sentry events arrive this much faster than at speed 1.
    pub speed: f64,
}

#[derive(Debug, thiserror::Error)]
pub enum ScratchError {
    #[error("{0} already exists and is not empty; pick an empty or new directory for the scratch repository")]
    NotEmpty(String),
    #[error("writing the scratch repository: {0}")]
    Io(#[from] std::io::Error),
    #[error("writing the scratch repository: {0}")]
    Git(#[from] git2::Error),
}

fn init(path: &Path, bare: bool) -> Result<Repository, git2::Error> {
    let mut opts = RepositoryInitOptions::new();
    opts.bare(bare).initial_head(BRANCH).mkdir(true);
    Repository::init_opts(path, &opts)
}

pub fn create(dir: &Path, scenario: Scenario, config: &LocalConfig) -> Result<ScratchRepo, ScratchError> {
    if dir.exists() && std::fs::read_dir(dir)?.next().is_some() {
        return Err(ScratchError::NotEmpty(dir.display().to_string()));
    }
    let work = init(dir, false)?;
    let origin_path = dir.join(".git").join("sandbox-origin.git");
    let origin = init(&origin_path, true)?;

    let mut script = Script::new(&origin, history::START);
    history::write(&mut script, scenario)?;
    let head = script.master.ok_or_else(|| git2::Error::from_str("empty history"))?;
    let released = script.releases.last().map(|r| r.sha).unwrap_or(head);
    origin.reference(&format!("refs/heads/{BRANCH}"), head, true, "sandbox history")?;
    for (branch, sha) in &script.branches {
        origin.reference(&format!("refs/heads/{branch}"), *sha, true, "pull request head")?;
    }

    let mut remote = work.remote("origin", &origin_path.to_string_lossy())?;
    remote.fetch(&["+refs/heads/*:refs/remotes/origin/*"], None, None)?;
    work.reference(&format!("refs/heads/{BRANCH}"), head, true, "clone")?;
    // What `heroku git:remote` leaves behind: offline preflight starts from here.
    work.reference(&format!("refs/remotes/heroku/{BRANCH}"), released, true, "production")?;
    let mut cfg = work.config()?;
    cfg.set_str(&format!("branch.{BRANCH}.remote"), "origin")?;
    cfg.set_str(&format!("branch.{BRANCH}.merge"), &format!("refs/heads/{BRANCH}"))?;
    // Whoever practises is "You" on the sandbox's GitHub, and commits as that person here.
    cfg.set_str("user.name", "You")?;
    cfg.set_str("user.email", "you@acme.test")?;
    work.set_head(&format!("refs/heads/{BRANCH}"))?;
    work.checkout_head(Some(git2::build::CheckoutBuilder::new().force()))?;

    std::fs::write(dir.join(crate::config::FILE_NAME), local_config(config))?;
    let exclude = dir.join(".git/info/exclude");
    std::fs::create_dir_all(dir.join(".git/info"))?;
    std::fs::write(exclude, format!("{}\n", crate::config::FILE_NAME))?;

    Ok(ScratchRepo {
        dir: dir.to_path_buf(),
        origin: origin_path,
        prs: script.prs,
        releases: script.releases,
        released,
        head,
    })
}

fn local_config(c: &LocalConfig) -> String {
    let d = crate::config::duration::format;
    format!(
        "# Written by `bpdeploy sandbox`: every service here is the local sandbox at {base}.\n\
[heroku]\napp = \"{app}\"\nurl = \"{base}/heroku/\"\n\n\
[github]\nrepo = \"{OWNER}/{NAME}\"\nbranch = \"{BRANCH}\"\nmerge_method = \"merge\"\nurl = \"{base}/github/\"\n\n\
[sentry]\norg = \"{OWNER}\"\nproject = \"{NAME}\"\nenvironment = \"production\"\nurl = \"{base}/sentry/\"\n\n\
[slack]\nchannel = \"{channel}\"\nurl = \"{base}/slack/api/\"\n\n\
# Short, so a drill fits in a minute.\n[watch]\nduration = \"{duration}\"\ninterval = \"{interval}\"\nmax_new_issues = 0\nmax_error_rate_ratio = 3.0\nmin_events = 5\n\
# The storefront's own pages, and the channels where people and alerts speak.\n\
smoke = [\"{base}/storefront/\", \"{base}/storefront/forums\"]\n\
slack_channels = [\"#dev-questions\", \"#sentry-integration\"]\n\n\
# Events arrive {speed}x faster than at a desk: the rate that counts as severe scales with it, and\n\
# user counts only ever grow in a drill, so they do not decide here.\n\
[triage]\ncritical_transactions = [\"CheckoutController#create\"]\nstopped_after = \"{stopped}\"\nsevere_events_per_minute = {severe}\nsevere_users = 1000000\n",
        base = c.base_url,
        app = c.app,
        channel = c.slack_channel,
        duration = d(c.watch_duration),
        interval = d(c.watch_interval),
        speed = c.speed,
        // A minute at speed 1: a drill's issue that stops is seen as stopped soon after.
        stopped = d(std::time::Duration::from_secs(60).div_f64(c.speed).max(std::time::Duration::from_millis(300))),
        // Ten times the drills' own rate (2 events a second at speed 1): damage stays bounded.
        severe = (1200.0 * c.speed).round(),
    )
}
