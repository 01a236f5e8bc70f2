//! The `-v`/`-vv` log on stderr. Log fields carry text from outside too (an error message, a
//! host), so each event is scrubbed and masked like every other line before it is written.
use crate::api::secret::Secrets;
use crate::ui::sanitize;
use std::io::Write;

/// One log event, written whole to stderr when the formatter is done with it.
pub struct LogLine {
    buf: Vec<u8>,
    secrets: Secrets,
}

impl LogLine {
    pub fn new(secrets: Secrets) -> LogLine {
        LogLine { buf: Vec::with_capacity(256), secrets }
    }
}

impl Write for LogLine {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for LogLine {
    fn drop(&mut self) {
        if self.buf.is_empty() {
            return;
        }
        let text = sanitize::clean(&String::from_utf8_lossy(&self.buf));
        let _ = std::io::stderr().lock().write_all(self.secrets.mask(&text).as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_event_is_scrubbed_and_masked() {
        // The rendering is what Drop writes; check it through the same two steps.
        let secrets = Secrets::new();
        secrets.add("xoxb-secret-token");
        let mut line = LogLine::new(secrets.clone());
        line.write_all(b"DEBUG request failed error=\x1b]0;t\x07bad xoxb-secret-token\n").unwrap();
        let text = secrets.mask(&sanitize::clean(&String::from_utf8_lossy(&line.buf)));
        assert_eq!(text, "DEBUG request failed error=bad ***\n");
        line.buf.clear();
    }
}
