//! Where the config and the repository come from, and how config errors read.
use crate::support::{scratch, Cmd};
use bpdeploy::cli::GlobalArgs;
use bpdeploy::config::Config;
use bpdeploy::env::Env;
use bpdeploy::error::Failure;
use std::path::Path;

fn commit_in(dir: &Path) -> git2::Oid {
    let repo = git2::Repository::init(dir).unwrap();
    let sig = git2::Signature::new("A", "a@example.com", &git2::Time::new(1_700_000_000, 0)).unwrap();
    let tree = repo.find_tree(repo.treebuilder(None).unwrap().write().unwrap()).unwrap();
    let first = repo.commit(Some("HEAD"), &sig, &sig, "first", &tree, &[]).unwrap();
    let parent = repo.find_commit(first).unwrap();
    repo.commit(Some("HEAD"), &sig, &sig, "second", &tree, &[&parent]).unwrap()
}

fn load(cwd: &Path, config: Option<&Path>, vars: &[(&str, &str)]) -> Result<Config, Failure> {
    let global = GlobalArgs { config: config.map(Path::to_path_buf), ..Default::default() };
    Config::load(&global, &Env::from_pairs(cwd, vars.iter().copied()))
        .map_err(|e| Failure::from_anyhow(&anyhow::Error::new(e)))
}

#[test]
fn a_config_outside_the_repository_works_on_the_repository_around_the_current_directory() {
    let (_d, root) = scratch();
    let (repo, elsewhere) = (root.join("shop"), root.join("configs"));
    std::fs::create_dir_all(repo.join("app/models")).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    let tip = commit_in(&repo);
    let file = elsewhere.join("shop.toml");
    std::fs::write(&file, "[heroku]\napp = \"shop\"\n").unwrap();

    let deep = repo.join("app/models");
    assert_eq!(load(&deep, Some(&file), &[]).unwrap().root, repo);
    let via_env = load(&deep, None, &[("BPDEPLOY_CONFIG", file.to_str().unwrap())]).unwrap();
    assert_eq!((via_env.root, via_env.app.as_deref()), (repo.clone(), Some("shop")));

    // The real binary: every git command runs in the repository, not in the config's folder.
    let run = Cmd::new(&deep, &root)
        .env("BPDEPLOY_CONFIG", &file)
        .args(["--json", "preflight", "--offline", "--from", "HEAD~1", "--to", "HEAD"])
        .run();
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.json()["range"]["to"], tip.to_string());

    // Outside any repository, the error says where to look, without pointing back at --config.
    let lost = Cmd::new(&elsewhere, &root).args(["--json", "--config", "shop.toml", "preflight", "--offline"]).run();
    let err = &lost.json()["error"];
    assert_eq!(err["code"], "not_a_repository", "{lost:?}");
    assert!(err["hint"].as_str().unwrap().contains("[repo] path"), "{err}");
}

#[test]
fn repo_path_in_the_file_names_the_repository_relative_to_the_file() {
    let (_d, root) = scratch();
    let repo = root.join("shop");
    std::fs::create_dir_all(&repo).unwrap();
    let tip = commit_in(&repo);
    let configs = root.join("configs");
    std::fs::create_dir_all(&configs).unwrap();
    std::fs::write(configs.join("shop.toml"), "[repo]\npath = \"../shop\"\n").unwrap();
    let anywhere = tempfile::tempdir().unwrap();
    let config = load(anywhere.path(), Some(&configs.join("shop.toml")), &[]).unwrap();
    assert_eq!(config.root, configs.join("../shop"));
    let run = Cmd::new(anywhere.path(), &root)
        .args(["--json", "--config"])
        .args([configs.join("shop.toml")])
        .args(["preflight", "--offline", "--from", "HEAD~1", "--to", "HEAD"])
        .run();
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.json()["range"]["to"], tip.to_string());

    // A [repo] path that is not a repository is the file's mistake, told with its line.
    std::fs::write(configs.join("typo.toml"), "[repo]\npath = \"../shpo\"\n").unwrap();
    let err = load(anywhere.path(), Some(&configs.join("typo.toml")), &[]).unwrap_err();
    assert_eq!(err.code, "config_invalid");
    assert!(err.message.contains("typo.toml:2: repo.path:") && err.message.contains("shpo"), "{err:?}");
    assert!(err.message.contains("not inside a git repository"), "{err:?}");
    assert!(!err.hint.unwrap().contains("set `[repo] path`"), "it is set: the hint must not say to set it");
}

#[test]
fn a_config_that_is_a_directory_says_so() {
    let (_d, dir) = scratch();
    let err = load(&dir, Some(&dir), &[]).unwrap_err();
    assert!(err.message.contains("is a directory"), "{err:?}");
    assert!(err.hint.unwrap().contains(&format!("--config {}", dir.join("bpdeploy.toml").display())));
}

/// A device or a pipe is there but is no config file; a huge file is not read whole.
#[test]
fn a_config_that_is_not_a_regular_file_or_far_too_large_says_so() {
    let (_d, dir) = scratch();
    let err = load(&dir, Some(Path::new("/dev/zero")), &[]).unwrap_err();
    assert_eq!(err.code, "config_unreadable");
    assert!(err.message.contains("not a regular file"), "{err:?}");
    let missing = load(&dir, Some(&dir.join("nope.toml")), &[]).unwrap_err();
    assert!(missing.message.contains("no such file"), "{missing:?}");

    let huge = dir.join("huge.toml");
    let file = std::fs::File::create(&huge).unwrap();
    file.set_len(64 << 20).unwrap(); // sparse: 64 MB of nothing on disk
    let err = load(&dir, Some(&huge), &[]).unwrap_err();
    assert_eq!(err.code, "config_unreadable");
    assert!(err.message.contains("larger than 1 MB"), "{err:?}");
}

#[test]
fn config_errors_read_plainly_and_their_hints_destroy_nothing() {
    let (_d, dir) = scratch();
    git2::Repository::init(&dir).unwrap();
    let cases = [
        ("[watch]\nmin_events = \"five\"\n", 2, "expected a whole number"),
        ("[watch]\nmax_new_issues = -1\n", 2, "expected a whole number"),
        ("[watch]\nmax_error_rate_ratio = -1\n", 2, "must be a number above 0"),
        ("[watch]\nmax_error_rate_ratio = 0\n", 2, "must be a number above 0"),
        ("[watch]\n\nduration = \"0s\"\n", 3, "longer than 0s"),
        ("[watch]\ninterval = \"48h\"\n", 2, "24h maximum"),
        ("[watch]\nmax_router_errors_per_minute = -1\n", 2, "errors per minute, 0 or more"),
        ("[watch]\nsmoke = [\"http://www.example.com/\"]\n", 2, "plain http:// is refused"),
        ("[watch]\n\nsmoke = [\"https://me:pw@www.example.com/\"]\n", 3, "carries no credentials"),
        ("[watch]\nsmoke = \"https://www.example.com/\"\n", 2, "expected a list"),
        ("[watch]\nsmoke_failing_rounds = 0\n", 2, "must be 1 or more"),
        ("[watch]\nsmoke_latency_ratio = 1\n", 2, "must be a number above 1"),
        ("[watch]\nslack_channels = [\"#\"]\n", 2, "is not a channel"),
        ("[watch]\nslack_channels = [\"dev questions\"]\n", 2, "is not a channel"),
        ("[watch]\ntransient_quiet_intervals = 0\n", 2, "must be 1 or more"),
        ("[watch]\nmax_transient_events = 1.5\n", 2, "expected a whole number"),
        ("[watch]\nmax_issue_rate_ratio = 0.5\n", 2, "must be a number above 1"),
        // Values checked once the whole file is read name their line too.
        ("[migrations]\n\npostgres_version = 8\n", 3, "migrations.postgres_version: expected a PostgreSQL version"),
        ("[migrations]\nmax_size = \"0\"\n", 2, "migrations.max_size: must be greater than zero"),
        ("[github]\nrepo = \"shop\"\n", 2, "github.repo: expected \"owner/name\""),
        ("github = { repo = \"shop\" }\n", 1, "github.repo: expected"),
        ("[heroku]\napp = \"shop\"\nurl = \"http://api.example.com\"\n", 3, "heroku.url: plain http://"),
        ("[sentry]\nrelease = \"{app}\"\n", 2, "sentry.release: the template must contain"),
        ("[triage]\nstopped_after = \"0s\"\n", 2, "longer than 0s"),
    ];
    for (text, line, needle) in cases {
        std::fs::write(dir.join("bpdeploy.toml"), text).unwrap();
        let err = load(&dir, None, &[]).unwrap_err();
        assert_eq!(err.code, "config_invalid");
        assert!(err.message.contains(&format!("bpdeploy.toml:{line}:")), "line {line}: {err:?}");
        assert!(err.message.contains(needle) && !err.message.contains("u64"), "{needle}: {err:?}");
        let hint = err.hint.unwrap();
        assert!(!hint.contains("init --force`") && hint.contains("--dry-run"), "never destructive: {hint}");
    }
    std::fs::write(dir.join("bpdeploy.toml"), "").unwrap();
    let err = load(&dir, None, &[("BPDEPLOY_WATCH_DURATION", "0s")]).unwrap_err();
    assert!(err.message.contains("BPDEPLOY_WATCH_DURATION"), "{err:?}");
    assert_eq!(err.hint.as_deref(), Some("fix or unset the environment variable BPDEPLOY_WATCH_DURATION"));
    // A knob named by its variable says the name once.
    let knob = Cmd::new(&dir, &dir)
        .env("HEROKU_API_KEY", "heroku-token")
        .env("BPDEPLOY_HTTP_RETRIES", "abc")
        .args(["--json", "--app", "shop", "releases"])
        .run();
    let err = &knob.json()["error"];
    assert_eq!(err["message"], "environment variable BPDEPLOY_HTTP_RETRIES: expected a whole number, got \"abc\"");
}

/// A smoke page's query may carry a key (`?key=…`): a config error shows the page without it,
/// as the watch does, never the key.
#[test]
fn a_smoke_url_error_does_not_print_the_query_that_may_carry_a_key() {
    let (_d, dir) = scratch();
    git2::Repository::init(&dir).unwrap();
    let text = "[watch]\nsmoke = [\"http://me:pw@www.example.com/forums?key=s3cr3t#frag\"]\n";
    std::fs::write(dir.join("bpdeploy.toml"), text).unwrap();
    let err = load(&dir, None, &[]).unwrap_err();
    assert!(err.message.contains("\"http://www.example.com/forums\": plain http:// is refused"), "{err:?}");
    assert!(!["s3cr3t", "frag", "pw@"].iter().any(|k| err.message.contains(k)), "{err:?}");
}

#[test]
fn a_zero_http_timeout_is_refused_not_turned_into_one_millisecond() {
    let (_d, dir) = scratch();
    git2::Repository::init(&dir).unwrap();
    let run = Cmd::new(&dir, &dir)
        .env("HEROKU_API_KEY", "heroku-token")
        .env("BPDEPLOY_HTTP_TIMEOUT_MS", "0")
        .env("BPDEPLOY_HEROKU_URL", "http://127.0.0.1:9")
        .args(["--json", "--app", "shop", "releases"])
        .run();
    assert_eq!(run.code, 1, "as the other knobs' errors: {}", run.stdout);
    let err = &run.json()["error"];
    assert_eq!(err["code"], "config_invalid");
    assert_eq!(
        err["message"],
        "environment variable BPDEPLOY_HTTP_TIMEOUT_MS: must be above 0 milliseconds (a request that may take no \
         time fails every call), got \"0\""
    );
    assert_eq!(err["hint"], "fix or unset the environment variable BPDEPLOY_HTTP_TIMEOUT_MS");
}

#[test]
fn the_watch_channels_keys_load_with_their_defaults_and_the_pages_as_written() {
    let (_d, dir) = scratch();
    git2::Repository::init(&dir).unwrap();
    std::fs::write(dir.join("bpdeploy.toml"), "").unwrap();
    let w = load(&dir, None, &[]).unwrap().watch;
    assert_eq!((w.max_router_errors_per_minute, w.smoke_failing_rounds, w.smoke_latency_ratio), (3.0, 3, 3.0));
    assert_eq!((w.transient_quiet_intervals, w.max_transient_events, w.max_issue_rate_ratio), (3, 10, 5.0));
    assert!(w.smoke.is_empty() && w.slack_channels.is_empty());
    let text = "[watch]\nsmoke = [\"https://www.example.com/forums\", \"http://127.0.0.1:9/up\"]\n\
                slack_channels = [\"#dev-questions\", \"C0SENTRY01\"]\nmax_router_errors_per_minute = 0\n\
                max_transient_events = 0\n";
    std::fs::write(dir.join("bpdeploy.toml"), text).unwrap();
    let w = load(&dir, None, &[]).unwrap().watch;
    let smoke: Vec<&str> = w.smoke.iter().map(|u| u.as_str()).collect();
    assert_eq!(smoke, ["https://www.example.com/forums", "http://127.0.0.1:9/up"], "no slash added to a page");
    assert_eq!(w.slack_channels, ["#dev-questions", "C0SENTRY01"]);
    assert_eq!((w.max_router_errors_per_minute, w.max_transient_events), (0.0, 0));
}

/// An app name no Heroku app can have (quotes, spaces, slashes, control characters) is refused
/// where it is given, before init writes it into a file or a request carries it.
#[test]
fn an_app_name_heroku_could_not_have_is_refused_where_it_is_given() {
    let (_d, dir) = scratch();
    git2::Repository::init(&dir).unwrap();
    let flag = Cmd::new(&dir, &dir).args(["--json", "--app", "shop\" [x]", "init", "--dry-run"]).run();
    assert_eq!(flag.code, 2, "{flag:?}");
    let message = flag.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(message.contains("--app") && message.contains("letters, digits and dashes"), "{message}");
    assert!(!dir.join("bpdeploy.toml").exists());

    let env = load(&dir, None, &[("HEROKU_APP", "shop prod")]).unwrap_err();
    assert_eq!(env.code, "config_invalid");
    assert!(env.message.contains("HEROKU_APP") && env.message.contains("letters, digits and dashes"), "{env:?}");
    std::fs::write(dir.join("bpdeploy.toml"), "[heroku]\napp = \"acme/shop\"\n").unwrap();
    let file = load(&dir, None, &[]).unwrap_err();
    assert!(file.message.contains("bpdeploy.toml:2: heroku.app:"), "{file:?}");

    // Names and ids as Heroku gives them still load.
    for good in ["shop-prod", "storefront2", "01234567-89ab-cdef-0123-456789abcdef"] {
        let config = load(&dir, None, &[("HEROKU_APP", good)]).unwrap();
        assert_eq!(config.app.as_deref(), Some(good));
    }
}
