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
        shipped_known: true,
        posted_summary: None,
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
        live: false,
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

/// Issue 15: a failed deploy's message still read "alice is deploying …": once the build or the
/// release phase failed, or bpdeploy stopped on an error, nobody is deploying any more.
#[test]
fn a_deploy_that_ended_badly_no_longer_reads_is_deploying() {
    let a = announcement();
    let facts = StageFacts { release_version: Some(42), previous_version: Some(41), ..StageFacts::default() };
    for stage in [SlackStage::BuildFailed, SlackStage::ReleaseFailed, SlackStage::Errored] {
        let text = a.headline(stage, &facts);
        assert!(!text.contains("is deploying"), "{stage:?}: {text}");
        assert!(text.contains("alice") && text.contains("0123456 to shop-prod"), "{stage:?}: {text}");
    }
    assert!(a.headline(SlackStage::BuildFailed, &facts).starts_with(":x: alice could not deploy 0123456"));
    assert!(a.headline(SlackStage::Building, &facts).contains("alice is deploying"), "still deploying while building");
}

#[test]
fn a_watch_claims_no_counts_it_does_not_know() {
    let watch = Announcement { shipped_known: false, pull_requests: vec![], migrations: 0, ..announcement() };
    let facts = StageFacts { release_version: Some(42), ..StageFacts::default() };
    assert_eq!(
        watch.headline(SlackStage::Live, &facts),
        ":rocket: alice deployed 0123456 to shop-prod · live as v42; traffic moves over the next 3–7 minutes"
    );
}

#[test]
fn a_taken_over_announcement_keeps_its_author_and_what_the_deploy_said_it_ships() {
    let mut watch = Announcement {
        who: "bob".into(),
        shipped_known: false,
        pull_requests: vec![],
        migrations: 0,
        ..announcement()
    };
    let posted = ":pause_button: A&amp;B is deploying 0123456 to shop-prod: 5 PRs, 4 migrations · bpdeploy stopped \
                  following; Heroku carries on";
    assert!(watch.adopt(posted));
    let facts = StageFacts { release_version: Some(42), ..StageFacts::default() };
    assert_eq!(
        watch.headline(SlackStage::Healthy, &facts),
        ":white_check_mark: A&amp;B deployed 0123456 to shop-prod: 5 PRs, 4 migrations · v42 is healthy"
    );
    for other in [":rocket: alice deployed 9999999 to shop-prod: 1 PR, 0 migrations", "0123456 looks broken"] {
        assert!(!announcement().adopt(other), "{other}");
    }
}

/// Ctrl-C once the release is live (during the watch) leaves nothing running on Heroku: the
/// message keeps saying it was deployed and live, not "is deploying … Heroku carries on".
#[test]
fn an_interrupted_watch_of_a_live_release_is_not_told_as_a_deploy_in_flight() {
    let a = announcement();
    let production = Some("shop-prod serves v42, this deploy's release".to_string());
    let live =
        StageFacts { release_version: Some(42), production: production.clone(), live: true, ..StageFacts::default() };
    assert_eq!(
        a.headline(SlackStage::Unfollowed, &live),
        ":eyes: alice deployed 0123456 to shop-prod: 2 PRs, 1 migration · live as v42; bpdeploy stopped following \
         before a verdict. Now: shop-prod serves v42, this deploy's release"
    );
    let building = StageFacts { production, ..StageFacts::default() };
    assert!(a.headline(SlackStage::Unfollowed, &building).contains("is deploying"), "work still runs on Heroku");
}
