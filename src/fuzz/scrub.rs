//! The escape scrubber and the secret mask. Whatever comes in, what the scrubber lets out holds
//! no ESC, BEL or other C0/C1 control (newline and tab aside where allowed), and nothing the
//! mask knows survives it.
use super::{fuzz, text_from};
use crate::api::secret::Secrets;
use crate::ui::sanitize::{clean, json, one_line, path, terminal};

const HOSTILE: &[&str] = &[
    "\u{1b}",
    "[",
    "]",
    "0;",
    "2J",
    "31m",
    "8m",
    "m",
    "\u{7}",
    "\u{1b}\\",
    "P",
    "_",
    "^",
    "X",
    "8;;",
    "https://x.test/",
    "\u{9b}",
    "\u{9d}",
    "\u{9c}",
    "\u{90}",
    "\u{85}",
    "\u{7f}",
    "\r",
    "\n",
    "\t",
    "\u{0}",
    "\u{202e}",
    "\u{2066}",
    "é",
    "日本",
    "text",
    " ",
    ";",
    "\u{18}",
    "\u{1a}",
];

/// No C0 or C1 control or DEL in `text` (what `what` made of `input`), but the ones `allowed`.
fn assert_inert(text: &str, allowed: &[char], what: &str, input: &str) {
    let found: Vec<char> = text.chars().filter(|c| c.is_control() && !allowed.contains(c)).collect();
    assert!(found.is_empty(), "{what}({input:?}) let {found:?} through: {text:?}");
}

#[test]
fn scrubbed_text_holds_no_control() {
    fuzz(|u| {
        let input = text_from(u, HOSTILE, 40)?;
        assert_inert(&clean(&input), &['\n', '\t'], "clean", &input);
        assert_inert(&terminal(&input, false), &['\n', '\t'], "terminal", &input);
        let line = one_line(&input);
        assert_inert(&line, &[], "one_line", &input);
        assert!(!line.contains(['\n', '\u{2028}', '\u{2029}']));
        assert_inert(&path(&input), &[], "path", &input);
        assert_eq!(clean(&clean(&input)), clean(&input), "clean is idempotent");
        Ok(())
    });
}

#[test]
fn styled_output_keeps_only_our_sequences() {
    fuzz(|u| {
        let input = text_from(u, HOSTILE, 40)?;
        let styled = terminal(&input, true);
        assert_eq!(terminal(&styled, true), styled, "what survives is stable: {input:?}");
        assert_inert(&clean(&styled), &['\n', '\t'], "clean ∘ terminal", &input);
        assert!(!styled.contains('\u{7}') && !styled.contains("\u{1b}]0") && !styled.contains("\u{1b}[2J"));
        Ok(())
    });
}

#[test]
fn json_text_stays_the_same_value() {
    fuzz(|u| {
        let input = text_from(u, HOSTILE, 30)?;
        let text = serde_json::to_string(&serde_json::json!({ "line": input })).unwrap();
        let safe = json(&text);
        assert_inert(&safe, &[], "json", &input);
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back["line"], input);
        Ok(())
    });
}

#[test]
fn masked_text_holds_no_secret() {
    fuzz(|u| {
        let secrets = Secrets::new();
        let mut known = vec![];
        for _ in 0..u.int_in_range(1..=4)? {
            let secret: String = (0..u.int_in_range(8..=24)?)
                .map(|_| Ok(*u.choose(&['a', 'b', 'X', '1', '-', '_', '/', '?', '='])?))
                .collect::<Result<_, _>>()?;
            secrets.add(&secret);
            known.push(secret);
        }
        let mut pieces: Vec<&str> = known.iter().map(String::as_str).collect();
        pieces.extend(["a", "b", " ", "*", "1", "=", "\u{1b}"]);
        let text = text_from(u, &pieces, 20)?;
        let masked = secrets.mask(&text);
        for secret in &known {
            assert!(!masked.contains(secret.as_str()), "{secret:?} survives in {masked:?}");
        }
        Ok(())
    });
}
