//! `cargo bench --bench preflight`: an offline preflight, JSON included, against the git CLI
//! producing the same bare facts (`git log --first-parent --name-status` + `git diff
//! --name-status -M`), and the peak memory of a process that runs one preflight (VmHWM), on:
//!
//! 1. a synthetic repository: 10,000 commits in range (3,000 merges, 500 migrations added);
//! 2. a repository shaped like a long-lived Rails app's full history (`repos/rails_shaped.rs`);
//! 3. any local repository: `BPDEPLOY_BENCH_REPO=/path/to/app` (optionally
//!    `BPDEPLOY_BENCH_FROM`, default the root of its first-parent history, and
//!    `BPDEPLOY_BENCH_TO`, default `HEAD`); only this case runs when it is set.
//!
//! Each case prints a per-phase breakdown. Not a test: it prints figures, it asserts nothing.
#[path = "repos/rails_shaped.rs"]
mod rails_shaped;

use bpdeploy::commands::preflight::PreflightOutcome;
use bpdeploy::config::MigrationGlobs;
use bpdeploy::preflight::{self, range::RangeRequest, GitRequest};
use bpdeploy::ui::render::Outcome;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const MERGES: usize = 3_000;
const SQUASHES: usize = 500;
const DIRECT: usize = 500;
const MIGRATIONS: usize = 500;
const RUNS: usize = 11;
/// Set in the child process that measures one preflight's peak memory: `dir from to`.
const CHILD: &str = "BPDEPLOY_BENCH_CHILD";

fn main() {
    if let Ok(spec) = std::env::var(CHILD) {
        return child(&spec);
    }
    if let Some(repo) = std::env::var_os("BPDEPLOY_BENCH_REPO") {
        let dir = PathBuf::from(repo);
        let to = std::env::var("BPDEPLOY_BENCH_TO").unwrap_or_else(|_| "HEAD".into());
        let to = rev_parse(&dir, &to);
        let from = match std::env::var("BPDEPLOY_BENCH_FROM") {
            Ok(rev) => rev_parse(&dir, &rev),
            Err(_) => first_parent_root(&dir, &to),
        };
        return measure("local repository", &dir, &from, &to, true);
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    // BPDEPLOY_BENCH_KEEP=1 keeps the repositories to compare by hand (their paths go to stderr).
    let base = if std::env::var_os("BPDEPLOY_BENCH_KEEP").is_some() { tmp.keep() } else { tmp.path().to_path_buf() };

    let dir = base.join("synthetic");
    std::fs::create_dir_all(&dir).expect("dir");
    let started = Instant::now();
    let (from, to) = build_repository(&dir);
    eprintln!("built {} in {:.1}s", dir.display(), started.elapsed().as_secs_f64());
    measure("synthetic repository", &dir, &from, &to, true);

    let dir = base.join("rails-shaped");
    std::fs::create_dir_all(&dir).expect("dir");
    let started = Instant::now();
    let (from, to) = rails_shaped::build(&dir);
    eprintln!("built {} in {:.1}s", dir.display(), started.elapsed().as_secs_f64());
    measure("Rails-shaped full history", &dir, &from, &to, true);
}

fn request(dir: &Path, from: &str, to: &str) -> GitRequest {
    GitRequest {
        repo: dir.to_path_buf(),
        range: RangeRequest {
            from: Some(from.to_string()),
            to: Some(to.to_string()),
            branch: "master".into(),
            ..Default::default()
        },
        globs: MigrationGlobs {
            schema: vec!["db/migrate/*.rb".into()],
            data: vec!["db/data/*.rb".into()],
            ..Default::default()
        },
    }
}

/// What `bpdeploy preflight --offline --json` does: read, judge, write the JSON document.
fn preflight_json(req: &GitRequest) -> (preflight::Preflight, usize) {
    let report = preflight::offline(req).expect("preflight");
    let outcome = PreflightOutcome { report, strict: false };
    let text = serde_json::to_string_pretty(&outcome.to_json()).expect("json");
    (outcome.report, std::hint::black_box(text).len())
}

/// One preflight in a fresh process, so that its peak memory is the preflight's alone.
fn child(spec: &str) {
    let mut parts = spec.splitn(3, ' ');
    let (dir, from, to) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
    let (_, bytes) = preflight_json(&request(Path::new(dir), from, to));
    println!("{} {bytes}", vm_hwm_kb());
}

fn peak_memory_kb(dir: &Path, from: &str, to: &str) -> (u64, usize) {
    let exe = std::env::current_exe().expect("bench executable");
    let out = Command::new(exe)
        .env(CHILD, format!("{} {from} {to}", dir.display()))
        .stderr(Stdio::inherit())
        .output()
        .expect("child");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut fields = text.split_whitespace().map(|f| f.parse::<u64>().unwrap_or(0));
    (fields.next().unwrap_or(0), fields.next().unwrap_or(0) as usize)
}

fn measure(name: &str, dir: &Path, from: &str, to: &str, show_phases: bool) {
    let req = request(dir, from, to);
    let (report, _) = preflight_json(&req);
    let range = format!("{from}..{to}");
    let git_facts = || {
        git_cli(dir, &["log", "--first-parent", "--name-status", "--format=%H %P %s", &range]);
        git_cli(dir, &["diff", "--name-status", "-M", from, to]);
    };
    git_facts(); // warm the page cache
                 // Interleaved, best of each: the machine is shared, and a neighbour's build hits both alike.
    let (mut ours, mut git) = (Duration::MAX, Duration::MAX);
    for _ in 0..RUNS {
        ours = ours.min(timed(|| drop(preflight_json(&req))));
        git = git.min(timed(git_facts));
    }
    let (peak_kb, json_bytes) = peak_memory_kb(dir, from, to);
    println!(
        "{name}: {} commits in range, {} first-parent, {} PRs, {} migrations, {:.1} MB of JSON",
        report.range.commits,
        report.range.first_parent_commits,
        report.pull_requests.len(),
        report.migrations.len(),
        json_bytes as f64 / 1e6
    );
    println!("  offline preflight --json (best of {RUNS}): {:.0} ms", ms(ours));
    println!("  git CLI log --first-parent --name-status + diff -M (best of {RUNS}): {:.0} ms", ms(git));
    println!("  ratio preflight / git CLI: {:.2}x", ours.as_secs_f64() / git.as_secs_f64());
    println!("  peak memory (VmHWM) of a process running one preflight --json: {:.1} MB", peak_kb as f64 / 1024.0);
    if show_phases {
        phases(dir, from, to, &req);
    }
}

/// Where the time goes, phase by phase.
fn phases(dir: &Path, from: &str, to: &str, req: &GitRequest) {
    use bpdeploy::git;
    let repo = git::open(dir).expect("open");
    let (f, t) = (git2::Oid::from_str(from).expect("sha"), git2::Oid::from_str(to).expect("sha"));
    let count = best_of(|| {
        std::hint::black_box(git::count_range(&repo, f, t).expect("count"));
    });
    let mut fp = Vec::new();
    let walk = best_of(|| fp = git::first_parent_range(&repo, f, t).expect("walk"));
    let facts =
        best_of(|| drop(std::hint::black_box(preflight::history::first_parent_facts(&repo, &fp).expect("facts"))));
    let diff = best_of(|| {
        drop(std::hint::black_box(preflight::migrations::range_changes(&repo, f, t, &req.globs).expect("diff")))
    });
    let changes = preflight::migrations::range_changes(&repo, f, t, &req.globs).expect("diff");
    let lint = best_of(|| {
        let app = preflight::migrations::AppSources::read(&repo, f, t).expect("app");
        let facts = bpdeploy::preflight::lint::AppFacts { schema: app.schema.as_ref(), ..Default::default() };
        for c in changes.clone() {
            std::hint::black_box(preflight::migrations::describe(&repo, t, c, &req.globs.lint, &facts).expect("lint"));
        }
    });
    let mut gf = None;
    let read = best_of(|| gf = Some(preflight::read_git(req).expect("read")));
    let gf = gf.expect("read");
    let mut report = None;
    let assemble = best_of(|| report = Some(preflight::assemble(gf.clone(), Default::default())));
    let outcome = PreflightOutcome { report: report.expect("report"), strict: false };
    let json = best_of(|| drop(std::hint::black_box(serde_json::to_string_pretty(&outcome.to_json()))));
    eprintln!(
        "  phases: count {:.0} ms, first-parent walk {:.0} ms, commit facts (tree diffs) {:.0} ms, range diff {:.0} ms, \
         migrations read + lint {:.0} ms, all of read_git {:.0} ms, assemble (PR grouping, ownership, verdict) {:.0} ms, \
         JSON {:.0} ms",
        ms(count),
        ms(walk),
        ms(facts),
        ms(diff),
        ms(lint),
        ms(read),
        ms(assemble),
        ms(json)
    );
}

fn rev_parse(dir: &Path, rev: &str) -> String {
    let out = Command::new("git").arg("-C").arg(dir).args(["rev-parse", "--verify", rev]).output().expect("git");
    assert!(out.status.success(), "git rev-parse {rev}");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn first_parent_root(dir: &Path, to: &str) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["rev-list", "--first-parent", "--max-parents=0", to])
        .output()
        .expect("git");
    String::from_utf8_lossy(&out.stdout).lines().last().expect("a root commit").to_string()
}

fn timed(f: impl FnOnce()) -> Duration {
    let t = Instant::now();
    f();
    t.elapsed()
}

fn best_of(mut f: impl FnMut()) -> Duration {
    f(); // warm the page cache and libgit2's pack index
    (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .expect("runs")
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn git_cli(dir: &Path, args: &[&str]) {
    let out = Command::new("git").arg("-C").arg(dir).args(args).stderr(Stdio::inherit()).output().expect("git");
    assert!(out.status.success(), "git {args:?} failed");
    std::hint::black_box(out.stdout.len());
}

fn vm_hwm_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// A Rails-shaped tree: ~3,000 files in app/, lib/, spec/, config/ and 300 old migrations.
fn base_files() -> Vec<String> {
    let mut files = Vec::new();
    for (dir, n) in [
        ("app/models", 400),
        ("app/controllers", 300),
        ("app/services", 300),
        ("lib/tasks", 100),
        ("config/initializers", 50),
    ] {
        files.extend((0..n).map(|i| format!("{dir}/file_{i}.rb")));
    }
    for v in 0..100 {
        files.extend((0..5).map(|i| format!("app/views/view_{v}/part_{i}.html.erb")));
    }
    for s in ["models", "requests", "services", "system"] {
        files.extend((0..300).map(|i| format!("spec/{s}/file_{i}_spec.rb")));
    }
    files
}

/// Writes the history through `git fast-import` and returns (from, to): the root and the tip.
fn build_repository(dir: &Path) -> (String, String) {
    run(dir, &["init", "--quiet", "--initial-branch=master"]);
    let files = base_files();
    let mut rng = fastrand::Rng::with_seed(5);
    let mut s = String::with_capacity(16 << 20);
    let mut mark = 0usize;
    let mut clock = 1_600_000_000u64;
    let mut commit = |s: &mut String, branch: &str, who: &str, msg: &str, from: Option<usize>, merge: Option<usize>| {
        mark += 1;
        clock += 60;
        let _ = write!(s, "commit refs/heads/{branch}\nmark :{mark}\nauthor {who} <{who}@example.com> {clock} +0000\n");
        let _ = write!(s, "committer {who} <{who}@example.com> {clock} +0000\ndata {}\n{msg}\n", msg.len());
        if let Some(f) = from {
            let _ = writeln!(s, "from :{f}");
        }
        if let Some(m) = merge {
            let _ = writeln!(s, "merge :{m}");
        }
        mark
    };
    let modify = |s: &mut String, path: &str, content: &str| {
        let _ = write!(s, "M 100644 inline {path}\ndata {}\n{content}\n", content.len());
    };
    let people = ["alice", "bob", "carol", "dave", "erin", "frank"];

    let root = commit(&mut s, "master", "alice", "Initial app", None, None);
    modify(&mut s, "Procfile", "web: bundle exec puma\nrelease: bin/rails db:migrate && bin/rails data:migrate\n");
    for f in &files {
        modify(&mut s, f, &format!("# {f}\nclass Thing\nend\n"));
    }
    for i in 0..300 {
        modify(&mut s, &format!("db/migrate/2019{i:010}_old_{i}.rb"), &migration(&format!("Old{i}")));
    }
    let mut head = root;
    let mut migrations = 0;
    let touch = |s: &mut String, rng: &mut fastrand::Rng, n: usize, tag: usize| {
        for _ in 0..n {
            let f = &files[rng.usize(..files.len())];
            modify(s, f, &format!("# {f} v{tag}\nclass Thing\nend\n"));
        }
    };
    for pr in 1..=(MERGES + SQUASHES + DIRECT) {
        let who = people[pr % people.len()];
        if pr <= MERGES {
            // fast-import starts a merge from its first parent's tree: the branch's changes are
            // replayed into the merge so that it brings them, as a real merge does.
            let mut branch = String::new();
            touch(&mut branch, &mut rng, 2, pr);
            if pr % (MERGES / MIGRATIONS) == 0 && migrations < MIGRATIONS {
                migrations += 1;
                let path = format!("db/migrate/2024{migrations:010}_change_{pr}.rb");
                modify(&mut branch, &path, &migration(&format!("Change{pr}")));
            }
            let b1 = commit(&mut s, "topic", who, &format!("Work on {pr}"), Some(head), None);
            s.push_str(&branch);
            let mut second = String::new();
            touch(&mut second, &mut rng, 1, pr);
            let b2 = commit(&mut s, "topic", who, &format!("More on {pr}"), Some(b1), None);
            s.push_str(&second);
            let msg = format!("Merge pull request #{pr} from acme/topic-{pr}\n\nFeature {pr}");
            head = commit(&mut s, "master", "github", &msg, Some(head), Some(b2));
            s.push_str(&branch);
            s.push_str(&second);
        } else if pr <= MERGES + SQUASHES {
            head = commit(&mut s, "master", who, &format!("Feature {pr} (#{pr})"), Some(head), None);
            touch(&mut s, &mut rng, 3, pr);
        } else {
            head = commit(&mut s, "master", who, &format!("Tweak {pr}"), Some(head), None);
            touch(&mut s, &mut rng, 1, pr);
        }
    }
    let _ = writeln!(s, "reset refs/tags/production\nfrom :{root}\n");
    let mut child = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["fast-import", "--quiet"])
        .arg(format!("--export-marks={}", dir.join(".git/marks").display()))
        .stdin(Stdio::piped())
        .spawn()
        .expect("git fast-import");
    child.stdin.take().expect("stdin").write_all(s.as_bytes()).expect("stream");
    assert!(child.wait().expect("fast-import").success());
    run(dir, &["repack", "-a", "-d", "--quiet"]);
    let sha = |m: usize| {
        let marks = std::fs::read_to_string(dir.join(".git/marks")).expect("marks");
        marks.lines().find_map(|l| l.strip_prefix(&format!(":{m} "))).expect("mark").to_string()
    };
    (sha(root), sha(head))
}

fn migration(class: &str) -> String {
    format!(
        "class {class} < ActiveRecord::Migration[7.1]\n  def change\n    add_column :users, :x, :string\n  end\nend\n"
    )
}

fn run(dir: &Path, args: &[&str]) {
    let ok = Command::new("git").arg("-C").arg(dir).args(args).status().expect("git").success();
    assert!(ok, "git {args:?}");
}
