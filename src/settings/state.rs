//! recall's own state files under `.recall/`, checked when a vault loads:
//! one that cannot be read is reported and set aside (renamed with a
//! timestamp), so it is neither silently ignored nor overwritten.
//!
//! Today that is the bury list, `.recall/buried.json`
//! (`{"day": "YYYY-MM-DD", "questions": ["hash", …]}`, written by the
//! review session's store).

use std::path::{Path, PathBuf};

use serde_json::Value;

/// recall's per-day bury list, relative to the vault (the session store's
/// `BURIED_PATH`).
pub const BURIED: &str = ".recall/buried.json";

/// True when `text` is a bury list as the review session writes it: an
/// object whose `questions` is a list of strings and whose `day`, if any,
/// is a `YYYY-MM-DD` date.
#[must_use]
pub fn is_bury_list(text: &str) -> bool {
    let Ok(Value::Object(o)) = serde_json::from_str::<Value>(text) else { return false };
    let questions =
        o.get("questions").and_then(Value::as_array).is_some_and(|q| q.iter().all(Value::is_string));
    let day = match o.get("day") {
        None | Some(Value::Null) => true,
        Some(Value::String(d)) => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok(),
        Some(_) => false,
    };
    questions && day
}

/// Where a corrupt state file is moved: `buried.json.corrupt-<stamp>`.
#[must_use]
pub fn set_aside_path(path: &Path, stamp: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".corrupt-{stamp}"));
    path.with_file_name(name)
}

/// Checks the bury list of the vault at `root`; when it cannot be read,
/// renames it to [`set_aside_path`] (`stamp` names the moment, e.g.
/// `20261201T104410Z`) and returns the warning to show.
#[must_use]
pub fn check_buried(root: &Path, stamp: &str) -> Option<String> {
    let path = root.join(BURIED);
    let bytes = std::fs::read(&path).ok()?;
    if std::str::from_utf8(&bytes).is_ok_and(is_bury_list) {
        return None;
    }
    let aside = set_aside_path(&path, stamp);
    let aside_name = aside.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    Some(match std::fs::rename(&path, &aside) {
        Ok(()) => format!(
            "{BURIED}: cannot be read as a bury list; set aside as {aside_name}, so no card stays buried today"
        ),
        Err(e) => format!(
            "{BURIED}: cannot be read as a bury list, and setting it aside failed ({e}); it is ignored"
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bury_lists_as_the_session_writes_them() {
        assert!(is_bury_list(r#"{"day":"2026-12-01","questions":["abc","def"]}"#));
        assert!(is_bury_list(r#"{"day":null,"questions":[]}"#));
        assert!(!is_bury_list(r#"{"day":"2026-12-01","questions":["abc""#));
        assert!(!is_bury_list(""));
        assert!(!is_bury_list(r#"{"day":"tomorrow","questions":[]}"#));
        assert!(!is_bury_list(r#"{"day":"2026-12-01","questions":[1]}"#));
        assert!(!is_bury_list("[]"));
    }

    #[test]
    fn the_store_writes_what_this_reads() {
        use crate::session::Store;
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = crate::session::DiskStore { root: dir.path().to_path_buf() };
        let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
        store.set_buried(day, &["h1".into()]).expect("write");
        assert_eq!(BURIED, crate::session::store::BURIED_PATH);
        assert_eq!(check_buried(dir.path(), "x"), None);
    }

    #[test]
    fn a_corrupt_list_is_set_aside_with_the_stamp() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join(".recall")).expect("mkdir");
        std::fs::write(dir.path().join(BURIED), "{\"day\": \"2026-12-0").expect("write");
        let w = check_buried(dir.path(), "20261201T104410Z").expect("a warning");
        assert!(w.starts_with(".recall/buried.json: cannot be read"), "{w}");
        assert!(w.contains("buried.json.corrupt-20261201T104410Z"), "{w}");
        assert!(!dir.path().join(BURIED).exists());
        let aside = dir.path().join(".recall/buried.json.corrupt-20261201T104410Z");
        assert_eq!(std::fs::read_to_string(aside).expect("kept"), "{\"day\": \"2026-12-0");
        assert_eq!(check_buried(dir.path(), "later"), None);
    }
}
