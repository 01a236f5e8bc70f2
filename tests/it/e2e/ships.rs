//! Issue 9's "preflight of exactly what ships": the sha GitHub's branch points at is the one
//! preflight reads (fetched when this clone lacks it) and the one built; a deploy that would build
//! what production runs stops with exit 0; `--watch` checks the watch's credentials before building.
use super::{context, of_type, result, Drill};
use bpdeploy::cli::Scenario;
use git2::{Oid, Repository};

/// Pushes a commit onto GitHub's master (the sandbox's bare origin) that this clone has not
/// fetched: a risky schema migration.
fn push_behind_the_clones_back(d: &Drill) -> Oid {
    let origin = Repository::open_bare(&d.sb.scratch().origin).unwrap();
    let head = origin.find_commit(d.sb.scratch().head).unwrap();
    let source = "class ChangeOrdersTotalToBigint < ActiveRecord::Migration[7.1]\n  def change\n    \
                  change_column :orders, :total, :bigint\n  end\nend\n";
    let blob = origin.blob(source.as_bytes()).unwrap();
    let mut update = git2::build::TreeUpdateBuilder::new();
    update.upsert("db/migrate/20250101000009_change_orders_total_to_bigint.rb", blob, git2::FileMode::Blob);
    let tree = origin.find_tree(update.create_updated(&origin, &head.tree().unwrap()).unwrap()).unwrap();
    let when = git2::Time::new(head.time().seconds() + 60, 0);
    let sig = git2::Signature::new("Erin", "erin@acme.test", &when).unwrap();
    origin.commit(Some("refs/heads/master"), &sig, &sig, "Change orders.total to bigint", &tree, &[&head]).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deploy_preflights_and_builds_githubs_sha_even_when_the_clone_is_behind() {
    let d = Drill::start(Scenario::Happy).await;
    let pushed = push_behind_the_clones_back(&d);
    let clone = Repository::open(d.sb.repo_dir()).unwrap();
    assert!(clone.find_commit(pushed).is_err(), "the clone has not fetched it");
    let run = d.run(&["--json", "deploy", "--yes"]).await;
    assert_eq!(run.code, 0, "{}", context(&run));
    let r = result(&run);
    assert_eq!(r["sha"], pushed.to_string(), "it built GitHub's sha");
    let reasons = of_type(&run, "preflight")[0]["reasons"].to_string();
    assert!(reasons.contains("change_column"), "preflight read the commit that ships: {reasons}");
    let ran: Vec<&str> =
        r["migrations"]["ran"].as_array().unwrap().iter().map(|m| m["version"].as_str().unwrap()).collect();
    assert!(ran.contains(&"20250101000009"), "the release phase ran what preflight showed: {ran:?}");
    let kinds = r["migrations"]["ran"].as_array().unwrap().iter().all(|m| !m["kind"].is_null());
    assert!(kinds, "every migration that ran was one preflight expected: {r}");
    assert!(Repository::open(d.sb.repo_dir()).unwrap().find_commit(pushed).is_ok(), "fetched");
    let message = super::announcement(&d.sb);
    assert!(message.history[0].contains(&pushed.to_string()[..7]), "Slack names the sha: {:?}", message.history);
    assert!(message.history[0].contains("5 migrations"), "{:?}", message.history);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sha_the_clone_cannot_fetch_is_refused_before_anything_changes() {
    let d = Drill::start(Scenario::Happy).await;
    push_behind_the_clones_back(&d);
    let clone = Repository::open(d.sb.repo_dir()).unwrap();
    clone.remote_set_url("origin", "/nonexistent/origin.git").unwrap();
    let run = d.run(&["--json", "deploy", "--yes"]).await;
    assert_eq!(run.code, 1, "{}", context(&run));
    let r = result(&run);
    assert_eq!(r["status"], "error");
    assert!(r["error"]["message"].as_str().unwrap().contains("git fetch origin"), "{r}");
    assert!(d.sb.requests().iter().all(|x| !x.mutates), "nothing was changed anywhere");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deploying_what_production_runs_stops_with_exit_0_unless_forced() {
    let d = Drill::start(Scenario::Happy).await;
    let first = d.run(&["--json", "deploy", "--yes"]).await;
    assert_eq!(first.code, 0, "{}", context(&first));
    let again = d.run(&["--json", "deploy", "--yes"]).await;
    assert_eq!(again.code, 0, "{}", context(&again));
    let r = result(&again);
    assert_eq!(r["status"], "nothing_to_deploy", "{r}");
    let builds =
        || d.sb.requests().iter().filter(|x| x.method == "POST" && x.path == "/apps/storefront/builds").count();
    assert_eq!(builds(), 1, "the same sha is not built again");
    let human = d.run(&["deploy", "--yes"]).await;
    assert!(human.stdout.starts_with("Nothing to deploy: storefront already runs"), "{}", human.stdout);
    let forced = d.run(&["--json", "deploy", "--yes", "--force"]).await;
    assert_eq!((forced.code, result(&forced)["status"].as_str()), (0, Some("live")), "{}", context(&forced));
    assert_eq!(builds(), 2);
}

/// A Sentry token that Sentry rejects was only a preflight caution: `deploy --watch` released,
/// then the watch exited 4. Now the watch's credentials are tried before the build.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deploy_watch_with_a_rejected_sentry_token_stops_before_building() {
    let d = Drill::start(Scenario::Happy).await;
    let run = d
        .run_cmd(d.cmd().env("SENTRY_AUTH_TOKEN", "sntryu_revoked").args(["--json", "deploy", "--yes", "--watch"]))
        .await;
    assert_eq!(run.code, 4, "{}", context(&run));
    assert!(d.sb.requests().iter().all(|x| !x.mutates), "nothing was built or recorded");
    assert!(result(&run)["error"]["message"].as_str().unwrap().contains("--watch"), "{}", context(&run));
}

/// `deploy --watch --auto-rollback --duration … --interval …`, documented and once rejected as
/// unknown arguments, deploys, watches and rolls back a failing release.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deploy_watch_takes_auto_rollback_duration_and_interval() {
    let d = Drill::start(Scenario::ErrorSpike).await;
    let args = ["--json", "deploy", "--yes", "--watch", "--auto-rollback", "--duration", "3s", "--interval", "150ms"];
    let run = d.run(&args).await;
    assert_eq!(run.code, 3, "{}", context(&run));
    let r = result(&run);
    assert_eq!(r["status"], "rolled_back", "{r}");
    assert_eq!(r["account"]["current_release"], 8, "{r}");
    let usage = d.run(&["deploy", "--auto-rollback"]).await;
    assert_eq!(usage.code, 2, "--auto-rollback needs --watch: {}", context(&usage));
    // The JSON error names what is missing, not only "the following required arguments were
    // not provided:" with the list cut off.
    let usage = d.run(&["--json", "deploy", "--interval", "5s"]).await;
    assert_eq!(usage.code, 2, "{}", context(&usage));
    let message = usage.json()["error"]["message"].as_str().unwrap().to_string();
    assert_eq!(message, "the following required arguments were not provided: --watch");
}
