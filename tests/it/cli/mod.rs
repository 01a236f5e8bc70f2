//! The command line as a new user meets it: usage errors, help, validation, completions and man.
mod config;
mod init;
mod readme;

use crate::support::{scratch, Cmd, Run};

fn run(args: &[&str]) -> Run {
    let (_d, dir) = scratch();
    Cmd::new(&dir, &dir).args(args).run()
}

#[test]
fn json_usage_errors_keep_the_argument_the_value_and_the_suggestion() {
    let typo = run(&["--json", "preflight", "--form", "x"]);
    assert_eq!(typo.code, 2, "{typo:?}");
    let err = &typo.json()["error"];
    assert_eq!(err["code"], "usage");
    assert_eq!(err["message"], "unexpected argument '--form' found");
    assert_eq!(err["hint"], "a similar argument exists: '--from'");

    let bad = run(&["--json", "releases", "-n", "abc"]);
    assert_eq!(bad.code, 2, "{bad:?}");
    let err = &bad.json()["error"];
    let message = err["message"].as_str().unwrap();
    assert!(message.contains("'abc'") && message.contains("--number"), "{message}");
    assert_eq!(err["hint"], "run `bpdeploy releases --help`");

    let choice = run(&["--json", "sandbox", "--scenario", "nope"]);
    let err = &choice.json()["error"];
    assert!(err["message"].as_str().unwrap().contains("'nope'"), "{err}");
    assert!(err["hint"].as_str().unwrap().starts_with("possible values: happy, build-fails"), "{err}");

    let sub = run(&["--json", "rolback"]);
    assert_eq!(sub.json()["error"]["hint"], "a similar subcommand exists: 'rollback'");
    assert_eq!(sub.stdout.lines().count(), 1, "one line, like every JSON error: {}", sub.stdout);

    // A missing argument is named, not left behind on the next line of clap's text.
    let missing = run(&["--json", "revert"]);
    assert_eq!(missing.code, 2, "{missing:?}");
    assert_eq!(missing.json()["error"]["message"], "the following required arguments were not provided: <PR>");
}

#[test]
fn help_shows_global_flags_under_their_heading_and_no_idle_yes_or_dry_run() {
    let deploy = run(&["deploy", "--help"]);
    let (own, global) = deploy.stdout.split_once("Global options:").expect("a Global options heading");
    assert!(own.contains("--branch") && !own.contains("--config"), "{}", deploy.stdout);
    for flag in ["--config", "--app", "--json", "--quiet", "--verbose", "--color", "--yes", "--dry-run"] {
        assert!(global.contains(flag), "deploy --help lists {flag} under Global options:\n{}", deploy.stdout);
    }
    for read_only in ["releases", "man", "completions", "preflight"] {
        let help = run(&[read_only, "--help"]).stdout;
        assert!(help.contains("Global options:") && help.contains("--config"), "{read_only}:\n{help}");
        assert!(!help.contains("--yes") && !help.contains("--dry-run"), "{read_only} --help:\n{help}");
    }
    let init = run(&["init", "--help"]).stdout;
    assert!(init.contains("--dry-run") && !init.contains("--yes"), "{init}");
    // Still accepted where hidden, as global flags are: scripts that always pass --yes keep working.
    let accepted = run(&["--json", "--yes", "releases", "--dry-run"]);
    assert_eq!(accepted.json()["error"]["code"], "config_missing", "{accepted:?}");
}

#[test]
fn zero_and_endless_values_are_refused_with_exit_2() {
    for (args, needle) in [
        (&["releases", "-n", "0"][..], "must be 1 or more"),
        (&["watch", "--duration", "0s"][..], "longer than 0s"),
        (&["watch", "--duration", "99999999999h"][..], "24h maximum"),
        (&["watch", "--duration", "9999999999999999999m"][..], "too large"),
        (&["watch", "--interval", "0ms"][..], "longer than 0s"),
        // The commands that watch after their own change take the same spans as `watch`.
        (&["deploy", "--watch", "--duration", "0s"][..], "longer than 0s"),
        (&["deploy", "--watch", "--duration", "48h"][..], "24h maximum"),
        (&["rollback", "--watch", "--interval", "0ms"][..], "longer than 0s"),
        (&["revert", "1234", "--watch", "--duration", "99999999999h"][..], "24h maximum"),
    ] {
        let mut with_json = vec!["--json"];
        with_json.extend_from_slice(args);
        let refused = run(&with_json);
        assert_eq!(refused.code, 2, "{args:?}: {refused:?}");
        let message = refused.json()["error"]["message"].as_str().unwrap().to_string();
        assert!(message.contains(needle), "{args:?}: {message}");
    }
}

#[test]
fn completions_and_man_print_their_document_also_with_json() {
    let zsh = run(&["--json", "completions", "zsh"]);
    assert_eq!(zsh.code, 0);
    assert!(zsh.stdout.starts_with("#compdef bpdeploy"), "{}", &zsh.stdout[..40.min(zsh.stdout.len())]);
    assert_eq!(zsh.stdout, run(&["completions", "zsh"]).stdout);
    let man = run(&["man", "--json"]);
    assert!(man.stdout.starts_with(".ie"), "{}", &man.stdout[..40.min(man.stdout.len())]);
    assert_eq!(man.stdout, run(&["man"]).stdout);
}

/// `bpdeploy-preflight(1)` and every other page a page names, as roff `name(1)` references.
fn references(page: &str) -> Vec<String> {
    page.lines()
        .filter_map(|l| l.strip_suffix("(1)"))
        .filter(|l| l.starts_with("bpdeploy"))
        .map(|l| l.replace("\\-", "-"))
        .collect()
}

#[test]
fn every_man_page_the_pages_name_exists() {
    let (_d, dir) = scratch();
    let written = Cmd::new(&dir, &dir).args(["--json", "man", "--dir", "pages"]).run();
    assert_eq!(written.code, 0, "{written:?}");
    let pages = written.json()["pages"].as_array().cloned().unwrap();
    assert!(pages.len() > 10, "a page per command: {pages:?}");
    let main = std::fs::read_to_string(dir.join("pages/bpdeploy.1")).unwrap();
    assert_eq!(main, run(&["man"]).stdout, "the page `man` prints is the one `man --dir` writes");
    let named = references(&main);
    assert!(named.contains(&"bpdeploy-preflight".to_string()), "{named:?}");
    assert!(!named.contains(&"bpdeploy-help".to_string()), "no page for the help pseudo-command: {named:?}");
    for name in named {
        let page = dir.join(format!("pages/{name}.1"));
        assert!(page.is_file(), "bpdeploy(1) names {name}(1), which `man --dir` did not write");
        let one = run(&["man", name.trim_start_matches("bpdeploy-")]);
        assert_eq!(one.stdout, std::fs::read_to_string(&page).unwrap(), "`man COMMAND` prints {name}(1)");
    }
    let unknown = run(&["--json", "man", "nosuch"]);
    assert_eq!((unknown.code, &unknown.json()["error"]["code"]), (2, &serde_json::json!("usage")));

    // A --dir that is a file says so (not "File exists (os error 17)") and leaves the file be.
    std::fs::write(dir.join("notes"), "mine").unwrap();
    let file = Cmd::new(&dir, &dir).args(["--json", "man", "--dir", "notes"]).run();
    assert_eq!(file.code, 1, "{file:?}");
    let err = &file.json()["error"];
    assert_eq!(err["code"], "write_failed");
    assert!(err["message"].as_str().unwrap().ends_with("notes: it is a file, not a directory"), "{err}");
    assert!(err["hint"].as_str().unwrap().contains("man1"), "{err}");
    assert_eq!(std::fs::read_to_string(dir.join("notes")).unwrap(), "mine");
}

#[test]
fn a_sandbox_on_a_taken_port_says_how_to_pick_another() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let refused = run(&["--json", "sandbox", "--port", &port]);
    assert_eq!(refused.code, 1, "{refused:?}");
    let err = &refused.json()["error"];
    assert_eq!(err["code"], "sandbox_failed");
    assert!(err["hint"].as_str().unwrap().contains("pass another --port"), "{err}");
}
