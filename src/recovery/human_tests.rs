//! How the previews and results read, from reports built by hand.
use super::*;

/// Issue 15: previews said "26 h ago" and "0 h ago"; times read as everywhere else.
#[test]
fn release_times_are_humane_on_a_terminal_and_rfc3339_off_it() {
    let created = chrono::Utc::now() - chrono::Duration::hours(26);
    let release = ReleaseFacts {
        version: 6,
        id: "r6".into(),
        status: "succeeded".into(),
        description: "Deploy e6edcb4d".into(),
        commit: Some("e6edcb4d0000".into()),
        user: Some("dave@acme.test".into()),
        created_at: crate::ui::time::stamp(created),
        hours_ago: 26.0,
    };
    let tty = Ui { stdout_tty: true, ..Ui::plain() };
    assert_eq!(release_line(&release, &tty), "v6  e6edcb4  dave@acme.test  1 day ago  \"Deploy e6edcb4d\"");
    let piped = release_line(&release, &Ui::plain());
    assert!(piped.contains(&format!("  {}  ", crate::ui::time::stamp(created))), "{piped}");
}

/// A refusal before any target was found judges nothing: no "[safe]" above "Refused".
#[test]
fn a_preview_without_a_target_shows_no_level() {
    let mut r = Report::new("rollback", "shop");
    r.refuse(crate::error::Failure::new(crate::exit::Exit::Failure, "unknown_release", "no v999"));
    let text = format!("{}{}", preview(&r, &Ui::plain()), result(&r, &Ui::plain()));
    assert!(text.starts_with("Rollback of shop\n"), "{text}");
    assert!(text.contains("Refused: no v999"), "{text}");
}

/// A dry run (or a path that stopped before its watch) names the issue once, in the preview:
/// the result said "Sentry issue following Sentry issue STOREFRONT-4F …" below it.
#[test]
fn an_issue_not_followed_yet_is_named_once() {
    let mut r = Report::new("rollback", "shop");
    r.target = Some(Target::Release(ReleaseFacts {
        version: 6,
        id: "r6".into(),
        status: "succeeded".into(),
        description: "Deploy e6edcb4d".into(),
        commit: None,
        user: None,
        created_at: "2025-01-06T09:11:58Z".into(),
        hours_ago: 1.0,
    }));
    r.sentry_issue = Some(super::super::sentry_issue::FollowedIssue::following("45", "SHOP-4F", "NoMethodError"));
    let text = format!("{}{}", preview(&r, &Ui::plain()), result(&r, &Ui::plain()));
    assert_eq!(text.matches("SHOP-4F").count(), 1, "{text}");
    assert!(text.contains("Sentry issue followed: SHOP-4F NoMethodError\n"), "{text}");
}

/// The undo migration's lines line up under one another, as the README shows them.
#[test]
fn the_undo_migration_reads_as_aligned_lines() {
    let mut r = Report::new("revert", "shop");
    r.target = Some(Target::PullRequest(super::super::report::PullRequestFacts {
        number: 4,
        title: "Award points".into(),
        author: Some("dave".into()),
        url: "https://github.com/acme/shop/pull/4".into(),
        merge_commit: "ca1b2950000".into(),
        merged_as: "merge".into(),
        commits: vec![],
        in_production: Some(true),
    }));
    r.undo_migration = Some(super::super::undo::UndoMigration {
        path: "db/migrate/2_revert_x.rb".into(),
        class_name: "RevertX".into(),
        reverts: vec!["X".into()],
        statements: vec!["remove_column :orders, :points".into()],
        risks: vec![],
        data_loss: vec!["drops orders.points: the data in it is lost".into()],
        content: String::new(),
    });
    let text = preview(&r, &Ui::plain());
    assert!(
        text.contains(
            "  runs   remove_column :orders, :points\n  loses  drops orders.points: the data in it is lost\n"
        ),
        "{text}"
    );
}

/// A merge whose deploy could not start: the merge stands, the warning is said once (in the
/// result, not as a preview's caution), the run exits 1 and the next step resumes the deploy.
#[test]
fn a_follow_up_that_could_not_run_keeps_the_action_and_says_how_to_resume() {
    let mut r = Report::new("revert", "shop");
    r.action = Action::Merged;
    r.sentry_issue = Some(super::super::sentry_issue::FollowedIssue::following("45", "SHOP-4F", "NoMethodError"));
    assert_eq!(r.exit(), crate::exit::Exit::Success);
    let resume = crate::next_step::NextStep::new("bpdeploy deploy --watch", "deploy the revert of #4");
    r.follow_failed("deploy_failed", "#9 is merged, but its deploy could not start: boom".into(), resume);
    assert_eq!((r.action, r.exit()), (Action::Merged, crate::exit::Exit::Failure));
    assert_eq!(r.sentry_issue.as_ref().map(|i| i.state), Some(IssueState::Unknown));
    let text = format!("{}{}", preview(&r, &Ui::plain()), result(&r, &Ui::plain()));
    assert_eq!(text.matches("its deploy could not start").count(), 1, "{text}");
    assert!(text.contains("warning: #9 is merged, but its deploy could not start: boom\n"), "{text}");
    assert!(text.ends_with("Next: bpdeploy deploy --watch — deploy the revert of #4\n"), "{text}");
}
