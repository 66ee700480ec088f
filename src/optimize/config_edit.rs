//! `fsrs-weights` written into `.recall/config.yaml` as a minimal edit of
//! its text (pure): an existing top-level `fsrs-weights:` entry (with any
//! continuation lines of its value) is replaced by one line, or the line is
//! appended; every other byte stays. The result is parsed back and must hold
//! exactly the new weights, so a file this cannot edit safely (the key
//! inside a flow mapping, a document end marker) is refused rather than
//! broken.

use crate::settings::RecallConfig;

/// The key, as it starts its line.
const KEY: &str = "fsrs-weights:";

/// The config line for `weights`: `fsrs-weights: [0.212, 1.2931, …]`, each
/// number in its shortest decimal form.
#[must_use]
pub fn weights_line(weights: &[f64; 21]) -> String {
    let numbers: Vec<String> = weights.iter().map(f64::to_string).collect();
    format!("{KEY} [{}]", numbers.join(", "))
}

/// Why the config file could not be edited.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot set fsrs-weights in this file safely ({reason}); add this line by hand: {line}")]
pub struct EditError {
    pub reason: String,
    pub line: String,
}

/// `text` (a config file's contents, possibly empty) with `fsrs-weights`
/// set to `weights`.
pub fn set_fsrs_weights(text: &str, weights: &[f64; 21]) -> Result<String, EditError> {
    let line = weights_line(weights);
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let out = if let Some(start) = lines.iter().position(|l| l.starts_with(KEY)) {
        let is_continuation =
            |l: &&&str| l.starts_with([' ', '\t']) || (l.starts_with('-') && !l.starts_with("---"));
        let end = start + 1 + lines[start + 1..].iter().take_while(is_continuation).count();
        let last = lines[end - 1];
        let ending = if last.ends_with("\r\n") {
            "\r\n"
        } else if last.ends_with('\n') {
            "\n"
        } else {
            ""
        };
        let mut out: String = lines[..start].concat();
        out.push_str(&line);
        out.push_str(ending);
        out.push_str(&lines[end..].concat());
        out
    } else {
        let mut out = text.to_owned();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push_str(eol);
        }
        out.push_str(&line);
        out.push_str(eol);
        out
    };
    let refuse = |reason: String| EditError { reason, line: line.clone() };
    let parsed: RecallConfig =
        serde_yaml::from_str(&out).map_err(|e| refuse(format!("the result would not read back: {e}")))?;
    if parsed.fsrs_weights.as_deref() != Some(weights.as_slice()) {
        return Err(refuse("the result would not hold the new weights".into()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::fsrs::DEFAULT_WEIGHTS;

    fn own() -> [f64; 21] {
        let mut w = DEFAULT_WEIGHTS;
        w[0] = 0.5;
        w[20] = 0.25;
        w
    }

    fn line() -> String {
        weights_line(&own())
    }

    #[test]
    fn the_line_is_short_and_reads_back() {
        assert!(line().starts_with("fsrs-weights: [0.5, 1.2931, 2.3065, 8.2956, 6.4133,"));
        assert!(line().ends_with(", 0.0658, 0.25]"));
        let parsed: RecallConfig = serde_yaml::from_str(&line()).expect("yaml");
        assert_eq!(parsed.fsrs_weights.as_deref(), Some(own().as_slice()));
    }

    #[test]
    fn appends_keeping_every_other_byte() {
        let cases = [
            ("", format!("{}\n", line())),
            ("new-per-day: 20\n", format!("new-per-day: 20\n{}\n", line())),
            ("new-per-day: 20", format!("new-per-day: 20\n{}\n", line())),
            ("# mine\r\nnew-per-day: 20\r\n", format!("# mine\r\nnew-per-day: 20\r\n{}\r\n", line())),
            ("plugin:\n  baseEase: 270\n", format!("plugin:\n  baseEase: 270\n{}\n", line())),
        ];
        for (before, after) in cases {
            assert_eq!(set_fsrs_weights(before, &own()).expect("edits"), after, "{before:?}");
        }
    }

    #[test]
    fn replaces_an_existing_entry_in_place() {
        let flow = format!("# top\nfsrs-weights: [{}]\norder: due-first\n", ["1"; 21].join(", "));
        assert_eq!(
            set_fsrs_weights(&flow, &own()).expect("edits"),
            format!("# top\n{}\norder: due-first\n", line())
        );
        let block = format!("fsrs-weights:\n{}plugin:\n  baseEase: 270\n", "  - 1\n".repeat(21));
        assert_eq!(
            set_fsrs_weights(&block, &own()).expect("edits"),
            format!("{}\nplugin:\n  baseEase: 270\n", line())
        );
        let unindented = format!("new-per-day: 3\nfsrs-weights:\n{}", "- 1\n".repeat(21));
        assert_eq!(
            set_fsrs_weights(&unindented, &own()).expect("edits"),
            format!("new-per-day: 3\n{}\n", line())
        );
        let last_without_newline = "fsrs-weights: []";
        assert_eq!(set_fsrs_weights(last_without_newline, &own()).expect("edits"), line());
        let crlf = "fsrs-weights: [1]\r\norder: due-first\r\n";
        assert_eq!(
            set_fsrs_weights(crlf, &own()).expect("edits"),
            format!("{}\r\norder: due-first\r\n", line())
        );
        // Applying twice changes nothing the second time.
        let once = set_fsrs_weights("new-per-day: 20\n", &own()).expect("edits");
        assert_eq!(set_fsrs_weights(&once, &own()).expect("edits"), once);
    }

    #[test]
    fn refuses_what_it_cannot_edit_safely() {
        for text in ["{new-per-day: 20}\n", "new-per-day: 20\n...\n", "{\"fsrs-weights\": [1]}\n"] {
            let e = set_fsrs_weights(text, &own()).expect_err("refused");
            assert!(e.to_string().contains("add this line by hand: fsrs-weights: [0.5,"), "{e}");
        }
    }
}
