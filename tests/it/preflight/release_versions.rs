//! `--from v41`: a Heroku release version wherever preflight takes a revision, as a Heroku user
//! expects; and what production runs, when this clone cannot see it.
use super::fixture;
use super::online::{World, T0};
use serde_json::json;

/// Heroku's release `version`, whose slug records `commit`.
async fn release(w: &World, version: u64, commit: &str) {
    let body = json!({"id": format!("r-{version}"), "version": version, "status": "succeeded", "current": false,
        "description": "Deploy", "slug": {"id": format!("slug-{version}")}, "user": null,
        "created_at": T0, "updated_at": T0});
    w.get(&format!("/heroku/apps/shop/releases/{version}"), body).await;
    w.get(
        &format!("/heroku/apps/shop/slugs/slug-{version}"),
        json!({"id": format!("slug-{version}"), "commit": commit}),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_heroku_release_version_names_the_commit_its_slug_ran() {
    let mut w = World::new().await;
    let r = fixture::release(&mut w.f);
    w.standard(&r).await;
    release(&w, 40, &r.pr1_merge.to_string()).await;
    release(&w, 41, &r.pr3_squash.to_string()).await;

    let run = w.run(&["--json", "--from", "v40", "--to", "v41"]).await;
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let range = &run.json()["range"];
    assert_eq!((&range["from"], &range["to"]), (&json!(r.pr1_merge.to_string()), &json!(r.pr3_squash.to_string())));
    assert_eq!((&range["from_ref"], &range["to_ref"]), (&json!("v40"), &json!("v41")));
    assert_eq!(range["commits"], 3, "PR #2, the direct push and PR #3");

    let human = w.run(&["--from", "v40"]).await;
    assert!(human.stdout.contains(&format!("from {} (v40)", &r.pr1_merge.to_string()[..7])), "{}", human.stdout);
    assert!(human.stdout.contains(&format!("deployed {T0}")), "RFC 3339 off a terminal:\n{}", human.stdout);
    assert!(!human.stdout.contains("hours ago"), "{}", human.stdout);

    let unknown = w.run(&["--json", "--from", "v99"]).await;
    let err = &unknown.json()["error"];
    assert_eq!(err["code"], "unknown_revision", "{}", unknown.stdout);
    assert!(err["message"].as_str().unwrap().contains("v99"), "{err}");
    assert!(err["hint"].as_str().unwrap().contains("shop has no release v99"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shallow_clone_is_told_to_deepen_not_to_fetch_again() {
    let mut w = World::new().await;
    let r = fixture::release(&mut w.f);
    // Production runs a commit this clone does not have.
    let elsewhere = git2::Oid::from_str("1234567890abcdef1234567890abcdef12345678").unwrap();
    w.heroku(elsewhere, json!([])).await;
    w.github(r.pr3_squash, ("completed", Some("success"))).await;

    let deep = w.run(&["--json"]).await;
    let hint = deep.json()["error"]["hint"].as_str().unwrap().to_string();
    assert!(hint.contains("--fetch") && !hint.contains("unshallow"), "{hint}");

    // What `git clone --depth 1` leaves: the commits whose parents were cut off.
    std::fs::write(w.f.repo.path().join("shallow"), format!("{}\n", r.pr3_squash)).unwrap();
    let shallow = w.run(&["--json"]).await;
    let err = &shallow.json()["error"];
    assert_eq!(err["code"], "unknown_revision");
    let hint = err["hint"].as_str().unwrap();
    assert!(hint.contains("git fetch --unshallow") && hint.contains("--deepen"), "{hint}");
    assert!(!hint.contains("--fetch,"), "--fetch would fetch the same shallow tip: {hint}");
}
