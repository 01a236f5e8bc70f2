use super::*;
use crate::api::slack::{Named, Profile};

fn msg(ts: &str, user: &str, text: &str) -> HistoryMessage {
    HistoryMessage { ts: ts.into(), text: text.into(), user: Some(user.into()), ..Default::default() }
}

#[test]
fn slack_timestamps_round_trip() {
    let at = ts_time("1714564800.000100").unwrap();
    assert_eq!(at.to_rfc3339(), "2024-05-01T12:00:00.000100+00:00");
    assert_eq!(time_ts(at), "1714564800.000100");
    assert_eq!(ts_time("1714564800").unwrap().timestamp(), 1_714_564_800);
    assert_eq!(ts_time("1714564800.5").unwrap().timestamp_subsec_micros(), 500_000);
    for bad in ["", "x.1", "1.x", "1.-5"] {
        assert!(ts_time(bad).is_none(), "{bad}");
    }
    // Digits past the microseconds are dropped.
    assert_eq!(ts_time("1.1234567").unwrap().timestamp_subsec_micros(), 123_456);
}

#[test]
fn posts_are_people_and_alerts_not_joins_or_the_bot_itself() {
    let me = Identity { user_id: Some("UBOT".into()), bot_id: Some("B0ME".into()) };
    let mut join = msg("1714564801.000001", "U2", "<@U2> has joined the channel");
    join.subtype = Some("channel_join".into());
    let mut ours = msg("1714564802.000001", "UBOT", "Deploying v42");
    ours.bot_id = Some("B0ME".into());
    let mut sentry = HistoryMessage {
        ts: "1714564803.000001".into(),
        text: "*NoMethodError* undefined method 'multiplier'\nOrdersController#create".into(),
        bot_id: Some("B0SENTRY".into()),
        subtype: Some("bot_message".into()),
        bot_profile: Some(Named { name: Some("Sentry".into()) }),
        ..Default::default()
    };
    let mut person = msg("1714564804.000001", "U3", "\n  is checkout broken for anyone? \u{1b}[2J\nthird line");
    person.user_profile = Some(Profile { display_name: Some("".into()), real_name: Some("Erin Walsh".into()) });
    let bare = msg("1714564800.000009", "U4", "first!");
    let got = posts("#dev-questions", &[person.clone(), sentry.clone(), ours, join, bare], &me);
    let lines: Vec<(&str, &str)> = got.iter().map(|p| (p.author.as_str(), p.first_line.as_str())).collect();
    assert_eq!(
        lines,
        [
            ("U4", "first!"),
            ("Sentry", "*NoMethodError* undefined method 'multiplier'"),
            ("Erin Walsh", "is checkout broken for anyone?"),
        ],
        "oldest first, scrubbed, first non-blank line"
    );
    assert!(got.iter().all(|p| p.channel == "#dev-questions"));
    // Another bot's own messages count; a username wins over a bot profile.
    sentry.username = Some("sentry-alerts".into());
    assert_eq!(posts("#x", &[sentry], &me)[0].author, "sentry-alerts");
    // Without an identity nothing is taken for the bot's own.
    assert_eq!(posts("#x", &[person], &Identity::default()).len(), 1);
}

#[test]
fn long_first_lines_are_cut_on_a_character() {
    let long = "é".repeat(300);
    let got = posts("#x", &[msg("1714564800.000001", "U1", &long)], &Identity::default());
    assert_eq!(got[0].first_line.chars().count(), 121);
    assert!(got[0].first_line.ends_with('…'));
}

#[test]
fn ids_are_used_as_they_are_names_are_looked_up() {
    assert!(is_id("C0DEPLOYS1") && is_id("G01234567"));
    for name in ["#dev-questions", "dev-questions", "C0", "Cdevquestions", "general"] {
        assert!(!is_id(name), "{name}");
    }
}
