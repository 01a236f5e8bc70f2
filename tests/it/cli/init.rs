//! `bpdeploy init`: where it writes, what it fills in, and when it writes nothing at all.
use crate::support::{scratch, Cmd};
use bpdeploy::cli::GlobalArgs;
use bpdeploy::config::Config;
use bpdeploy::env::Env;
use std::path::Path;

fn repo_with_remotes(dir: &Path) {
    let repo = git2::Repository::init(dir).unwrap();
    repo.remote("origin", "git@github.com:acme/storefront.git").unwrap();
    repo.remote("heroku", "https://git.heroku.com/storefront-prod.git").unwrap();
}

#[test]
fn dry_run_prints_the_file_and_writes_nothing_even_with_force() {
    let (_d, dir) = scratch();
    repo_with_remotes(&dir);
    let file = dir.join("bpdeploy.toml");
    std::fs::write(&file, "# mine\n").unwrap();

    let shown = Cmd::new(&dir, &dir).args(["init", "--dry-run", "--force"]).run();
    assert_eq!(shown.code, 0, "{shown:?}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "# mine\n", "--dry-run wrote nothing");
    assert!(shown.stdout.contains("repo = \"acme/storefront\""), "stdout is the file:\n{}", shown.stdout);
    assert!(shown.stderr.contains("nothing was written"), "{}", shown.stderr);
    let json = Cmd::new(&dir, &dir).args(["--json", "init", "--dry-run", "--force"]).run().json();
    assert_eq!((&json["dry_run"], &json["overwritten"]), (&true.into(), &true.into()));
    assert_eq!(json["content"].as_str().unwrap(), shown.stdout);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "# mine\n");

    // Without --force, a dry run refuses like the real run would, and its hint writes nothing.
    let refused = Cmd::new(&dir, &dir).args(["--json", "init", "--dry-run"]).run();
    assert_eq!(refused.json()["error"]["code"], "config_exists");
    let hint = refused.json()["error"]["hint"].as_str().unwrap().to_string();
    assert!(hint.starts_with("`bpdeploy init --dry-run --force` prints"), "the safe step comes first: {hint}");
}

#[test]
fn the_app_comes_from_the_flag_else_the_heroku_remote_and_lands_in_the_file() {
    let (_d, dir) = scratch();
    repo_with_remotes(&dir);
    let run = Cmd::new(&dir, &dir).args(["--json", "init"]).run();
    assert_eq!(run.json()["detected"]["app"], "storefront-prod", "{run:?}");
    let load = || Config::load(&GlobalArgs::default(), &Env::from_pairs(&dir, [])).unwrap();
    assert_eq!(load().app.as_deref(), Some("storefront-prod"));

    let run = Cmd::new(&dir, &dir).args(["--app", "shop-prod", "init", "--force"]).run();
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("overwrote"), "{}", run.stdout);
    let written = std::fs::read_to_string(dir.join("bpdeploy.toml")).unwrap();
    assert!(written.contains("app = \"shop-prod\""), "{written}");
    assert!(!written.contains("my-app"), "{written}");
    assert_eq!(load().app.as_deref(), Some("shop-prod"));
}

#[test]
fn config_names_the_file_init_writes_and_a_file_outside_the_repository_names_it() {
    let (_d, root) = scratch();
    let repo = root.join("shop");
    std::fs::create_dir_all(&repo).unwrap();
    repo_with_remotes(&repo);
    let run = Cmd::new(&repo, &root).args(["--json", "--config", "../configs/shop.toml", "init"]).run();
    assert_eq!(run.code, 0, "{run:?}");
    let file = root.join("configs/shop.toml");
    assert!(file.is_file() && !repo.join("bpdeploy.toml").exists(), "{run:?}");
    // From anywhere, that file works on the repository it was written for.
    let anywhere = tempfile::tempdir().unwrap();
    let global = GlobalArgs { config: Some(file), ..Default::default() };
    let config = Config::load(&global, &Env::from_pairs(anywhere.path(), [])).unwrap();
    assert_eq!(config.root, repo);
    assert_eq!(config.github.repo.as_deref(), Some("acme/storefront"));

    let env = Cmd::new(&repo, &root).env("BPDEPLOY_CONFIG", "env.toml").args(["init"]).run();
    assert_eq!(env.code, 0, "{env:?}");
    assert!(repo.join("env.toml").is_file(), "BPDEPLOY_CONFIG names the file too");
    assert!(!std::fs::read_to_string(repo.join("env.toml")).unwrap().contains("[repo]"), "inside: no [repo] path");
}

#[test]
fn outside_a_git_repository_init_says_so_and_writes_nothing() {
    let (_d, dir) = scratch();
    let run = Cmd::new(&dir, &dir).args(["--json", "init"]).run();
    assert_eq!(run.code, 1, "{run:?}");
    let err = &run.json()["error"];
    assert_eq!(err["code"], "not_a_repository");
    assert!(err["hint"].as_str().unwrap().contains("--config"), "{err}");
    assert!(std::fs::read_dir(&dir).unwrap().next().is_none(), "nothing written");

    // Told where, it writes, and says that nothing could be detected.
    let told = Cmd::new(&dir, &dir).args(["--config", "bp.toml", "init"]).run();
    assert_eq!(told.code, 0, "{told:?}");
    assert!(told.stderr.contains("not inside a git repository"), "{}", told.stderr);
    assert!(dir.join("bp.toml").is_file());
}
