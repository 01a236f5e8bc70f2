//! The sentinel test: every command that talks to the services, with `-vv`, with and without
//! `--json`, against a sandbox whose error answers echo all four tokens and the webhook path.
//! Each test breaks one service (a wrong app, repository, org, channel or webhook) so that its
//! errors, echo included, reach the output; none of the secrets may be in stdout, stderr or any
//! file written. `init` (no network) and `sandbox`/`demo` (which print their own dummy tokens
//! by design) are not in the list.
use super::{files_holding, Echoing};
use bpdeploy::cli::Scenario;

const COMMANDS: [&[&str]; 8] = [
    &["releases"],
    &["preflight"],
    &["deploy", "--yes", "--watch"],
    &["watch"],
    &["triage"],
    &["triage", "--notify"],
    &["revert", "1", "--yes"],
    &["rollback", "--yes"],
];

/// Runs every command twice (human and `--json`) with `env` and checks all their output.
async fn every_command(e: &Echoing, env: &[(&str, String)], sentinels: &[(&str, String)]) {
    let mut echoed = 0;
    for command in COMMANDS {
        for json in [false, true] {
            let mut args = vec!["-vv"];
            if json {
                args.push("--json");
            }
            args.extend_from_slice(command);
            let run = e.run(env, &args).await;
            let all = format!("{}\n{}", run.stdout, run.stderr);
            for (what, secret) in sentinels {
                assert!(!all.contains(secret.as_str()), "{what} shows in `bpdeploy {}`:\n{all}", args.join(" "));
            }
            if json && !run.stdout.trim().is_empty() {
                let parses = serde_json::from_str::<serde_json::Value>(&run.stdout).is_ok()
                    || run.stdout.lines().all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok());
                assert!(parses, "`bpdeploy {}` printed JSON that masking broke:\n{}", args.join(" "), run.stdout);
            }
            echoed += all.matches("gateway echo").count();
        }
    }
    // Otherwise nothing was tested: the echoes must have reached the output, masked.
    assert!(echoed > 0, "no echoed error body reached the output");
    for (what, secret) in sentinels {
        let mut files = files_holding(e.home.path(), secret);
        files.extend(files_holding(e.sb.repo_dir(), secret));
        assert!(files.is_empty(), "{what} was written to {files:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn heroku_errors_echoing_every_secret_show_none() {
    let e = Echoing::start(Scenario::Happy).await;
    every_command(&e, &[("HEROKU_APP", "no-such-app".into())], &e.sentinels()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn github_errors_echoing_every_secret_show_none() {
    let e = Echoing::start(Scenario::Happy).await;
    every_command(&e, &[("BPDEPLOY_GITHUB_REPO", "acme/no-such-repo".into())], &e.sentinels()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sentry_errors_echoing_every_secret_show_none() {
    let e = Echoing::start(Scenario::ErrorSpike).await;
    every_command(&e, &[("SENTRY_ORG", "no-such-org".into())], &e.sentinels()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slack_errors_echoing_every_secret_show_none() {
    let e = Echoing::start(Scenario::Happy).await;
    every_command(&e, &[("BPDEPLOY_SLACK_CHANNEL", "C0NOSUCHCHANNEL".into())], &e.sentinels()).await;
}

/// The case: a webhook that answers 404 with its own path in the body.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_404_echoing_its_path_shows_no_part_of_it() {
    let e = Echoing::start(Scenario::Happy).await;
    let revoked = "/services/T0SANDBOX/B0SANDBOX/revokedHookSecret0123456789";
    let url = format!("{}/hooks{revoked}", e.sb.base_url());
    let env = [("SLACK_BOT_TOKEN", String::new()), ("SLACK_WEBHOOK_URL", url)];
    // bpdeploy knows three tokens and this webhook; the sandbox's bot token and own webhook,
    // which it also echoes, are not given to bpdeploy in this run, so it cannot know them.
    let known = |what: &str| !what.contains("webhook") && what != "SLACK_BOT_TOKEN";
    let mut sentinels: Vec<(&str, String)> = e.sentinels().into_iter().filter(|(w, _)| known(w)).collect();
    sentinels.push(("the revoked webhook's path", revoked.into()));
    sentinels.push(("the revoked webhook's secret", "revokedHookSecret0123456789".into()));
    every_command(&e, &env, &sentinels).await;
}

/// Every other call fails (429/502 with the echo) and nothing is retried: errors from all four
/// services land wherever the commands meet them (warnings, the deploy's result, errors).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flaky_answers_echoing_every_secret_show_none() {
    let e = Echoing::start(Scenario::FlakyApi).await;
    every_command(&e, &[("BPDEPLOY_HTTP_RETRIES", "0".into())], &e.sentinels()).await;
}
