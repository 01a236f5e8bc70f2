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
        let part = match unit {
            "ms" => Duration::from_millis(n),
            "s" | "sec" => Duration::from_secs(n),
            "m" | "min" => Duration::from_secs(n.checked_mul(60).ok_or_else(too_large)?),
            "h" => Duration::from_secs(n.checked_mul(3600).ok_or_else(too_large)?),
            "" => return Err(format!("bad duration {text:?}: missing unit (ms, s, m or h)")),
            other => return Err(format!("bad duration {text:?}: unknown unit {other:?} (use ms, s, m or h)")),
        };
        total = total.checked_add(part).ok_or_else(too_large)?;
    }
    // Past u64::MAX milliseconds a duration could not be written back (`format`) or slept.
    if total.as_millis() > u128::from(u64::MAX) {
        return Err(too_large());
    }
    Ok(total)
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
}
