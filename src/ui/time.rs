//! One way of telling time everywhere: "26 min ago", "2 days ago" for a person at a terminal;
//! RFC 3339 (`2026-11-29T09:42:18Z`) in JSON and off a terminal, where a script reads it.
use crate::ui::Ui;
use chrono::{DateTime, SecondsFormat, Utc};

/// How long ago `then` was, in the largest unit that fits, rounded down. A time in the future
/// (clock skew between us and a service) is "just now".
pub fn ago(now: DateTime<Utc>, then: DateTime<Utc>) -> String {
    let secs = (now - then).num_seconds();
    let unit = |n: i64, one: &str, many: &str| format!("{n} {} ago", if n == 1 { one } else { many });
    match secs {
        i64::MIN..=59 => "just now".into(),
        60..=3_599 => format!("{} min ago", secs / 60),
        3_600..=86_399 => unit(secs / 3_600, "hour", "hours"),
        86_400..=3_887_999 => unit(secs / 86_400, "day", "days"),
        3_888_000..=31_535_999 => unit(secs / 2_592_000, "month", "months"),
        _ => unit(secs / 31_536_000, "year", "years"),
    }
}

/// A phase's duration for `-v`: tenths of a second under a minute, else `2m10s`.
pub fn took(d: std::time::Duration) -> String {
    if d < std::time::Duration::from_secs(60) {
        return format!("{:.1}s", d.as_secs_f64());
    }
    crate::config::duration::format(std::time::Duration::from_secs(d.as_secs()))
}

/// RFC 3339 to the second, in UTC: what JSON and non-terminal output carry.
pub fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// [`ago`] for a person at a terminal, else [`stamp`].
pub fn when(terminal: bool, now: DateTime<Utc>, then: DateTime<Utc>) -> String {
    if terminal {
        ago(now, then)
    } else {
        stamp(then)
    }
}

/// A time a service sent as text (RFC 3339), told the same way; text that is not a time is
/// shown as it came.
pub fn when_text(terminal: bool, now: DateTime<Utc>, then: &str) -> String {
    match DateTime::parse_from_rfc3339(then) {
        Ok(t) => when(terminal, now, t.with_timezone(&Utc)),
        Err(_) => then.to_string(),
    }
}

impl Ui {
    /// A time in the result on stdout: humane on a terminal, RFC 3339 otherwise and in JSON.
    pub fn when(&self, then: DateTime<Utc>) -> String {
        when(self.stdout_tty && !self.json, Utc::now(), then)
    }

    /// A time in progress or narration on stderr.
    pub fn when_err(&self, then: DateTime<Utc>) -> String {
        when(self.stderr_tty, Utc::now(), then)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn ages_use_the_largest_unit_that_fits() {
        let now = Utc::now();
        let ago = |d: Duration| ago(now, now - d);
        assert_eq!(ago(Duration::seconds(5)), "just now");
        assert_eq!(ago(Duration::seconds(-30)), "just now", "clock skew is not negative");
        assert_eq!(ago(Duration::minutes(1)), "1 min ago");
        assert_eq!(ago(Duration::minutes(26)), "26 min ago");
        assert_eq!(ago(Duration::minutes(60)), "1 hour ago");
        assert_eq!(ago(Duration::minutes(150)), "2 hours ago");
        assert_eq!(ago(Duration::hours(26)), "1 day ago");
        assert_eq!(ago(Duration::days(2)), "2 days ago");
        assert_eq!(ago(Duration::days(44)), "44 days ago");
        assert_eq!(ago(Duration::days(45)), "1 month ago");
        assert_eq!(ago(Duration::days(400)), "1 year ago");
    }

    #[test]
    fn off_a_terminal_times_are_rfc3339() {
        let now = Utc::now();
        let then = DateTime::parse_from_rfc3339("2026-11-29T09:42:18.123Z").unwrap().with_timezone(&Utc);
        assert_eq!(when(false, now, then), "2026-11-29T09:42:18Z");
        assert_eq!(when_text(false, now, "2026-11-29T10:42:18+01:00"), "2026-11-29T09:42:18Z");
        assert_eq!(when_text(true, then + Duration::minutes(26), "2026-11-29T09:42:18Z"), "26 min ago");
        assert_eq!(when_text(true, now, "yesterday"), "yesterday");
    }
}
