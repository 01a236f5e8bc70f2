//! The recovery commands as a person at a terminal meets them, on a pseudo-terminal: what the
//! question and its answer leave on screen, and in what order the preview and the work appear.
use crate::e2e::{context, Drill};
use crate::support::Run;
use bpdeploy::cli::Scenario;

/// ErrorSpike deployed: v7 is production, v6 the rollback's target.
async fn deployed() -> Drill {
    let d = Drill::start(Scenario::ErrorSpike).await;
    let deploy = d.run(&["--json", "deploy", "--yes"]).await;
    assert_eq!(deploy.code, 0, "{}", context(&deploy));
    d
}

/// Runs `args` on a terminal where the person types `typed`.
async fn on_terminal(d: &Drill, args: &[&str], typed: &str) -> Run {
    let cmd = d.cmd().args(args);
    let typed = typed.to_string();
    tokio::task::spawn_blocking(move || cmd.run_on_terminal(&typed)).await.expect("ran")
}

fn mutations_since(d: &Drill, from: usize) -> Vec<String> {
    d.sb.requests()[from..].iter().filter(|r| r.mutates).map(|r| format!("{} {}", r.method, r.path)).collect()
}

/// Declined at the question: nothing is sent, and the next step is the command to run again,
/// never "roll back to v6 as previewed" under a rollback that did not happen.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declined_rollback_sends_nothing_and_its_next_step_runs_it_again() {
    let d = deployed().await;
    let before = d.sb.requests().len();
    let run = on_terminal(&d, &["rollback", "--watch", "--duration", "1s"], "n\n").await;
    let screen = &run.stdout;
    assert_eq!(run.code, 1, "{screen}");
    assert!(screen.contains("Roll storefront back to v6 and watch it? [y/N]"), "{screen}");
    assert!(screen.contains("Refused: not confirmed: nothing was sent"), "{screen}");
    assert!(!screen.contains("as previewed"), "{screen}");
    let next: Vec<&str> = screen.lines().filter(|l| l.starts_with("Next: ")).collect();
    assert_eq!(next.len(), 1, "{screen}");
    assert!(next[0].starts_with("Next: bpdeploy rollback v6 --watch --duration 1s — "), "{screen}");
    assert_eq!(mutations_since(&d, before), Vec::<String>::new(), "declined: nothing was sent");
}

/// A dry run of either command ends with the command to run for real: itself without
/// `--dry-run`, with the flags given (the revert said nothing at all).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_of_either_command_names_the_command_without_dry_run() {
    let d = deployed().await;
    let cases = [
        (&["--dry-run", "rollback", "--watch"][..], "Next: bpdeploy rollback v6 --watch — "),
        (&["--dry-run", "revert", "4", "--merge", "--deploy"][..], "Next: bpdeploy revert 4 --merge --deploy — "),
    ];
    for (args, next) in cases {
        let run = d.run(args).await;
        assert_eq!(run.code, 0, "{args:?}: {}", context(&run));
        let said: Vec<&str> = run.stdout.lines().filter(|l| l.starts_with("Next: ")).collect();
        assert_eq!(said.len(), 1, "{args:?}: {}", run.stdout);
        assert!(said[0].starts_with(next) && said[0].ends_with(", as previewed"), "{args:?}: {}", run.stdout);
    }
}

/// "Preview ready" only above a preview that can go ahead: a refused one says why, nothing more.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_a_preview_that_can_go_ahead_is_called_ready() {
    let d = deployed().await;
    let refused = d.run(&["rollback", "v7", "--yes"]).await;
    assert_eq!(refused.code, 1, "{}", context(&refused));
    assert!(refused.stdout.contains("Refused: "), "{}", context(&refused));
    assert!(!refused.stderr.contains("Preview ready"), "{}", refused.stderr);
    let ready = d.run(&["--dry-run", "rollback"]).await;
    assert!(ready.stderr.contains("Preview ready"), "{}", context(&ready));
}

/// With `--yes` there is no question, but the person at the terminal still reads the preview
/// before anything moves, and once: it came after the work, with the result.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_yes_the_preview_comes_before_the_work() {
    let d = deployed().await;
    let run = on_terminal(&d, &["rollback", "--yes"], "").await;
    let screen = &run.stdout;
    assert_eq!(run.code, 0, "{screen}");
    let preview = screen.find("Rollback of storefront: v7 → v6").unwrap_or_else(|| panic!("{screen}"));
    let work = screen.find("rolling storefront back to v6 (one request)").unwrap_or_else(|| panic!("{screen}"));
    assert!(preview < work, "the preview before the rollback request: {screen}");
    assert_eq!(screen.matches("Pull requests leaving production").count(), 1, "{screen}");
    assert!(screen.contains("Rollback release v8: succeeded"), "{screen}");
}
