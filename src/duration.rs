//! Human durations in config and flags: `7m`, `15s`, `1h30m`, `500ms`.
use std::time::Duration;

pub fn parse(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("empty duration".into());
    }
    let too_large = || format!("bad duration {text:?}: number too large");
    let mut total = Duration::ZERO;
    let mut rest = t;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
        if digits == 0 {
            return Err(format!("bad duration {text:?}: expected a number, like 7m, 15s or 1h30m"));
        }
        let n: u64 = rest[..digits].parse().map_err(|_| format!("bad duration {text:?}: number too large"))?;
        rest = &rest[digits..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit()).unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let scale = match unit {
            "ms" => 1,
            "s" | "sec" => 1_000,
            "m" | "min" => 60_000,
            "h" => 3_600_000,
            "" => return Err(format!("bad duration {text:?}: missing unit (ms, s, m or h)")),
            other => return Err(format!("bad duration {text:?}: unknown unit {other:?} (use ms, s, m or h)")),
        };
        let part = n.checked_mul(scale).map(Duration::from_millis).ok_or_else(too_large)?;
        total = total.checked_add(part).ok_or_else(too_large)?;
    }
    // Past u64::MAX milliseconds a duration could not be written back (`format`) or slept.
    if total.as_millis() > u128::from(u64::MAX) {
        return Err(too_large());
    }
    Ok(total)
}

/// The longest watch: a release is judged within minutes; a day is already a monitor's job.
pub const WATCH_MAX: Duration = Duration::from_secs(24 * 3600);

/// A watch's length or look interval: above zero (a zero-length watch would call any release
/// healthy without looking) and at most [`WATCH_MAX`].
pub fn parse_watch_span(text: &str) -> Result<Duration, String> {
    check_watch_span(parse(text)?)
}

pub fn check_watch_span(d: Duration) -> Result<Duration, String> {
    if d.is_zero() {
        return Err("must be longer than 0s, e.g. 7m".into());
    }
    if d > WATCH_MAX {
        return Err(format!("{} is longer than the {} maximum", format(d), format(WATCH_MAX)));
    }
    Ok(d)
}

/// The inverse of [`parse`] for messages and generated config: `7m`, `1h30m`, `250ms`.
pub fn format(d: Duration) -> String {
    let ms = d.as_millis();
    if ms % 1000 != 0 {
        return format!("{ms}ms");
    }
    let secs = d.as_secs();
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    let mut out = String::new();
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if s > 0 || out.is_empty() {
        out.push_str(&format!("{s}s"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_huge_duration_is_an_error_not_a_crash() {
        // Found by fuzzing: these overflowed (a panic) instead of being refused.
        for text in
            ["5124095576030432h", "307445734561825861m", "18446744073709551615s1s", "1sec18446744073709551615ms"]
        {
            assert!(parse(text).unwrap_err().contains("too large"), "{text}");
        }
    }

    #[test]
    fn parses_units_and_compounds() {
        assert_eq!(parse("7m").unwrap(), Duration::from_secs(420));
        assert_eq!(parse("1h30m").unwrap(), Duration::from_secs(5400));
        assert_eq!(parse("250ms").unwrap(), Duration::from_millis(250));
        assert!(parse("7").unwrap_err().contains("missing unit"));
        assert!(parse("7 weeks").is_err());
        assert!(parse("m").is_err());
        assert_eq!(format(Duration::from_secs(5400)), "1h30m");
        assert_eq!(format(Duration::from_millis(250)), "250ms");
    }

    #[test]
    fn huge_numbers_are_refused_not_wrapped() {
        assert!(parse("9999999999999999999m").unwrap_err().contains("too large"));
        assert!(parse("99999999999999999999h").unwrap_err().contains("too large"));
        assert_eq!(parse("99999999999h").unwrap(), Duration::from_secs(99_999_999_999 * 3600));
    }

    #[test]
    fn a_watch_span_is_above_zero_and_at_most_a_day() {
        assert_eq!(parse_watch_span("7m").unwrap(), Duration::from_secs(420));
        assert_eq!(parse_watch_span("24h").unwrap(), WATCH_MAX);
        assert!(parse_watch_span("0s").unwrap_err().contains("longer than 0s"));
        assert!(parse_watch_span("0ms").is_err());
        assert!(parse_watch_span("99999999999h").unwrap_err().contains("24h maximum"));
        assert!(parse_watch_span("25h").is_err());
    }
}
