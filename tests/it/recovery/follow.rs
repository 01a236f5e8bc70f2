//! Phase B through the real binary against the sandbox: `rollback --watch --sentry` watches the
//! rollback release with the deploy's own machine and says the error stopped; `revert --merge
//! --deploy --watch --sentry` ends with the revert live and the error gone; both tell the story in
//! the deploy's Slack thread (found by reading the channel back); and `--dry-run` with every flag
//! sends nothing.
use crate::e2e::{context, of_type, result, Drill};
use bpdeploy::cli::Scenario;
use bpdeploy::sandbox::world::slack::SlackMessage;
use std::time::Duration;

const ISSUE: &str = "STOREFRONT-4F";
const ISSUE_URL: &str = "https://acme.sentry.io/issues/4501000100/";

/// ErrorSpike deployed (v7 carries #4's bug), and its Sentry issue arrived.
async fn failing() -> Drill {
    let d = Drill::start(Scenario::ErrorSpike).await;
    let deploy = d.run(&["--json", "deploy", "--yes"]).await;
    assert_eq!(deploy.code, 0, "{}", context(&deploy));
    for _ in 0..500 {
        let issues = d.sentry("api/0/organizations/acme/issues/?query=is:unresolved").await;
        if issues.as_array().unwrap().iter().any(|i| i["shortId"] == ISSUE) {
            return d;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{ISSUE} never arrived");
}

/// The deploy's announcement (the first top-level message) and the replies in its thread.
fn thread(d: &Drill) -> (SlackMessage, Vec<String>) {
    let record = d.sb.slack_record();
    let announcement = record.messages.iter().find(|m| m.thread_ts.is_none()).unwrap().clone();
    let replies: Vec<String> = record
        .messages
        .iter()
        .filter(|m| m.thread_ts.as_deref() == Some(&announcement.ts))
        .map(|m| m.text.clone())
        .collect();
    (announcement, replies)
}

fn mutations(d: &Drill, from: usize, what: &str) -> usize {
    d.sb.requests()[from..].iter().filter(|r| r.mutates && format!("{} {}", r.method, r.path) == what).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rollback_watch_follows_the_issue_until_it_stops_and_tells_the_deploys_thread() {
    let d = failing().await;
    let before = d.sb.requests().len();
    let args = ["--json", "rollback", "--yes", "--watch", "--sentry", ISSUE, "--duration", "2s", "--interval", "200ms"];
    let run = d.run(&args).await;
    assert_eq!(run.code, 0, "{}", context(&run));
    let r = result(&run);
    assert_eq!((r["action"].as_str(), r["release"]["version"].as_u64()), (Some("rolled_back"), Some(8)), "{r}");
    assert_eq!(r["watch"]["status"], "healthy", "the watch of v8, as `watch` gives it: {r}");
    assert_eq!(r["watch"]["release"], 8);
    let issue = &r["sentry_issue"];
    assert_eq!((issue["short_id"].as_str(), issue["state"].as_str()), (Some(ISSUE), Some("recovered")), "{issue}");
    assert_eq!(issue["events_since_live"], 0, "{issue}");
    assert!(!of_type(&run, "watch").is_empty(), "the watch's looks stream as NDJSON: {}", context(&run));
    assert_eq!(of_type(&run, "verdict")[0]["verdict"], "healthy");
    assert_eq!(mutations(&d, before, "POST /apps/storefront/releases"), 1, "one rollback");

    // The whole path sits in the deploy's thread; no message of its own.
    let record = d.sb.slack_record();
    assert_eq!(record.messages.iter().filter(|m| m.thread_ts.is_none()).count(), 1, "{:#?}", record.messages);
    let (announcement, replies) = thread(&d);
    let said = |needle: &str| replies.iter().any(|t| t.contains(needle));
    assert!(said("drill is rolling storefront back from v7 to v6"), "{replies:#?}");
    assert!(replies.iter().any(|t| t.starts_with("Leaving production:") && t.contains("#4")), "{replies:#?}");
    assert!(said("storefront was rolled back from v7 to v6 (live as v8)"), "{replies:#?}");
    assert!(said("v8 of storefront is healthy · STOREFRONT-4F recovered: no event since v8 went live"), "{replies:#?}");
    assert!(announcement.text.starts_with(":rocket: drill deployed"), "its own text stays: {}", announcement.text);
    assert!(
        announcement.text.ends_with("no event since v8 went live"),
        "the latest state under it: {}",
        announcement.text
    );
    d.assert_contract();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revert_merge_deploy_ends_with_the_revert_live_and_the_error_gone() {
    let d = failing().await;
    let before = d.sb.requests().len();
    let args = [
        "--json",
        "revert",
        "4",
        "--yes",
        "--merge",
        "--deploy",
        "--watch",
        "--sentry",
        ISSUE_URL,
        "--duration",
        "2s",
        "--interval",
        "200ms",
    ];
    let run = d.run(&args).await;
    assert_eq!(run.code, 0, "{}", context(&run));
    let r = result(&run);
    assert_eq!(r["action"], "deployed", "{r}");
    let merge = r["pull_request"]["merge_commit"].as_str().unwrap().to_string();
    let deploy = &r["deploy"];
    assert_eq!((deploy["status"].as_str(), deploy["sha"].as_str()), (Some("healthy"), Some(merge.as_str())), "{r}");
    assert_eq!(deploy["release"], 8);
    // The same stream as `deploy --watch`: source, lock, build, live, the looks, the verdict.
    assert_eq!(of_type(&run, "source")[0]["sha"], merge.as_str());
    for kind in ["preflight", "lock", "build", "live", "watch", "verdict"] {
        assert!(!of_type(&run, kind).is_empty(), "a {kind} event: {}", context(&run));
    }
    assert_eq!(r["sentry_issue"]["state"], "recovered", "{}", r["sentry_issue"]);
    assert_eq!(r["sentry_issue"]["id"], "4501000100");
    let releases = d.releases().await;
    assert_eq!((releases[0]["version"].as_u64(), releases[0]["current"].as_bool()), (Some(8), Some(true)));
    assert_eq!(releases[0]["commit"].as_str(), Some(&merge[..7]), "production runs the revert");
    assert_eq!(mutations(&d, before, "POST /apps/storefront/builds"), 1, "one build");
    assert_eq!(mutations(&d, before, "POST /repos/acme/storefront/pulls"), 1, "one PR");

    // The bad deploy's thread: opened, merged, deploying, live; the revert's deploy announces itself.
    let (_, replies) = thread(&d);
    let said = |needle: &str| replies.iter().any(|t| t.contains(needle));
    for step in
        ["opened", "merged as", "deploying the revert of #4", "v8 of storefront is healthy · STOREFRONT-4F recovered"]
    {
        assert!(said(step), "{step:?} in {replies:#?}");
    }
    let top: Vec<String> =
        d.sb.slack_record().messages.iter().filter(|m| m.thread_ts.is_none()).map(|m| m.text.clone()).collect();
    assert_eq!(top.len(), 2, "the bad deploy's and the revert's deploy: {top:#?}");
    assert!(top[1].contains(&merge[..7]), "{top:#?}");
    d.assert_contract();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_with_every_flag_resolves_the_issue_and_sends_nothing() {
    let d = failing().await;
    let before = d.sb.requests().len();
    let rollback = d.run(&["--json", "--dry-run", "rollback", "--watch", "--sentry", ISSUE, "--duration", "1s"]).await;
    assert_eq!(rollback.code, 0, "{}", context(&rollback));
    let r = rollback.json();
    assert_eq!((r["action"].as_str(), r["sentry_issue"]["state"].as_str()), (Some("previewed"), Some("following")));
    assert_eq!((rollback.events().len(), r["type"].as_str()), (1, Some("result")), "--watch streams: the result alone");
    assert_eq!(r["sentry_issue"]["title"], "NoMethodError: undefined method 'multiplier' for nil");
    let revert = [
        "--json",
        "--dry-run",
        "revert",
        "4",
        "--merge",
        "--deploy",
        "--watch",
        "--undo-migrations",
        "--sentry",
        ISSUE_URL,
        "--interval",
        "100ms",
    ];
    let revert = d.run(&revert).await;
    assert_eq!(revert.code, 0, "{}", context(&revert));
    assert_eq!(revert.json()["sentry_issue"]["short_id"], ISSUE);
    let human = d.run(&["--dry-run", "rollback", "--watch", "--sentry", ISSUE]).await;
    assert!(human.stdout.contains("Sentry issue followed: STOREFRONT-4F NoMethodError"), "{}", human.stdout);
    let changes: Vec<_> = d.sb.requests()[before..].iter().filter(|r| r.mutates).cloned().collect();
    assert!(changes.is_empty(), "a dry run changed something: {changes:#?}");

    // A mistyped issue stops before anything moves.
    let wrong = d.run(&["--json", "rollback", "--yes", "--watch", "--sentry", "STOREFRONT-ZZZ"]).await;
    assert_eq!(wrong.code, 1, "{}", context(&wrong));
    assert_eq!(wrong.json()["error"]["code"], "sentry_issue_not_found");
    let flags = d.run(&["rollback", "--sentry", ISSUE]).await;
    assert_eq!(flags.code, 2, "--sentry needs --watch: {}", context(&flags));
    assert!(d.sb.requests()[before..].iter().all(|r| !r.mutates));

    // Without a git identity the revert commit's sha could not be known before sending it, so a
    // lost answer could not be read back: refused, with how to set one.
    let mut config = git2::Repository::open(d.sb.repo_dir()).unwrap().config().unwrap();
    config.remove("user.name").unwrap();
    config.remove("user.email").unwrap();
    let anonymous = d.run(&["--json", "revert", "4", "--yes", "--merge"]).await;
    let refusal = &anonymous.json()["refusal"];
    assert_eq!(
        (anonymous.code, refusal["code"].as_str()),
        (1, Some("git_identity_missing")),
        "{}",
        context(&anonymous)
    );
    assert!(refusal["hint"].as_str().unwrap().contains("git config user.email"), "{refusal}");
    assert!(d.sb.requests()[before..].iter().all(|r| !r.mutates), "nothing was sent");
}

/// With no login name and no git identity, the Heroku account names the deployer: read once for
/// the rollback and its watch, not again when the watch starts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_anonymous_rollback_watch_reads_the_heroku_account_once() {
    let d = failing().await;
    let mut config = git2::Repository::open(d.sb.repo_dir()).unwrap().config().unwrap();
    config.remove("user.name").unwrap();
    config.remove("user.email").unwrap();
    let before = d.sb.requests().len();
    let args = ["--json", "rollback", "--yes", "--watch", "--duration", "2s", "--interval", "200ms"];
    let cmd = d.cmd().env_remove("BPDEPLOY_USER").env_remove("USER").env_remove("LOGNAME").args(args);
    let run = d.run_cmd(cmd).await;
    // What the watch concludes is the other tests' business: here, that it ran after the rollback.
    let r = result(&run);
    assert_eq!(
        (r["action"].as_str(), r["watch"]["release"].as_u64()),
        (Some("rolled_back"), Some(8)),
        "{}",
        context(&run)
    );
    let reads =
        d.sb.requests()[before..].iter().filter(|r| format!("{} {}", r.method, r.path) == "GET /account").count();
    assert_eq!(reads, 1, "the deployer is named once for the whole run");
}
