//! Text from outside (commit messages, PR titles, Sentry titles, API error bodies) may carry
//! terminal control sequences. Nothing from a service reaches a terminal unscrubbed.

/// Removes control characters (ESC, BEL, CR, …) but keeps newlines and tabs.
pub fn clean(text: &str) -> String {
    text.chars().filter(|c| !c.is_control() || *c == '\n' || *c == '\t').collect()
}

/// Like [`clean`], and folds the text onto one line (for table cells and summaries).
pub fn one_line(text: &str) -> String {
    clean(text).split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_escape_sequences_and_keeps_text() {
        assert_eq!(clean("fix \u{1b}[31mred\u{1b}[0m\u{7}\r\nok"), "fix [31mred[0m\nok");
        assert_eq!(one_line("a\n b\t\tc"), "a b c");
    }
}
