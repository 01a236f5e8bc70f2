//! Terminal tests: hostile text in every place bpdeploy quotes from outside — file names, author
//! names, commit subjects and the branch name from the repository; PR titles, logins, check
//! names, Sentry titles and error bodies from the services — never reaches the terminal as
//! anything but text: no ESC, BEL or C1 byte, and no line of its own.
use super::Echoing;
use crate::preflight::fixture::Fixture;
use crate::support::{Cmd, Run};
use bpdeploy::cli::Scenario;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Sets the title, clears the screen, paints red and rings: each must go, whole.
const ESCAPES: &str = "\u{1b}]0;pwned\u{7}\u{1b}[2J\u{1b}[31m\u{9b}1m\u{7}";
/// A line a hostile name would like to add to the report.
const FORGED: &str = "Verdict: GO (forged)";

/// Characters a terminal acts on: every control but newline and tab (ESC, BEL, CR, …), DEL,
/// and the C1 controls (U+0080–U+009F).
fn controls(text: &str) -> Vec<char> {
    text.chars().filter(|c| c.is_control() && *c != '\n' && *c != '\t').collect()
}

/// Nothing in `run`'s output can drive a terminal, and no line is the forged one.
fn assert_inert(run: &Run, what: &str) {
    for (stream, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        let found = controls(text);
        assert!(found.is_empty(), "{what}: {stream} holds {found:?}:\n{text}");
        let forged = text.lines().find(|l| l.trim_start().trim_start_matches("- ").starts_with(FORGED));
        assert!(forged.is_none(), "{what}: a forged line on {stream}: {forged:?}\n{text}");
    }
}

/// A direct push to the sandbox's GitHub master by a hostile author: the next preflight and
/// deploy ship it.
fn push_hostile_commit(e: &Echoing) {
    let risky = format!(
        "class EvilOne < ActiveRecord::Migration[7.1]\n  def change\n    remove_column :orders, :\"{ESCAPES}x\"\n  end\nend\n"
    );
    let files = [
        (format!("db/migrate/20990101000001_evil_one{ESCAPES}.rb"), risky),
        (
            format!("db/migrate/20990101000002_evil_two\n{FORGED}.rb"),
            "class EvilTwo < ActiveRecord::Migration[7.1]\n  def change\n    add_index :orders, :email\n  end\nend\n"
                .into(),
        ),
        (format!("app/{ESCAPES}evil/thing.rb"), "class Thing\nend\n".into()),
    ];
    e.push_to_master(&files, &format!("Mallory{ESCAPES}"), &format!("Tidy{ESCAPES} things\n\n{FORGED}\n"));
}

/// The repository's side, end to end: preflight, then the deploy that runs it and streams the
/// release phase (whose banners and statements quote the hostile file names and source).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_file_author_and_subject_text_from_the_repository_is_inert() {
    let e = Echoing::start(Scenario::Happy).await;
    push_hostile_commit(&e);
    let preflight = e.run(&[], &["preflight"]).await;
    assert_eq!(preflight.code, 0, "{}", preflight.stderr);
    assert_inert(&preflight, "preflight");
    assert!(
        preflight.stdout.contains("20990101000001_evil_one\\x1b]0;pwned\\x07\\x1b[2J"),
        "a hostile file name shows what it is:\n{}",
        preflight.stdout
    );
    assert!(preflight.stdout.contains("evil_two\\nVerdict: GO (forged).rb"), "{}", preflight.stdout);
    let json = e.run(&[], &["--json", "preflight"]).await;
    assert_inert(&json, "preflight --json");
    let paths: Vec<String> =
        json.json()["migrations"].as_array().unwrap().iter().map(|m| m["path"].as_str().unwrap().into()).collect();
    assert!(paths.iter().any(|p| p.contains(ESCAPES)), "JSON keeps the exact path, escaped: {paths:?}");

    let deploy = e.run(&[], &["-v", "deploy", "--yes"]).await;
    assert_eq!(deploy.code, 0, "{}", deploy.stderr);
    assert_inert(&deploy, "deploy");
    assert!(deploy.stderr.contains("EvilOne"), "the release phase ran the hostile migrations:\n{}", deploy.stderr);
    assert!(
        deploy.stderr.contains("evil_one\\x1b]0;pwned\\x07"),
        "deploy's preflight summary shows the hostile path for what it is:\n{}",
        deploy.stderr
    );
    let events = e.run(&[], &["--json", "watch"]).await;
    assert_inert(&events, "watch --json");
}

/// A `[github] branch` in bpdeploy.toml (part of the repository) with escapes and a newline.
#[test]
fn a_hostile_branch_name_from_the_config_is_inert() {
    let dir = tempfile::tempdir().unwrap();
    let mut f = Fixture::init(dir.path());
    f.write("app/x.rb", "x\n");
    let base = f.commit("Alice", "Initial", &[]);
    f.set_ref("refs/remotes/heroku/master", base);
    let branch = format!("main{ESCAPES}\n{FORGED}");
    let config = format!("[github]\nrepo = \"acme/shop\"\nbranch = {}\n", toml_string(&branch));
    std::fs::write(dir.path().join("bpdeploy.toml"), config).unwrap();
    for args in [&["preflight", "--offline"][..], &["--json", "preflight", "--offline"], &["--dry-run", "deploy"]] {
        let run = Cmd::new(dir.path(), dir.path()).args(args).run();
        assert_ne!(run.code, 0, "no such branch: {run:?}");
        assert_inert(&run, &args.join(" "));
    }
}

fn toml_string(text: &str) -> String {
    serde_json::to_string(text).unwrap() // a JSON string with \u escapes is a TOML basic string
}

/// The services' side: PR titles and logins (GraphQL), a check name, Heroku's description and
/// user, Sentry titles, and error bodies, all hostile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_titles_names_and_error_bodies_from_the_services_are_inert() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let mut f = Fixture::init(dir.path());
    f.write("app/x.rb", "x\n");
    let production = f.commit("Alice", "Initial", &[]);
    f.write("app/y.rb", "y\n");
    let head = f.commit("Bob", "Add y (#7)", &[production]);
    f.set_ref("refs/remotes/origin/master", head);
    let config = "[heroku]\napp = \"shop\"\n[github]\nrepo = \"acme/shop\"\nbranch = \"master\"\n\
                  [sentry]\norg = \"acme\"\nproject = \"rails\"\n";
    std::fs::write(dir.path().join("bpdeploy.toml"), config).unwrap();
    let hostile = format!("{ESCAPES}boom\n{FORGED}");
    let t0 = "2026-09-01T12:00:00Z";
    let get = |p: String, status: u16, body: serde_json::Value| {
        Mock::given(method("GET")).and(path(p)).respond_with(ResponseTemplate::new(status).set_body_json(body))
    };
    get(
        "/heroku/apps/shop/releases".into(),
        200,
        json!([{"id": "r-42", "version": 42, "status": "succeeded",
        "current": true, "description": hostile, "slug": {"id": "slug-42"}, "created_at": t0, "updated_at": t0,
        "user": {"id": "u1", "email": format!("ops{ESCAPES}@example.com")}}]),
    )
    .mount(&server)
    .await;
    get("/heroku/apps/shop/builds".into(), 200, json!([])).mount(&server).await;
    get(
        "/heroku/apps/shop/slugs/slug-42".into(),
        200,
        json!({"id": "slug-42", "commit": production.to_string(),
        "process_types": {}}),
    )
    .mount(&server)
    .await;
    let status = json!({"state": "failure", "sha": head.to_string(), "total_count": 1, "statuses": [
        {"context": hostile, "state": "failure", "description": hostile, "target_url": null}]});
    get("/github/repos/acme/shop/commits/heads/master/status".into(), 200, status.clone()).mount(&server).await;
    get(format!("/github/repos/acme/shop/commits/{head}/status"), 200, status).mount(&server).await;
    let run = json!({"id": 1, "name": hostile, "head_sha": head.to_string(), "status": "completed",
        "conclusion": "failure", "html_url": format!("https://ci.example/{ESCAPES}")});
    get(
        format!("/github/repos/acme/shop/commits/{head}/check-runs"),
        200,
        json!({"total_count": 1, "check_runs": [run]}),
    )
    .mount(&server)
    .await;
    let pr = json!({"id": "PR_7", "number": 7, "title": hostile, "url": "https://github.com/acme/shop/pull/7",
        "state": "MERGED", "mergedAt": t0, "mergeCommit": null, "author": {"login": format!("mal{ESCAPES}lory")},
        "labels": {"nodes": []}});
    Mock::given(method("POST"))
        .and(path("/github/graphql"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {"repository": {"pr7": pr}}})))
        .mount(&server)
        .await;
    let issue = json!({"id": "1", "shortId": format!("RAILS-{ESCAPES}1"), "title": hostile, "count": "5",
        "userCount": 1, "firstSeen": t0, "lastSeen": t0, "permalink": format!("https://sentry.example/{ESCAPES}")});
    get("/sentry/api/0/organizations/acme/issues/".into(), 200, json!([issue])).mount(&server).await;
    get("/sentry/api/0/organizations/acme/events/".into(), 500, json!({"detail": hostile})).mount(&server).await;

    let cmd = |args: &[&str]| {
        let uri = server.uri();
        Cmd::new(dir.path(), dir.path())
            .env("BPDEPLOY_HEROKU_URL", format!("{uri}/heroku/"))
            .env("BPDEPLOY_GITHUB_URL", format!("{uri}/github/"))
            .env("BPDEPLOY_SENTRY_URL", format!("{uri}/sentry/"))
            .env("HEROKU_API_KEY", "heroku-token")
            .env("GITHUB_TOKEN", "github-token")
            .env("SENTRY_AUTH_TOKEN", "sentry-token")
            .env("BPDEPLOY_HTTP_RETRIES", "0")
            .env("XDG_STATE_HOME", dir.path().join("state"))
            .args(args)
    };
    for args in [&["preflight"][..], &["--json", "preflight"], &["--color", "always", "preflight"], &["releases"]] {
        let run = tokio::task::spawn_blocking({
            let cmd = cmd(args);
            move || cmd.run()
        })
        .await
        .unwrap();
        assert_eq!(run.code, 0, "{}: {}", args.join(" "), run.stderr);
        if args.contains(&"always") {
            // Colour on: our own styles remain, nothing of theirs.
            let theirs = ["\u{1b}]0;", "\u{1b}[2J", "\u{7}", "\u{9b}"];
            let found: Vec<&&str> = theirs.iter().filter(|s| run.stdout.contains(**s)).collect();
            assert!(found.is_empty(), "hostile sequences {found:?} in:\n{}", run.stdout);
        } else {
            assert_inert(&run, &args.join(" "));
        }
        // Sequences go whole: not `[2J` or `]0;pwned` left behind where ESC was cut out (JSON
        // keeps the exact text, every control escaped).
        for remnant in ["]0;pwned", "[2J", "1mboom"].iter().filter(|_| !args.contains(&"--json")) {
            assert!(!run.stdout.contains(remnant), "{remnant} left in {}:\n{}", args.join(" "), run.stdout);
        }
        assert!(run.stdout.contains("boom") || run.stdout.contains("\"boom"), "the text itself stays:\n{}", run.stdout);
    }

    // An error body is the message of the command's one error line.
    Mock::given(method("GET"))
        .and(path("/heroku/apps/gone/releases"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"id": "not_found", "message": hostile})))
        .mount(&server)
        .await;
    let run = tokio::task::spawn_blocking({
        let cmd = cmd(&["--app", "gone", "releases"]);
        move || cmd.run()
    })
    .await
    .unwrap();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_inert(&run, "releases (404)");
    assert_eq!(run.stderr.lines().count(), 2, "one error line and one hint:\n{}", run.stderr);
}
