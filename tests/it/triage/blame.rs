//! Blame of the frames at the release commit, on a fixture release made of a merge PR (#1), a
//! squash PR (#2), a rebase-merged PR (#3: two commits whose messages name no PR, which GitHub
//! associates) and a direct push; two of the PRs changed the same file.
use crate::preflight::fixture::Fixture;
use bpdeploy::triage::blame::{blame, BlameRequest, ChangeKey};
use bpdeploy::triage::frames::FrameRef;
use bpdeploy::triage::suspects::{implicated, suspects, Confidence};
use git2::Oid;
use std::collections::BTreeMap;

const ORDER: &str = "app/models/order.rb";
const CALC: &str = "app/services/calc.rb";

fn order(total: &str, points: &str, discount: bool) -> String {
    let discount = if discount { "\n  def discount\n    0\n  end\n" } else { "" };
    format!("class Order < ApplicationRecord\n  def total\n    {total}\n  end\n\n  def points\n    {points}\n  end\n{discount}end\n")
}

fn calc(comment: bool, rate: &str) -> String {
    let comment = if comment { "# Rates per loyalty tier.\n" } else { "" };
    format!("{comment}class Calc\n  def rate\n    {rate}\n  end\nend\n")
}

struct Story {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
    previous: Oid,
    release: Oid,
    rebased: [Oid; 2],
    direct: Oid,
}

fn story() -> Story {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    let mut f = Fixture::init(&path);
    f.write(ORDER, &order("cents / 100.0", "0", false)).write(CALC, &calc(false, "1"));
    let previous = f.commit("Alice", "Initial app", &[]);
    // #1, merged with a merge commit by someone else than its author.
    f.write(ORDER, &order("cents / 100.0", "Calc.new.rate * total", false));
    let branch = f.commit("Bob", "Award points", &[previous]);
    let merge = f.commit("Carol", "Merge pull request #1 from acme/points\n\nAward points", &[previous, branch]);
    // #2, squashed.
    f.write(CALC, &calc(false, "Tier.current.rate"));
    let squash = f.commit("Dave", "Use tier rates (#2)\n\n* Use tier rates", &[merge]);
    // #3, rebase-merged: its commits land one by one on the branch.
    f.write(ORDER, &order("cents / 100.0", "Calc.new.rate * total", true));
    let first = f.commit("Erin", "Add a discount helper", &[squash]);
    f.write(ORDER, &order("cents / 100.0 - discount", "Calc.new.rate * total", true));
    let second = f.commit("Erin", "Use the discount in the total", &[first]);
    // A direct push that touches the calculator's file, not its method.
    f.write(CALC, &calc(true, "Tier.current.rate"));
    let direct = f.commit("Frank", "Document the rates", &[second]);
    Story { _dir: dir, path, previous, release: direct, rebased: [first, second], direct }
}

fn frame(file: &str, line: u32, function: &str) -> FrameRef {
    FrameRef { candidates: vec![format!("/srv/{file}"), file.to_string()], line, function: function.into() }
}

fn request(s: &Story, associated: BTreeMap<String, u64>) -> BlameRequest {
    BlameRequest {
        repo: s.path.clone(),
        release: s.release.to_string(),
        previous: Some(s.previous.to_string()),
        // Innermost first, as triage lists them.
        frames: vec![
            frame(CALC, 4, "rate"),
            frame(ORDER, 7, "points"),
            frame(ORDER, 3, "total"),
            frame(ORDER, 6, "points"),
            frame("app/gone.rb", 1, "nowhere"),
        ],
        associated,
    }
}

fn github_says(s: &Story) -> BTreeMap<String, u64> {
    s.rebased.iter().map(|c| (c.to_string(), 3)).collect()
}

#[test]
fn each_frame_s_line_is_blamed_on_the_pr_that_landed_it_merge_squash_or_rebase() {
    let s = story();
    let b = blame(&request(&s, github_says(&s))).unwrap();
    assert!(b.range_known && b.warnings.is_empty(), "{:?}", b.warnings);
    let lines: Vec<Option<ChangeKey>> = b.frames.iter().map(|f| f.line_change.clone()).collect();
    assert_eq!(
        lines,
        [Some(ChangeKey::Pull(2)), Some(ChangeKey::Pull(1)), Some(ChangeKey::Pull(3)), None, None],
        "squash #2, merge #1, rebase-merged #3; the `def` line is older than the release; a missing file says nothing"
    );
    assert!(b.frames[..4].iter().all(|f| f.frame.in_repo) && !b.frames[4].frame.in_repo);
    assert_eq!(b.frames[0].frame.file, CALC, "the path outside the app root falls back to Sentry's filename");
    // The merged PR's author, not the person who merged it.
    let one = b.change(&ChangeKey::Pull(1)).unwrap();
    assert_eq!(one.authors.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["Bob"]);
    assert_eq!((one.title.as_str(), one.authors[0].email.as_str()), ("Award points", "bob@example.com"));
    assert_eq!(b.change(&ChangeKey::Pull(2)).unwrap().title, "Use tier rates");
    assert_eq!(b.change(&ChangeKey::Pull(3)).unwrap().commits.len(), 2, "both rebased commits are #3's");
    // Who wrote an old line: the code's owner, outside the release.
    assert_eq!(b.frames[3].line_author.as_ref().map(|p| p.name.as_str()), Some("Alice"));
    assert_eq!(b.frames[3].method, Some((6, 8)));
    assert_eq!(b.frames[3].method_changes, [ChangeKey::Pull(1)], "#1 changed the method around the `def` line");
}

#[test]
fn a_frame_in_a_file_two_prs_changed_names_the_one_that_wrote_its_line() {
    let s = story();
    let b = blame(&request(&s, github_says(&s))).unwrap();
    // order.rb:7 was written by #1; #3 changed order.rb elsewhere (another method).
    assert_eq!(b.frames[1].line_change, Some(ChangeKey::Pull(1)));
    assert_eq!(b.frames[1].file_changes, [ChangeKey::Pull(3)]);
    assert!(b.frames[1].method_changes.is_empty());
    let found = suspects(&b, &|p: &str| p.starts_with("db/migrate/"));
    let shown: Vec<(String, Confidence)> = found.iter().map(|s| (s.label(), s.confidence)).collect();
    let direct: String = s.direct.to_string().chars().take(7).collect();
    assert_eq!(
        shown,
        [
            ("#2".to_string(), Confidence::High),
            ("#1".to_string(), Confidence::High),
            ("#3".to_string(), Confidence::High),
            (direct, Confidence::Low)
        ],
        "strongest first, nearest to the raise first"
    );
    assert_eq!(implicated(&found).len(), 3);
    let two = &found[0];
    assert_eq!(two.lines_in_frame_file, 2, "#2 changed one line of calc.rb: one removed, one added");
    assert!(
        two.evidence[0].starts_with("wrote app/services/calc.rb:4 (rate), the frame that raised"),
        "{:?}",
        two.evidence
    );
    let one = &found[1];
    assert!(
        one.evidence.iter().any(|e| e.starts_with("changed points (app/models/order.rb:6-8)")),
        "{:?}",
        one.evidence
    );
    assert_eq!(found[3].pull_request, None, "a direct push is no PR");
}

#[test]
fn without_github_s_association_a_rebase_merge_reads_as_direct_pushes() {
    let s = story();
    let b = blame(&request(&s, BTreeMap::new())).unwrap();
    assert_eq!(b.frames[2].line_change, Some(ChangeKey::Direct(s.rebased[1].to_string())));
    assert!(b.change(&ChangeKey::Pull(3)).is_none());
}

#[test]
fn an_unknown_previous_release_leaves_what_changed_unknown_and_says_so() {
    let s = story();
    let mut req = request(&s, github_says(&s));
    req.previous = Some("0123456789abcdef0123456789abcdef01234567".into());
    let b = blame(&req).unwrap();
    assert!(!b.range_known);
    assert!(b.warnings[0].contains("is not in this clone"), "{:?}", b.warnings);
    assert!(b.frames.iter().all(|f| f.line_change.is_none()), "nothing is pinned on the release");
    assert!(suspects(&b, &|_: &str| false).is_empty());
    req.release = "feedface".into();
    let e = blame(&req).unwrap_err().to_string();
    assert!(e.contains("feedface"), "{e}");
}
