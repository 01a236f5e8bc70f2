//! Both recovery commands through the real binary against the sandbox: the rollback preview
//! and the rollback itself, the revert predictions of each scenario, `--dry-run` sending
//! nothing (the exchange log shows it), and a revert opened and merged once its checks pass.
use crate::e2e::{context, Drill};
use bpdeploy::cli::Scenario;
use serde_json::{json, Value};

/// The writes (POST, PUT, PATCH, DELETE) the sandbox has answered since `from` (an index into
/// its exchange log), as `METHOD service path`.
fn writes_since(d: &Drill, from: usize) -> Vec<String> {
    d.sb.exchanges()
        .into_iter()
        .skip(from)
        .filter(|x| x.method != "GET" && !(x.service == "github" && x.path == "/graphql"))
        .map(|x| format!("{} {} {}", x.method, x.service, x.path.split('?').next().unwrap_or_default()))
        .collect()
}

fn numbers(list: &Value) -> Vec<u64> {
    list.as_array().unwrap_or_else(|| panic!("a list: {list}")).iter().filter_map(|p| p["number"].as_u64()).collect()
}

fn migration<'a>(report: &'a Value, class: &str) -> &'a Value {
    let all = report["migrations"].as_array().unwrap();
    all.iter().find(|m| m["class_name"] == class).unwrap_or_else(|| panic!("no {class} in {all:#?}"))
}

/// Every field name of a recovery document (the watch's and deploy's results are documented
/// with those commands) is in the README's list for `rollback` and `revert`.
fn assert_documented(report: &Value) {
    let readme = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start = readme.find("- `rollback` and `revert` (one document").expect("the README documents their JSON");
    let end = start + readme[start..].find("- `sandbox --json`").unwrap();
    let listed: Vec<&str> = readme[start..end].split('"').skip(1).step_by(2).collect();
    fn walk<'a>(v: &'a Value, keys: &mut Vec<&'a str>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m.iter().filter(|(k, _)| !["watch", "deploy"].contains(&k.as_str())) {
                    keys.push(k);
                    walk(v, keys);
                }
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, keys)),
            _ => {}
        }
    }
    let mut keys = vec![];
    walk(report, &mut keys);
    // A migration's own fields are preflight's, listed with preflight.
    let preflight = readme.find("\"migrations\":[{\"path\"").map(|i| &readme[i..i + 400]).unwrap_or_default();
    let missing: Vec<&&str> =
        keys.iter().filter(|k| !listed.contains(k) && !preflight.contains(&format!("\"{k}\""))).collect();
    assert!(missing.is_empty(), "fields --json writes that the README does not list: {missing:?}");
}

async fn deployed(scenario: Scenario) -> Drill {
    let d = Drill::start(scenario).await;
    let deploy = d.run(&["--json", "deploy", "--yes"]).await;
    assert_eq!(deploy.code, 0, "{}", context(&deploy));
    d
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rollback_preview_lists_the_prs_it_removes_and_the_migrations_that_stay_and_sends_nothing() {
    let d = deployed(Scenario::ErrorSpike).await;
    let before = d.sb.exchanges().len();
    let run = d.run(&["--json", "--dry-run", "rollback"]).await;
    assert_eq!(run.code, 0, "{}", context(&run));
    let r = run.json();
    assert_eq!(r["action"], "previewed");
    assert_eq!((r["target"]["version"].as_u64(), r["current"]["version"].as_u64()), (Some(6), Some(7)), "{r}");
    assert_eq!(r["target"]["commit"], d.sb.scratch().released.to_string());
    assert_eq!(numbers(&r["removed_pull_requests"]), [8, 7, 6, 5, 4], "every PR of v7 leaves");
    assert_eq!(r["removed_pull_requests"][4]["author"], "dave", "GitHub's login, online");
    let status = migration(&r, "ChangeOrdersStatusToInteger");
    assert_eq!(status["old_code"], "breaks", "{status}");
    assert!(status["old_code_reason"].as_str().unwrap().contains("orders.status"), "{status}");
    assert_eq!(migration(&r, "AddLoyaltyPointsToOrders")["old_code"], "compatible");
    assert_eq!(migration(&r, "BackfillOrderTotals")["kind"], "data");
    assert_eq!(r["level"], "danger", "a breaking migration stays applied");
    assert_eq!(r["config_changes"], json!([]));
    let eta = &r["estimated_recovery_secs"];
    assert_eq!(eta["parts"][0]["secs"], 42, "v6's release phase, as Heroku recorded it: {eta}");
    assert_eq!((eta["min"].as_u64(), eta["max"].as_u64()), (Some(42 + 180), Some(42 + 420)));
    // The human preview says the same, in sections; off a TTY, tables are tab-separated.
    let human = d.run(&["--dry-run", "rollback"]).await;
    assert_eq!(human.code, 0, "{}", context(&human));
    for line in [
        "Rollback of storefront: v7 → v6 [DANGER]",
        "Pull requests leaving production (5)",
        "#4\tdave\tAward loyalty points on orders",
        "ChangeOrdersStatusToInteger\tschema\t#8\tbreaks",
        "Data migrations are never undone; their changes to rows stay: BackfillOrderTotals",
        "Config vars rolled back with the code: none (keys only; add-ons are not rolled back)",
        "Dry run: nothing was sent.",
    ] {
        assert!(human.stdout.contains(line), "{line:?} in:\n{}", human.stdout);
    }
    assert_eq!(writes_since(&d, before), Vec::<String>::new(), "--dry-run sends nothing");
    d.assert_contract();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rollback_moves_the_app_back_once_and_the_release_list_shows_it_current() {
    let d = deployed(Scenario::ErrorSpike).await;
    let before = d.sb.exchanges().len();
    let run = d.run(&["--json", "rollback", "--yes"]).await;
    assert_eq!(run.code, 0, "{}", context(&run));
    let r = run.json();
    assert_eq!(r["action"], "rolled_back", "{r}");
    assert_eq!((r["release"]["version"].as_u64(), r["release"]["status"].as_str()), (Some(8), Some("succeeded")));
    assert_eq!(r["next"], json!([{"command": "bpdeploy watch --release v8", "why": "watch v8 for errors"}]));
    let releases = d.releases().await;
    assert_eq!(releases[0]["description"], "Rollback to v6");
    assert_eq!(releases[0]["current"], true);
    assert_eq!(releases[0]["commit"].as_str(), Some(&d.sb.scratch().released.to_string()[..7]));
    let writes = writes_since(&d, before);
    let rollbacks = writes.iter().filter(|w| *w == "POST heroku /apps/storefront/releases").count();
    assert_eq!(rollbacks, 1, "one rollback POST: {writes:#?}");
    let released = d.sb.scratch().released.to_string();
    assert!(
        writes.contains(&format!("POST sentry /api/0/organizations/acme/releases/{released}/deploys/")),
        "{writes:#?}"
    );
    assert!(writes.iter().any(|w| w.starts_with("POST github /repos/acme/storefront/deployments/")), "{writes:#?}");
    let slack: Vec<String> = d.sb.slack_record().messages.iter().flat_map(|m| m.history.clone()).collect();
    assert!(slack.iter().any(|t| t.contains("storefront was rolled back from v7 to v6 (live as v8)")), "{slack:#?}");
    assert!(slack.iter().any(|t| t.starts_with("Leaving production:") && t.contains("#4")), "{slack:#?}");
    d.assert_contract();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rollback_names_the_config_keys_it_takes_back_and_refuses_clearly() {
    let d = Drill::start(Scenario::Happy).await;
    let run = d.run(&["--json", "--dry-run", "rollback", "v3"]).await;
    assert_eq!(run.code, 0, "{}", context(&run));
    let r = run.json();
    assert_eq!(r["config_changes"], json!(["SENTRY_DSN"]), "v4 set it after v3: keys only");
    assert!(!run.stdout.contains("sandbox-sentry_dsn"), "never a value");
    assert_eq!(numbers(&r["removed_pull_requests"]), [3, 2]);
    assert_eq!(r["skipped"], json!([]), "a named target passes nothing over");

    // --watch needs Sentry: without its credential the run stops before reading anything, as
    // revert does, and a dry run exits as the real run would.
    let before = d.sb.requests().len();
    let cmd = d.cmd().env_remove("SENTRY_AUTH_TOKEN").args(["--json", "--dry-run", "rollback", "--watch"]);
    let no_sentry = d.run_cmd(cmd).await;
    assert_eq!(no_sentry.code, 4, "{}", context(&no_sentry));
    assert_eq!(no_sentry.json()["error"]["code"], "sentry_credentials_missing");
    assert_eq!(d.sb.requests().len(), before, "nothing was read");

    let current = d.run(&["--json", "rollback", "v6", "--yes"]).await;
    assert_eq!(current.code, 1, "{}", context(&current));
    assert_eq!(current.json()["refusal"]["code"], "already_current");
    let unknown = d.run(&["rollback", "v42", "--yes"]).await;
    assert_eq!(unknown.code, 1);
    assert!(unknown.stdout.contains("the app has no release v42; the nearest is v6"), "{}", context(&unknown));

    // A deploy in progress (a young bpdeploy GitHub deployment) holds the lock: exit 5.
    let github = d.sb.env_pairs().into_iter().find(|(k, _)| k == "BPDEPLOY_GITHUB_URL").unwrap().1;
    let http = reqwest::Client::new();
    let post = |path: &str, body: Value| {
        http.post(format!("{github}repos/acme/storefront/{path}"))
            .header("user-agent", "e2e-probe")
            .bearer_auth(&d.sb.tokens().github)
            .json(&body)
    };
    let made: Value = post(
        "deployments",
        json!({"ref": "master", "environment": "storefront", "description": "bpdeploy: erin deploying"}),
    )
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    post(&format!("deployments/{}/statuses", made["id"]), json!({"state": "in_progress"})).send().await.unwrap();
    let before = d.sb.exchanges().len();
    let locked = d.run(&["--json", "rollback", "--yes"]).await;
    assert_eq!(locked.code, 5, "{}", context(&locked));
    assert_eq!(locked.json()["refusal"]["code"], "locked");
    assert_eq!(writes_since(&d, before), Vec::<String>::new(), "a refusal sends nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revert_conflict_predicts_the_conflict_names_the_other_pr_and_creates_nothing() {
    let d = Drill::start(Scenario::RevertConflict).await;
    let before = d.sb.exchanges().len();
    let run = d.run(&["--json", "revert", "4", "--yes"]).await;
    assert_eq!(run.code, 3, "{}", context(&run));
    let r = run.json();
    assert_eq!(r["action"], "refused");
    assert_eq!(r["refusal"]["code"], "revert_conflicts");
    let conflict = &r["conflicts"][0];
    assert_eq!(conflict["path"], "app/services/loyalty/points_calculator.rb", "{r}");
    assert_eq!(conflict["pull_requests"], json!([9]), "Ivan's later PR wrote those lines: {conflict}");
    assert!(conflict["lines"][0].as_u64().unwrap() > 0);
    assert!(r["next"].as_array().unwrap().iter().any(|n| n["command"] == "bpdeploy rollback"), "{r}");
    let human = d.run(&["revert", "4", "--yes"]).await;
    assert_eq!(human.code, 3);
    assert!(human.stdout.contains("Conflicts (the revert cannot be made as is)"), "{}", human.stdout);
    assert!(human.stdout.contains("app/services/loyalty/points_calculator.rb\t"), "{}", human.stdout);
    assert!(human.stdout.contains("Refused: reverting #4 conflicts with later changes"), "{}", human.stdout);
    assert!(human.stdout.contains("Next: bpdeploy rollback — roll back instead"), "{}", human.stdout);
    assert_eq!(writes_since(&d, before), Vec::<String>::new(), "a conflicting revert creates nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_squash_merged_pr_reverts_cleanly_and_one_made_only_of_migrations_has_nothing_to_revert() {
    let d = Drill::start(Scenario::Happy).await;
    // #7 (squashed, on master, not deployed): a plain revert of its code.
    let run = d.run(&["--json", "--dry-run", "revert", "7"]).await;
    assert_eq!(run.code, 0, "{}", context(&run));
    let r = run.json();
    assert_eq!(
        (r["target"]["merged_as"].as_str(), r["target"]["in_production"].as_bool()),
        (Some("squash"), Some(false))
    );
    assert_eq!((r["conflicts"].clone(), r["kept_paths"].clone()), (json!([]), json!([])));
    assert_eq!(r["action"], "previewed");

    // #2 (squashed, in production) changed only migrations and the schema dump: all kept.
    let run = d.run(&["--json", "--dry-run", "revert", "2"]).await;
    assert_eq!(run.code, 1, "{}", context(&run));
    let r = run.json();
    assert_eq!(
        (r["target"]["merged_as"].as_str(), r["target"]["in_production"].as_bool()),
        (Some("squash"), Some(true))
    );
    let mut kept: Vec<&str> = r["kept_paths"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    kept.sort();
    assert_eq!(
        kept,
        [
            "db/data/20240301000004_set_default_status.rb",
            "db/migrate/20240301000003_add_status_to_orders.rb",
            "db/schema.rb"
        ],
        "{r}"
    );
    assert_eq!(r["refusal"]["code"], "nothing_to_revert");
    assert_eq!(migration(&r, "AddStatusToOrders")["old_code"], "compatible");
    assert_eq!(migration(&r, "SetDefaultStatus")["kind"], "data");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_removed_column_breaks_the_restored_code_on_both_paths() {
    let d = Drill::start(Scenario::RemoveColumn).await;
    let revert = d.run(&["--json", "--dry-run", "revert", "9"]).await;
    assert_eq!(revert.code, 0, "{}", context(&revert));
    let r = revert.json();
    let removal = migration(&r, "RemoveEmailFromOrders");
    assert_eq!(removal["old_code"], "breaks", "the restored code expects orders.email: {removal}");
    assert_eq!(r["level"], "danger");
    assert!(r["kept_paths"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p == "db/migrate/20250101000005_remove_email_from_orders.rb"));
    let undo = d.run(&["--json", "--dry-run", "revert", "9", "--undo-migrations"]).await;
    assert_documented(&undo.json());
    let u = &undo.json()["undo_migration"];
    assert!(u["data_loss"][0].as_str().unwrap().contains("re-adds orders.email empty"), "{u}");

    let rollback = d.run(&["--json", "--dry-run", "rollback"]).await;
    let r = rollback.json();
    assert_documented(&r);
    assert_eq!(migration(&r, "RemoveEmailFromOrders")["old_code"], "breaks", "{r}");
    assert_eq!(r["level"], "danger");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revert_merge_opens_the_predicted_revert_waits_for_its_checks_and_merges_it_once() {
    let d = deployed(Scenario::ErrorSpike).await;
    let before = d.sb.exchanges().len();
    let run = d.run(&["--json", "revert", "4", "--yes", "--merge", "--undo-migrations"]).await;
    assert_eq!(run.code, 0, "{}", context(&run));
    let r = run.json();
    assert_eq!(r["action"], "merged", "{r}");
    let pr = &r["pull_request"];
    assert_eq!(pr["branch"], "revert-4-dave-loyalty-points");
    assert_eq!(r["kept_paths"], json!(["db/migrate/20250101000001_add_loyalty_points_to_orders.rb"]));
    let undo_path = r["undo_migration"]["path"].as_str().unwrap().to_string();
    assert_eq!(r["level"], "caution", "the undo drops orders.loyalty_points and its data");
    let writes = writes_since(&d, before);
    for (write, times) in [
        ("POST github /repos/acme/storefront/git/trees", 1),
        ("POST github /repos/acme/storefront/git/commits", 1),
        ("POST github /repos/acme/storefront/git/refs", 1),
        ("POST github /repos/acme/storefront/pulls", 1),
        (&format!("PUT github /repos/acme/storefront/pulls/{}/merge", pr["number"]) as &str, 1),
    ] {
        assert_eq!(writes.iter().filter(|w| *w == write).count(), times, "{write}: {writes:#?}");
    }
    // master moved to the merge, whose tree is the revert: the code gone, the migrations kept.
    let repo = d.sb.scratch().origin.clone();
    let repo = git2::Repository::open_bare(repo).unwrap();
    let master = repo.revparse_single("master").unwrap().peel_to_commit().unwrap();
    assert_eq!(master.id().to_string(), pr["merge_commit"].as_str().unwrap());
    let tree = master.tree().unwrap();
    assert!(tree.get_path("app/services/loyalty/points_calculator.rb".as_ref()).is_err());
    assert!(tree.get_path("db/migrate/20250101000001_add_loyalty_points_to_orders.rb".as_ref()).is_ok());
    assert!(tree.get_path(undo_path.as_ref()).is_ok(), "the undo migration is in the revert");
    let slack: Vec<String> = d.sb.slack_record().messages.iter().flat_map(|m| m.history.clone()).collect();
    assert!(slack.iter().any(|t| t.contains("reverting #4") && t.contains("merged as")), "{slack:#?}");
    // Once merged, #4 is reverted already: a second run says by what and sends nothing.
    let before = d.sb.exchanges().len();
    let again = d.run(&["--json", "revert", "4", "--yes"]).await;
    let refusal = &again.json()["refusal"];
    assert_eq!((again.code, refusal["code"].as_str()), (1, Some("already_reverted")), "{}", context(&again));
    let head = pr["head"].as_str().unwrap();
    assert!(refusal["message"].as_str().unwrap().contains(&head[..7]), "names the revert commit: {refusal}");
    assert_eq!(writes_since(&d, before), Vec::<String>::new());
    d.assert_contract();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pr_that_does_not_exist_or_is_not_merged_is_refused_clearly_and_nothing_is_created() {
    let d = Drill::start(Scenario::Happy).await;
    // A number GitHub does not know: said as such, not as a repository that cannot be found.
    let run = d.run(&["--json", "revert", "9999", "--yes"]).await;
    assert_eq!(run.code, 1, "{}", context(&run));
    let e = &run.json()["error"];
    assert_eq!(e["code"], "github_not_found", "{e}");
    assert_eq!(e["message"], "acme/storefront has no pull request #9999", "{e}");
    assert!(!e["hint"].as_str().unwrap().contains("was not found"), "the repository is there: {e}");
    let human = d.run(&["revert", "9999", "--yes"]).await;
    assert_eq!(human.code, 1);
    assert!(human.stderr.contains("error: acme/storefront has no pull request #9999\n"), "{}", context(&human));

    // A revert PR left open is no merged PR: refused, naming its state.
    let opened = d.run(&["--json", "revert", "4", "--yes"]).await;
    assert_eq!(opened.code, 0, "{}", context(&opened));
    let number = opened.json()["pull_request"]["number"].as_u64().unwrap();
    let before = d.sb.exchanges().len();
    let run = d.run(&["--json", "revert", &number.to_string(), "--yes"]).await;
    assert_eq!(run.code, 1, "{}", context(&run));
    let r = run.json();
    assert_eq!((r["action"].as_str(), r["refusal"]["code"].as_str()), (Some("refused"), Some("not_merged")), "{r}");
    let message = r["refusal"]["message"].as_str().unwrap();
    assert_eq!(message, format!("#{number} is still open: only a merged pull request can be reverted"));
    assert_eq!(writes_since(&d, before), Vec::<String>::new(), "a refusal creates nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_revert_pr_links_the_sentry_issue_it_is_for_and_a_mistyped_one_stops_it() {
    let d = Drill::start(Scenario::Happy).await;
    // Without --watch too: the issue is looked up before anything is created.
    let before = d.sb.exchanges().len();
    let wrong = d.run(&["--json", "revert", "4", "--yes", "--sentry", "STOREFRONT-ZZZ"]).await;
    assert_eq!(wrong.code, 1, "{}", context(&wrong));
    assert_eq!(wrong.json()["error"]["code"], "sentry_issue_not_found");
    assert_eq!(writes_since(&d, before), Vec::<String>::new(), "nothing was created");

    let run = d.run(&["--json", "revert", "4", "--yes", "--sentry", "STOREFRONT-58"]).await;
    assert_eq!(run.code, 0, "{}", context(&run));
    let r = run.json();
    assert_eq!(r["sentry_issue"], Value::Null, "followed only with --watch: {r}");
    let number = r["pull_request"]["number"].as_u64().unwrap();
    let pull = d.github(&format!("repos/acme/storefront/pulls/{number}")).await;
    let body = pull["body"].as_str().unwrap();
    let issue = d.sentry("api/0/organizations/acme/issues/4501000001/").await;
    let link = format!(
        "Sentry issue: [STOREFRONT-58]({}) ActiveRecord::RecordNotFound: Couldn't find Order with 'id'=0",
        issue["permalink"].as_str().unwrap()
    );
    assert!(body.contains(&link), "{link:?} in:\n{body}");
}

/// After a rollback, the default target is the release production left (heroku's own default):
/// going back to it brings the PRs back. The preview says so, rather than "none leave, safe".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rolling_back_to_newer_code_says_which_prs_come_back_and_is_no_safe_rollback() {
    let d = deployed(Scenario::ErrorSpike).await;
    let rolled = d.run(&["--json", "rollback", "--yes"]).await;
    assert_eq!(rolled.code, 0, "{}", context(&rolled));
    let run = d.run(&["--json", "--dry-run", "rollback"]).await;
    assert_eq!(run.code, 0, "{}", context(&run));
    let r = run.json();
    assert_eq!((r["target"]["version"].as_u64(), r["current"]["version"].as_u64()), (Some(7), Some(8)), "{r}");
    assert_eq!(r["removed_pull_requests"], json!([]), "nothing leaves: {r}");
    assert_eq!(r["migrations"], json!([]), "v7's migrations ran when v7 was released: {r}");
    assert_eq!(r["level"], "caution", "{r}");
    let warning = r["warnings"].as_array().unwrap().iter().find(|w| w["code"] == "brings_back");
    let message = warning.unwrap_or_else(|| panic!("a brings_back warning: {r}"))["message"].as_str().unwrap();
    assert!(message.starts_with("v7 runs newer code than production (v8 runs e6edcb4"), "{message}");
    assert!(message.contains("brings back 5 pull requests: #8, #7, #6, #5, #4"), "{message}");
    let human = d.run(&["--dry-run", "rollback"]).await;
    assert!(human.stdout.contains("Rollback of storefront: v8 → v7 [caution]"), "{}", human.stdout);
    assert!(human.stdout.contains("warning: v7 runs newer code than production"), "{}", human.stdout);
}
