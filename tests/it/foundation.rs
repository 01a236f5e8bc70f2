//! Tests of the foundation: CLI surface, config, credentials, output, exit codes.
use crate::support::{scratch, Cmd};
use bpdeploy::cli::GlobalArgs;
use bpdeploy::config::Config;
use bpdeploy::credentials::Credentials;
use bpdeploy::env::Env;
use bpdeploy::exit::Exit;
use std::path::Path;

const SUBCOMMANDS: [&str; 12] = [
    "preflight",
    "deploy",
    "watch",
    "revert",
    "rollback",
    "triage",
    "releases",
    "init",
    "sandbox",
    "demo",
    "completions",
    "man",
];

#[test]
fn help_lists_every_subcommand_and_each_help_works() {
    let (_d, dir) = scratch();
    let run = Cmd::new(&dir, &dir).args(["--help"]).run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    for sub in SUBCOMMANDS {
        assert!(run.stdout.contains(&format!("  {sub} ")), "--help lacks {sub}:\n{}", run.stdout);
        let sub_help = Cmd::new(&dir, &dir).args([sub, "--help"]).run();
        assert_eq!(sub_help.code, 0, "{sub} --help: {}", sub_help.stderr);
        assert!(sub_help.stdout.contains("Usage: bpdeploy"), "{sub} --help: {}", sub_help.stdout);
    }
}

fn env_at(dir: &Path, pairs: &[(&str, &str)]) -> Env {
    Env::from_pairs(dir, pairs.iter().copied())
}

fn git_init(dir: &Path) {
    git2::Repository::init(dir).unwrap();
}

#[test]
fn config_is_found_walking_up_to_the_git_root_but_not_beyond() {
    let (_d, root) = scratch();
    let repo = root.join("repo");
    let deep = repo.join("app/models");
    std::fs::create_dir_all(&deep).unwrap();
    git_init(&repo);
    std::fs::write(repo.join("bpdeploy.toml"), "[heroku]\napp = \"from-repo\"\n").unwrap();
    let cfg = Config::load(&GlobalArgs::default(), &env_at(&deep, &[])).unwrap();
    assert_eq!(cfg.app.as_deref(), Some("from-repo"));
    assert_eq!(cfg.root, repo);

    // A file above the git root belongs to another project and is ignored.
    let (_d2, outer) = scratch();
    std::fs::write(outer.join("bpdeploy.toml"), "[heroku]\napp = \"outer\"\n").unwrap();
    let inner = outer.join("inner");
    std::fs::create_dir_all(&inner).unwrap();
    git_init(&inner);
    let cfg = Config::load(&GlobalArgs::default(), &env_at(&inner, &[])).unwrap();
    assert_eq!(cfg.app, None);
    assert_eq!(cfg.path, None);
}

#[test]
fn explicit_config_beats_env_config_and_discovery() {
    let (_d, dir) = scratch();
    git_init(&dir);
    std::fs::write(dir.join("bpdeploy.toml"), "[heroku]\napp = \"discovered\"\n").unwrap();
    std::fs::write(dir.join("env.toml"), "[heroku]\napp = \"from-env-var\"\n").unwrap();
    std::fs::write(dir.join("flag.toml"), "[heroku]\napp = \"from-flag\"\n").unwrap();
    let env = env_at(&dir, &[("BPDEPLOY_CONFIG", "env.toml")]);
    assert_eq!(Config::load(&GlobalArgs::default(), &env).unwrap().app.as_deref(), Some("from-env-var"));
    let flags = GlobalArgs { config: Some("flag.toml".into()), ..Default::default() };
    assert_eq!(Config::load(&flags, &env).unwrap().app.as_deref(), Some("from-flag"));
    let missing = GlobalArgs { config: Some("nope.toml".into()), ..Default::default() };
    assert!(Config::load(&missing, &env).unwrap_err().to_string().contains("nope.toml"));
}

#[test]
fn flags_beat_environment_beat_file_beat_defaults() {
    let (_d, dir) = scratch();
    git_init(&dir);
    std::fs::write(
        dir.join("bpdeploy.toml"),
        "[heroku]\napp = \"file-app\"\n[github]\nbranch = \"main\"\nrepo = \"acme/shop\"\n[watch]\nduration = \"5m\"\n",
    )
    .unwrap();
    let defaults_only = Config::load(&GlobalArgs::default(), &env_at(&dir, &[])).unwrap();
    assert_eq!(defaults_only.app.as_deref(), Some("file-app"));
    assert_eq!(defaults_only.github.branch, "main");
    assert_eq!(defaults_only.watch.duration.as_secs(), 300);
    assert_eq!(defaults_only.watch.interval.as_secs(), 15, "default interval");
    assert_eq!(defaults_only.sentry.environment, "production");
    assert_eq!(defaults_only.migrations.schema, vec!["db/migrate/*.rb", "db/post_migrate/*.rb"]);

    let env = env_at(
        &dir,
        &[("HEROKU_APP", "env-app"), ("BPDEPLOY_GITHUB_BRANCH", "release"), ("BPDEPLOY_WATCH_DURATION", "90s")],
    );
    let from_env = Config::load(&GlobalArgs::default(), &env).unwrap();
    assert_eq!(from_env.app.as_deref(), Some("env-app"));
    assert_eq!(from_env.github.branch, "release");
    assert_eq!(from_env.watch.duration.as_secs(), 90);

    let flags = GlobalArgs { app: Some("flag-app".into()), ..Default::default() };
    assert_eq!(Config::load(&flags, &env).unwrap().app.as_deref(), Some("flag-app"));
}

#[test]
fn unknown_key_wrong_type_and_bad_duration_name_file_and_line() {
    let (_d, dir) = scratch();
    git_init(&dir);
    let cases = [
        ("[heroku]\napp = \"x\"\n\n[github]\nbranch = \"main\"\nbrnach = \"oops\"\n", 6, "brnach"),
        ("[heroku]\napp = 42\n", 2, "string"),
        ("[watch]\ninterval = \"15s\"\nduration = \"7 minutes\"\n", 3, "duration"),
        ("[sentry]\norg = \"o\"\n[slak]\nchannel = \"#d\"\n", 3, "slak"),
    ];
    for (text, line, needle) in cases {
        std::fs::write(dir.join("bpdeploy.toml"), text).unwrap();
        let err = Config::load(&GlobalArgs::default(), &env_at(&dir, &[])).unwrap_err().to_string();
        assert!(err.contains(&format!("bpdeploy.toml:{line}:")), "want line {line} in {err:?}");
        assert!(err.contains(needle), "want {needle:?} in {err:?}");
        assert!(!err.contains('\n'), "one line: {err:?}");
    }
}

#[test]
fn plain_http_is_refused_for_a_non_loopback_host() {
    let (_d, dir) = scratch();
    let env = env_at(&dir, &[("BPDEPLOY_HEROKU_URL", "http://api.example.com")]);
    let err = Config::load(&GlobalArgs::default(), &env).unwrap_err().to_string();
    assert!(err.contains("BPDEPLOY_HEROKU_URL") && err.contains("refused"), "{err}");
    let env = env_at(&dir, &[("BPDEPLOY_SENTRY_URL", "http://127.0.0.1:9/"), ("SENTRY_URL", "https://ignored")]);
    let cfg = Config::load(&GlobalArgs::default(), &env).unwrap();
    assert_eq!(cfg.endpoints.sentry.as_str(), "http://127.0.0.1:9/");
    let env = env_at(&dir, &[("SENTRY_URL", "https://sentry.example.com")]);
    assert_eq!(
        Config::load(&GlobalArgs::default(), &env).unwrap().endpoints.sentry.as_str(),
        "https://sentry.example.com/"
    );
}

#[test]
fn credentials_come_from_env_then_the_services_own_files() {
    let (_d, home) = scratch();
    let home_s = home.to_str().unwrap();
    let creds = |pairs: &[(&str, &str)]| Credentials::new(env_at(&home, pairs));

    // Nothing anywhere: each names its variable.
    let none = creds(&[("HOME", home_s)]);
    for err in [none.heroku().unwrap_err(), none.github().unwrap_err(), none.sentry().unwrap_err()] {
        let f = bpdeploy::error::Failure::from_anyhow(&anyhow::Error::new(err));
        assert_eq!(f.exit, Exit::Credentials);
        assert!(f.hint.unwrap().contains("_TOKEN") || f.message.contains("Heroku"));
    }
    assert!(none.slack().is_none());

    // The services' own files.
    std::fs::write(home.join(".netrc"), "machine api.heroku.com\n  login me@x.io\n  password netrc-key\n").unwrap();
    std::fs::write(home.join(".sentryclirc"), "[defaults]\norg = x\n[auth]\ntoken = rc-token\n").unwrap();
    let files = creds(&[("HOME", home_s), ("GH_TOKEN", "gh-token")]);
    assert_eq!(files.heroku().unwrap().expose(), "netrc-key");
    assert_eq!(files.sentry().unwrap().expose(), "rc-token");
    assert_eq!(files.github().unwrap().expose(), "gh-token");

    // The environment wins over the files; GITHUB_TOKEN over GH_TOKEN.
    let env = creds(&[
        ("HOME", home_s),
        ("HEROKU_API_KEY", "env-key"),
        ("SENTRY_AUTH_TOKEN", "env-sentry"),
        ("GITHUB_TOKEN", "gh-env"),
        ("GH_TOKEN", "gh-token"),
        ("SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T/B/secret"),
    ]);
    assert_eq!(env.heroku().unwrap().expose(), "env-key");
    assert_eq!(env.sentry().unwrap().expose(), "env-sentry");
    assert_eq!(env.github().unwrap().expose(), "gh-env");
    let slack = format!("{:?}", env.slack().unwrap());
    assert!(slack.starts_with("Webhook") && !slack.contains("secret"), "{slack}");
}

#[test]
fn exit_codes_are_distinct_and_documented_in_the_readme() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let mut seen = std::collections::HashSet::new();
    for exit in Exit::ALL {
        assert!(seen.insert(exit.code()), "duplicate code {}", exit.code());
        let row = format!("| {} | {} |", exit.code(), exit.meaning());
        assert!(readme.contains(&row), "README exit-code table lacks the row {row:?} ({exit:?})");
    }
    assert_eq!(Exit::Credentials.code(), 4);
    assert_eq!(Exit::Interrupted.code(), 130);
}

#[test]
fn json_errors_have_code_message_hint_on_stdout() {
    let (_d, dir) = scratch();
    git_init(&dir);
    std::fs::write(dir.join("bpdeploy.toml"), "").unwrap();
    let run = Cmd::new(&dir, &dir).args(["--json", "init"]).run();
    assert_eq!(run.code, 1, "{run:?}");
    let err = &run.json()["error"];
    assert_eq!(err["code"], "config_exists");
    assert!(err["message"].as_str().unwrap().contains("bpdeploy.toml"));
    assert!(err["hint"].as_str().unwrap().contains("--force"));

    // Usage errors are JSON too, with exit 2.
    let run = Cmd::new(&dir, &dir).args(["--json", "rollback", "--frobnicate"]).run();
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(run.json()["error"]["code"], "usage");

    // Human mode: one line plus a hint on stderr, nothing on stdout.
    let run = Cmd::new(&dir, &dir).args(["init"]).run();
    assert_eq!(run.code, 1);
    assert!(run.stdout.is_empty());
    assert!(run.stderr.starts_with("error: ") && run.stderr.contains("\nhint: "), "{}", run.stderr);
}

#[test]
fn completions_are_checked_in_and_current() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    let bless = std::env::var_os("BPDEPLOY_BLESS").is_some();
    let files = [
        ("bash", "bpdeploy.bash"),
        ("zsh", "_bpdeploy"),
        ("fish", "bpdeploy.fish"),
        ("powershell", "_bpdeploy.ps1"),
        ("elvish", "bpdeploy.elv"),
    ];
    for (shell, file) in files {
        let (_d, tmp) = scratch();
        let run = Cmd::new(&tmp, &tmp).args(["completions", shell]).run();
        assert_eq!(run.code, 0, "{run:?}");
        assert!(run.stdout.contains("bpdeploy"));
        let path = dir.join(file);
        if bless {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &run.stdout).unwrap();
        }
        let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            checked_in == run.stdout,
            "completions/{file} is stale: run `BPDEPLOY_BLESS=1 cargo test completions` and commit"
        );
    }
}

#[test]
fn man_page_renders() {
    let (_d, dir) = scratch();
    let run = Cmd::new(&dir, &dir).args(["man"]).run();
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains(".TH bpdeploy"), "{}", &run.stdout[..run.stdout.len().min(200)]);
}

#[test]
fn init_detects_remote_branch_procfile_and_migration_dirs() {
    let (_d, dir) = scratch();
    let repo = git2::Repository::init(&dir).unwrap();
    repo.remote("origin", "git@github.com:acme/storefront.git").unwrap();
    std::fs::write(dir.join("Procfile"), "web: bundle exec puma\nrelease: bundle exec rake db:migrate data:migrate\n")
        .unwrap();
    std::fs::create_dir_all(dir.join("db/data")).unwrap();
    // A commit on main so the branch is known.
    let sig = git2::Signature::new("A", "a@x.io", &git2::Time::new(1_700_000_000, 0)).unwrap();
    let tree = repo.treebuilder(None).unwrap().write().unwrap();
    let tree = repo.find_tree(tree).unwrap();
    repo.commit(Some("refs/heads/main"), &sig, &sig, "init", &tree, &[]).unwrap();
    repo.set_head("refs/heads/main").unwrap();

    let run = Cmd::new(&dir, &dir).args(["--json", "init"]).run();
    assert_eq!(run.code, 0, "{run:?}");
    let out = run.json();
    assert_eq!(out["detected"]["repo"], "acme/storefront");
    assert_eq!(out["detected"]["branch"], "main");
    assert_eq!(out["detected"]["release_command"], "bundle exec rake db:migrate data:migrate");
    assert_eq!(out["detected"]["data_migrations"], true);
    assert_eq!(out["detected"]["schema_migrations"], false);
    let written = std::fs::read_to_string(dir.join("bpdeploy.toml")).unwrap();
    assert!(written.contains("repo = \"acme/storefront\""));
    // What init wrote is a valid config for the real loader.
    let cfg = Config::load(&GlobalArgs::default(), &env_at(&dir, &[])).unwrap();
    assert_eq!(cfg.github.repo.as_deref(), Some("acme/storefront"));

    // Never overwrites without --force; with it, it does.
    assert_eq!(Cmd::new(&dir, &dir).args(["init"]).run().code, 1);
    let forced = Cmd::new(&dir, &dir).args(["--json", "init", "--force"]).run();
    assert_eq!(forced.code, 0);
    assert_eq!(forced.json()["overwritten"], true);
}

#[test]
fn triage_without_configuration_says_what_is_missing() {
    let (_d, dir) = scratch();
    let run = Cmd::new(&dir, &dir).args(["--json", "triage"]).run();
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.json()["error"]["code"], "config_missing");
    assert!(run.json()["error"]["hint"].as_str().unwrap().contains("--app"), "{run:?}");
}

#[test]
fn a_plain_http_slack_webhook_is_refused_without_showing_it() {
    let (_d, dir) = scratch();
    let env = env_at(&dir, &[("SLACK_WEBHOOK_URL", "http://hooks.example.com/services/T0/B0/s3cr3t")]);
    let ctx = bpdeploy::context::Context::new(GlobalArgs::default(), env, bpdeploy::ui::Ui::plain());
    let err = format!("{:#}", ctx.slack().unwrap_err());
    assert!(err.contains("SLACK_WEBHOOK_URL") && err.contains("refused"), "{err}");
    assert!(!err.contains("s3cr3t"), "{err}");
    let env = env_at(&dir, &[("SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T0/B0/s3cr3t")]);
    let ctx = bpdeploy::context::Context::new(GlobalArgs::default(), env, bpdeploy::ui::Ui::plain());
    assert!(!ctx.slack().unwrap().unwrap().can_edit(), "a webhook cannot edit messages");
}
