//! The command-line surface. Every subcommand exists here with its final arguments and help.
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Safe production deploys for a Rails app on Heroku, with GitHub, Sentry and Slack.
///
/// bpdeploy turns the deploy routine into commands: see what ships (`preflight`), build and
/// release (`deploy --watch`), watch every channel after the release (`watch`), and recover
/// (`triage`, `revert`, `rollback`). Try it safely with `bpdeploy demo`.
#[derive(Debug, Parser)]
#[command(name = "bpdeploy", version, propagate_version = true, max_term_width = 100)]
#[command(after_help = "Exit codes: 0 ok, 1 failure, 2 usage, 3 not safe/unhealthy, 4 credentials, \
5 another deploy in progress, 130 interrupted.\nDocs: README.md; `bpdeploy <command> --help`.")]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every command takes, shown under their own heading in each command's `--help`.
#[derive(Debug, Clone, Args, Default)]
#[command(next_help_heading = GLOBAL_HEADING)]
pub struct GlobalArgs {
    /// Config file (default: $BPDEPLOY_CONFIG, else bpdeploy.toml found walking up to the git root)
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Heroku app name (overrides HEROKU_APP and [heroku] app)
    #[arg(long, global = true, value_name = "NAME", value_parser = heroku_app_name)]
    pub app: Option<String>,
    /// Machine-readable output on stdout: one JSON document, or NDJSON events for deploy/watch
    #[arg(long, global = true)]
    pub json: bool,
    /// Print only the result and errors
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// More detail on stderr: -v phase times, retries and build output; -vv every HTTP request (never a token)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured in auto)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// Answer yes to confirmations (required by mutating commands without a TTY)
    #[arg(short = 'y', long, global = true)]
    pub yes: bool,
    /// Run every check, print each change a mutating command would make, make none (exit as the real run would)
    #[arg(long, global = true)]
    pub dry_run: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// What is about to ship: PRs, owners, migrations and their risks, CI, Sentry baseline, verdict
    Preflight(PreflightArgs),
    /// Build the branch on Heroku, follow the build and the release phase, optionally watch
    Deploy(DeployArgs),
    /// Watch a release after it goes live: Sentry, router and dyno errors, smoke pages, Slack; a verdict
    Watch(WatchArgs),
    /// Open (and optionally merge and deploy) a revert PR for a merged pull request
    Revert(RevertArgs),
    /// Roll the Heroku app back to an earlier release (code and config; never the database)
    Rollback(RollbackArgs),
    /// Find the PR behind a Sentry issue and recommend: flag off, not the deploy, fix, revert or rollback
    Triage(TriageArgs),
    /// The Heroku Activity view: recent releases, their commits and status
    Releases(ReleasesArgs),
    /// Write a commented bpdeploy.toml, detecting what it can from this repository
    Init(InitArgs),
    /// Serve a local fake of Heroku, GitHub, Sentry and Slack to practise on
    Sandbox(SandboxArgs),
    /// Walk the whole deploy routine against the built-in sandbox, narrated
    Demo(DemoArgs),
    /// Print a shell completion script
    Completions(CompletionsArgs),
    /// Print the man page (roff), or write a page per command with --dir
    Man(ManArgs),
}

impl Command {
    pub fn name(&self) -> &'static str {
        match self {
            Command::Preflight(_) => "preflight",
            Command::Deploy(_) => "deploy",
            Command::Watch(_) => "watch",
            Command::Revert(_) => "revert",
            Command::Rollback(_) => "rollback",
            Command::Triage(_) => "triage",
            Command::Releases(_) => "releases",
            Command::Init(_) => "init",
            Command::Sandbox(_) => "sandbox",
            Command::Demo(_) => "demo",
            Command::Completions(_) => "completions",
            Command::Man(_) => "man",
        }
    }
}

#[derive(Debug, Clone, Args, Default)]
pub struct PreflightArgs {
    /// Start of the range (default: the commit of the app's current Heroku release;
    /// offline: the local ref `heroku/<branch>` or `production` if present)
    #[arg(long, value_name = "REV")]
    pub from: Option<String>,
    /// End of the range (default: origin/<branch>)
    #[arg(long, value_name = "REV")]
    pub to: Option<String>,
    /// Git only: no API calls and no credentials
    #[arg(long)]
    pub offline: bool,
    /// Run `git fetch origin <branch>` first, with your own git credentials
    #[arg(long)]
    pub fetch: bool,
    /// Exit 3 when the verdict is stop
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Clone, Args, Default)]
pub struct DeployArgs {
    /// Branch to deploy (default: [github] branch)
    #[arg(long, value_name = "B")]
    pub branch: Option<String>,
    /// Watch the release after it goes live (see `bpdeploy watch`)
    #[arg(long)]
    pub watch: bool,
    /// With --watch: roll back to the previous code release on a failing verdict
    #[arg(long, requires = "watch")]
    pub auto_rollback: bool,
    /// With --watch: how long to watch, e.g. 7m, 90s (default: [watch] duration)
    #[arg(long, value_name = "D", requires = "watch", value_parser = watch_span)]
    pub duration: Option<String>,
    /// With --watch: how often to look, e.g. 15s (default: [watch] interval)
    #[arg(long, value_name = "D", requires = "watch", value_parser = watch_span)]
    pub interval: Option<String>,
    /// Deploy despite a stop verdict, or when production already runs the commit
    #[arg(long)]
    pub force: bool,
    /// Deploy although another deploy holds the lock (only when that deploy is gone for good)
    #[arg(long)]
    pub steal_lock: bool,
}

#[derive(Debug, Clone, Args, Default)]
pub struct WatchArgs {
    /// Release to watch: vN, N or a release id (default: the current release)
    #[arg(long, value_name = "vN|ID", conflicts_with = "build")]
    pub release: Option<String>,
    /// Follow a build (and the release it creates) before watching
    #[arg(long, value_name = "ID")]
    pub build: Option<String>,
    /// How long to watch, e.g. 7m, 90s; at most 24h (default: [watch] duration)
    #[arg(long, value_name = "D", value_parser = watch_span)]
    pub duration: Option<String>,
    /// How often to look, e.g. 15s (default: [watch] interval)
    #[arg(long, value_name = "D", value_parser = watch_span)]
    pub interval: Option<String>,
    /// On a failing verdict, roll back to the previous code release
    #[arg(long)]
    pub auto_rollback: bool,
}

#[derive(Debug, Clone, Args, Default)]
pub struct RevertArgs {
    /// The merged pull request: a number or its URL
    #[arg(value_name = "PR")]
    pub pull_request: String,
    /// Merge the revert PR once its checks pass ([github] merge_method)
    #[arg(long)]
    pub merge: bool,
    /// Once merged, deploy the branch exactly as `bpdeploy deploy` does (implies --merge)
    #[arg(long)]
    pub deploy: bool,
    /// Watch the deployed release as `bpdeploy watch` does (implies --deploy)
    #[arg(long)]
    pub watch: bool,
    /// With --watch: how long to watch, e.g. 7m, 90s (default: [watch] duration)
    #[arg(long, value_name = "D", requires = "watch", value_parser = watch_span)]
    pub duration: Option<String>,
    /// With --watch: how often to look, e.g. 15s (default: [watch] interval)
    #[arg(long, value_name = "D", requires = "watch", value_parser = watch_span)]
    pub interval: Option<String>,
    /// The Sentry issue behind the revert (id, short id or URL): linked in the PR body; with
    /// --watch, followed until its events stop
    #[arg(long, value_name = "ISSUE")]
    pub sentry: Option<String>,
    /// Add a migration that undoes the PR's reversible schema migrations (Rails `revert`)
    #[arg(long)]
    pub undo_migrations: bool,
}

#[derive(Debug, Clone, Args, Default)]
pub struct RollbackArgs {
    /// Release to roll back to: v123, 123 or a release id (default: the previous code release)
    #[arg(value_name = "RELEASE")]
    pub release: Option<String>,
    /// Watch the rollback release as `bpdeploy watch` does
    #[arg(long)]
    pub watch: bool,
    /// With --watch: how long to watch, e.g. 7m, 90s (default: [watch] duration)
    #[arg(long, value_name = "D", requires = "watch", value_parser = watch_span)]
    pub duration: Option<String>,
    /// With --watch: how often to look, e.g. 15s (default: [watch] interval)
    #[arg(long, value_name = "D", requires = "watch", value_parser = watch_span)]
    pub interval: Option<String>,
    /// With --watch: the Sentry issue to recover from (id, short id or URL); the verdict says
    /// whether its events stopped once the rollback release went live
    #[arg(long, value_name = "ISSUE", requires = "watch")]
    pub sentry: Option<String>,
}

#[derive(Debug, Clone, Args, Default)]
pub struct TriageArgs {
    /// Sentry issues: numeric id, short id (RAILS-1A2) or URL (default: every issue first seen in the release, most events first)
    #[arg(value_name = "ISSUE")]
    pub issues: Vec<String>,
    /// Triage another Heroku release: vN, N or a release id (default: the current release)
    #[arg(long, value_name = "vN")]
    pub release: Option<String>,
    /// Post the summary in the deploy's Slack thread, mentioning the suspects' authors
    #[arg(long)]
    pub notify: bool,
}

#[derive(Debug, Clone, Args)]
pub struct ReleasesArgs {
    /// How many releases to show (1 or more)
    #[arg(short = 'n', long = "number", default_value_t = 15, value_name = "N", value_parser = at_least_one)]
    pub number: usize,
}

#[derive(Debug, Clone, Args, Default)]
pub struct InitArgs {
    /// Overwrite an existing bpdeploy.toml (with --dry-run: show what would replace it)
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Scenario {
    Happy,
    BuildFails,
    ReleaseFails,
    #[default]
    ErrorSpike,
    RevertConflict,
    Experiment,
    DataIssue,
    FlakyApi,
    SlowStream,
    AppTimeouts,
    Transient,
    RemoveColumn,
    TwoPrs,
}

impl Scenario {
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Happy => "happy",
            Scenario::BuildFails => "build-fails",
            Scenario::ReleaseFails => "release-fails",
            Scenario::ErrorSpike => "error-spike",
            Scenario::RevertConflict => "revert-conflict",
            Scenario::Experiment => "experiment",
            Scenario::DataIssue => "data-issue",
            Scenario::FlakyApi => "flaky-api",
            Scenario::SlowStream => "slow-stream",
            Scenario::AppTimeouts => "app-timeouts",
            Scenario::Transient => "transient",
            Scenario::RemoveColumn => "remove-column",
            Scenario::TwoPrs => "two-prs",
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct SandboxArgs {
    /// The drill to set up
    #[arg(long, value_enum, default_value_t = Scenario::Happy)]
    pub scenario: Scenario,
    /// Port on 127.0.0.1 (default: any free port)
    #[arg(long, default_value_t = 0, value_name = "P")]
    pub port: u16,
    /// Where to create the scratch repository (default: a new temporary directory)
    #[arg(long, value_name = "DIR")]
    pub repo_dir: Option<PathBuf>,
    /// Write the shell lines to FILE instead of stdout: whole, once serving; removed on stop
    #[arg(long, value_name = "FILE")]
    pub env_file: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    /// The drill to walk through
    #[arg(long, value_enum, default_value_t = Scenario::ErrorSpike)]
    pub scenario: Scenario,
}

#[derive(Debug, Clone, Args)]
pub struct CompletionsArgs {
    /// The shell to generate for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Clone, Args, Default)]
pub struct ManArgs {
    /// Print this command's page (bpdeploy-COMMAND(1)) instead of bpdeploy(1)
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
    /// Write bpdeploy.1 and a page per command into this directory instead of printing
    #[arg(long, value_name = "DIR", conflicts_with = "command")]
    pub dir: Option<PathBuf>,
}

/// The heading of the flags every command takes.
pub const GLOBAL_HEADING: &str = "Global options";

/// Commands that change nothing anywhere: `--yes` and `--dry-run` mean nothing to them, so
/// their help does not offer them (they are still accepted, as global flags are).
const READ_ONLY: [&str; 6] = ["preflight", "releases", "sandbox", "demo", "completions", "man"];

/// Parses the process's arguments with [`command`].
pub fn parse() -> Cli {
    let matches = command().get_matches();
    <Cli as clap::FromArgMatches>::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

/// Parses `args` (the program name first) with [`command`].
pub fn try_parse_from<I, T>(args: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let matches = command().try_get_matches_from(args)?;
    <Cli as clap::FromArgMatches>::from_arg_matches(&matches)
}

/// The whole command line as `--help`, completions and the man pages show it.
pub fn command() -> clap::Command {
    let cmd = <Cli as clap::CommandFactory>::command();
    let global = |id: &str| cmd.get_arguments().find(|a| a.get_id() == id).cloned().expect("a global flag");
    // A command that has its own (hidden) copy of a global flag does not get the shown one.
    let hidden = [global("yes").hide(true), global("dry_run").hide(true)];
    let mut cmd = cmd.clone();
    for name in READ_ONLY {
        cmd = cmd.mut_subcommand(name, |sub| sub.args(hidden.clone()));
    }
    // `init` writes a file: --dry-run shows it instead; there is nothing to confirm.
    let show = global("dry_run").help("Print the file init would write and write nothing");
    cmd.mut_subcommand("init", |sub| sub.arg(hidden[0].clone()).arg(show))
}

/// `--duration` and `--interval` of a watch: a duration above zero, at most a day.
fn watch_span(text: &str) -> Result<String, String> {
    crate::duration::parse_watch_span(text).map(|_| text.to_string())
}

/// A Heroku app as the API takes it: a name (letters, digits, dashes) or an id. Anything else
/// (a quote, a space, a slash, a control character) is a mistake, refused before init writes it
/// into a file or a request carries it.
pub fn heroku_app_name(text: &str) -> Result<String, String> {
    if !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Ok(text.to_string());
    }
    Err(format!("expected a Heroku app name (letters, digits and dashes) or id, got {text:?}"))
}

/// A count of 1 or more.
fn at_least_one(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(0) => Err("must be 1 or more".into()),
        Ok(n) => Ok(n),
        Err(_) => Err("expected a whole number, 1 or more".into()),
    }
}
