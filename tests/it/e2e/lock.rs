//! Two people press the button: the second deploy is refused while the first one's build runs
//! (exit 5, naming the holder), and Ctrl-C on the first stops following without cancelling the
//! build (exit 130, with the command that resumes).
use super::{context, result, Drill};
use crate::support::Run;
use bpdeploy::cli::Scenario;
use std::process::{Child, Command};
use std::time::Duration;

/// Build POSTs the sandbox accepted.
fn builds_created(d: &Drill) -> usize {
    d.sb.exchanges()
        .iter()
        .filter(|x| x.method == "POST" && x.path == "/apps/storefront/builds" && x.status == 201)
        .count()
}

/// Waits (bounded) until the first deploy's build exists; the wait is on an event, not a time.
async fn until_a_build_is_created(d: &Drill, first: &mut Child) {
    for _ in 0..1500 {
        if builds_created(d) > 0 {
            return;
        }
        assert!(first.try_wait().unwrap().is_none(), "the first deploy ended before creating its build");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the first deploy never created its build");
}

fn finish(child: Child) -> Run {
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_deploy_is_refused_and_ctrl_c_leaves_the_first_build_running() {
    // Speed 1: the first build takes seconds, a window no scheduler hiccup closes.
    let d = Drill::start_at(Scenario::Happy, 1.0).await;
    let mut first = d.cmd().env("BPDEPLOY_USER", "alice").args(["--json", "deploy", "--yes"]).spawn();
    until_a_build_is_created(&d, &mut first).await;

    let second = d.run(&["--json", "deploy", "--yes"]).await;
    let killed = Command::new("kill").args(["-INT", &first.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let first = tokio::task::spawn_blocking(move || finish(first)).await.unwrap();

    assert_eq!(second.code, 5, "{}", context(&second));
    let refused = result(&second);
    assert_eq!(refused["status"], "locked");
    let holder = &refused["lock"];
    assert!(holder["what"].as_str().is_some_and(|w| !w.is_empty()), "{refused}");
    assert!(holder["who"].as_str().is_some_and(|w| !w.is_empty()), "names who holds it: {refused}");
    assert!(holder["since"].as_str().is_some_and(|w| !w.is_empty()), "and since when: {refused}");
    assert_eq!(builds_created(&d), 1, "the refused deploy created nothing");

    assert_eq!(first.code, 130, "{}", context(&first));
    let stopped = result(&first);
    assert_eq!(stopped["status"], "interrupted");
    let build = stopped["build_id"].as_str().unwrap_or_else(|| panic!("{stopped}"));
    assert_eq!(stopped["resume"], format!("bpdeploy watch --build {build}"), "{stopped}");
    let cancels = d.sb.exchanges().into_iter().filter(|x| x.method == "DELETE" || x.path.contains("cancel")).count();
    assert_eq!(cancels, 0, "Ctrl-C cancels nothing remote");
    // The build carries on at Heroku: still pending (it takes seconds at speed 1), or finished
    // on its own; never failed or cancelled by the interruption.
    let status = d.heroku(&format!("apps/storefront/builds/{build}")).await["status"].clone();
    assert!(status == "pending" || status == "succeeded", "the build carries on: {status}");
    d.assert_contract();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_deploy_resumes_with_the_command_it_printed() {
    let d = Drill::start(Scenario::Happy).await;
    let mut first = d.cmd().args(["--json", "deploy", "--yes"]).spawn();
    until_a_build_is_created(&d, &mut first).await;
    let killed = Command::new("kill").args(["-INT", &first.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let first = tokio::task::spawn_blocking(move || finish(first)).await.unwrap();
    assert_eq!(first.code, 130, "{}", context(&first));
    // `bpdeploy watch --build ID` while building, `--release vN` if the build already finished.
    let resume = result(&first)["resume"].as_str().unwrap_or_else(|| panic!("{}", context(&first))).to_string();
    let args: Vec<&str> = resume.strip_prefix("bpdeploy ").expect("a bpdeploy command").split(' ').collect();
    assert_eq!(args[0], "watch", "{resume}");

    let mut full = vec!["--json"];
    full.extend(&args);
    full.extend(["--duration", "300ms", "--interval", "100ms"]);
    let resumed = d.run(&full).await;
    assert_eq!(resumed.code, 0, "{resume}: {}", context(&resumed));
    let r = result(&resumed);
    assert_eq!((r["status"].as_str(), r["release"].as_u64()), (Some("healthy"), Some(7)), "{r}");
    assert_eq!(builds_created(&d), 1, "resuming follows the same build");
    d.assert_contract();
}
