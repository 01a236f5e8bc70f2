use super::*;

fn announcement() -> Announcement {
    Announcement {
        who: "alice".into(),
        sha: "0123456789abcdef0123456789abcdef01234567".into(),
        app: "shop-prod".into(),
        pull_requests: vec![
            PullRequestLine {
                number: 12,
                title: "Add <b>gift</b> cards & vouchers".into(),
                author: Some("bob".into()),
                url: Some("https://github.com/o/r/pull/12".into()),
            },
            PullRequestLine { number: 15, title: "Fix\u{1b}[31m totals".into(), author: None, url: None },
        ],
        migrations: 1,
    }
}

#[test]
fn headline_follows_the_issue_wording() {
    let a = announcement();
    assert_eq!(
        a.headline(SlackStage::Announced, &StageFacts::default()),
        ":construction: alice is deploying 0123456 to shop-prod: 2 PRs, 1 migration"
    );
}

#[test]
fn every_stage_names_the_sha_and_app_and_says_something_different() {
    let a = announcement();
    let facts = StageFacts {
        release_version: Some(42),
        previous_version: Some(41),
        watch_for: Some(Duration::from_secs(420)),
        reason: Some("2 new issues".into()),
        rolled_back_to: Some(43),
        production: None,
    };
    let texts: Vec<String> = SlackStage::ALL.iter().map(|s| a.headline(*s, &facts)).collect();
    for t in &texts {
        assert!(t.contains("0123456") && t.contains("shop-prod"), "{t}");
    }
    let unique: std::collections::BTreeSet<&String> = texts.iter().collect();
    assert_eq!(unique.len(), texts.len());
    assert!(a.headline(SlackStage::ReleaseFailed, &facts).contains("production still runs v41"));
    assert!(a.headline(SlackStage::Watching, &facts).contains("watching errors for 7m"));
    assert!(a.headline(SlackStage::RolledBack, &facts).contains("rolled back to v43"));
    assert!(a.headline(SlackStage::Failing, &facts).ends_with("v42 is failing: 2 new issues"));
}

#[test]
fn thread_lists_prs_escaped_and_scrubbed() {
    let thread = announcement().pull_request_thread();
    assert!(
        thread.contains("<https://github.com/o/r/pull/12|#12> Add &lt;b&gt;gift&lt;/b&gt; cards &amp; vouchers (bob)")
    );
    assert!(thread.contains("#15 Fix totals"), "{thread}");
    assert!(!thread.contains('\u{1b}'));
    let empty = Announcement { pull_requests: vec![], ..announcement() };
    assert!(empty.pull_request_thread().contains("direct pushes"));
}

#[test]
fn webhook_skips_intermediate_stages_and_final_stages_get_a_reply() {
    let a = announcement();
    let facts = StageFacts::default();
    for stage in SlackStage::ALL {
        let intermediate = matches!(stage, SlackStage::Building | SlackStage::ReleasePhase | SlackStage::Watching);
        assert_eq!(stage.posts_with_webhook(), !intermediate, "{stage:?}");
        assert_eq!(a.verdict_reply(stage, &facts).is_some(), stage.is_final(), "{stage:?}");
    }
    assert!(a.verdict_reply(SlackStage::BuildFailed, &facts).unwrap().contains("database was not touched"));
}
