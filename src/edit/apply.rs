//! Applying edits to a note on disk, atomically and without clobbering.
//!
//! The note is re-read under an advisory lock on its folder (so two recall
//! processes never interleave their read-modify-write of one note). If it is
//! byte-identical to the text the edits were planned on, they are spliced in;
//! if it changed (a sync client, an editor), the caller's `relocate` re-plans
//! on the new text or the write is refused. The new bytes go to a temp file in
//! the same folder, which is fsynced, given the note's permissions and renamed
//! over the note; the folder is fsynced too. A crash leaves the old or the new
//! file, never a mix; a stale temp file from a crash is removed on the next
//! write to that note.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{Edit, splice};
use crate::error::{Error, IoResultExt};

/// Environment variable naming a failpoint, for crash and fault tests only:
/// `before-rename` aborts between the temp write and the rename,
/// `slow-write` holds the note's lock 300 ms before writing.
pub const FAILPOINT_ENV: &str = "RECALL_FAILPOINT";

/// How an edit landed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The note was as read; the edits were applied where planned.
    Written,
    /// The note had changed; the edits were re-planned on its new text.
    Relocated,
}

/// Applies `edits` (planned on `original`) to the note at `path`.
///
/// `relocate` gets the note's current text when it differs from `original`
/// and returns edits for it, or `None` to refuse.
pub fn apply_edits(
    path: &Path,
    original: &str,
    edits: &[Edit],
    relocate: &dyn Fn(&str) -> Option<Vec<Edit>>,
) -> Result<(Outcome, String), Error> {
    let dir = parent_dir(path);
    let lock = File::open(&dir).with_path(&dir)?;
    lock.lock().with_path(&dir)?;

    let meta = fs::metadata(path).map_err(|e| vanished(path, e))?;
    // Read-only means "this user may not write it": probe with a write open
    // (no truncation), as an editor would. A mode without write bits that
    // the user may still write (root) is written, like any editor does.
    if let Err(e) = OpenOptions::new().write(true).open(path)
        && matches!(e.kind(), std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem)
    {
        return Err(Error::Refused {
            message: format!("{}: the note is read-only; nothing was written", path.display()),
            hint: Some("make it writable (chmod u+w) to record reviews in it".into()),
        });
    }
    let current = fs::read(path).map_err(|e| vanished(path, e))?;
    if failpoint("slow-write") {
        // Holds the lock a while between the re-read and the rename, so a
        // test can start a second writer inside that window.
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
    let (outcome, new_text) = if current == original.as_bytes() {
        (Outcome::Written, splice(original, edits))
    } else {
        let refuse = || Error::Refused {
            message: format!(
                "{}: the note changed on disk since it was read and the card is no longer where it was; nothing was written",
                path.display()
            ),
            hint: Some("run the command again to use the note as it is now".into()),
        };
        let text = String::from_utf8(current).map_err(|_| refuse())?;
        let edits = relocate(&text).ok_or_else(refuse)?;
        (Outcome::Relocated, splice(&text, &edits))
    };
    write_atomic(path, new_text.as_bytes(), &meta)?;
    drop(lock);
    Ok((outcome, new_text))
}

/// True when the crash-test failpoint `name` is set.
fn failpoint(name: &str) -> bool {
    std::env::var(FAILPOINT_ENV).is_ok_and(|v| v == name)
}

fn vanished(path: &Path, e: std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::NotFound {
        Error::Refused {
            message: format!(
                "{}: the note was deleted or moved since it was read; nothing was written",
                path.display()
            ),
            hint: None,
        }
    } else {
        Error::io(path, e)
    }
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The temp-file prefix for a note named `name`.
fn temp_prefix(name: &str) -> String {
    format!(".{name}.recall-")
}

/// Removes temp files left by a crashed recall for this note.
fn sweep_stale(dir: &Path) {
    // Once per folder and process: a batch writing thousands of notes of one
    // folder would otherwise list it thousands of times.
    static SWEPT: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());
    if let Ok(mut swept) = SWEPT.lock() {
        if swept.iter().any(|d| d == dir) {
            return;
        }
        swept.push(dir.to_path_buf());
    }
    let Ok(entries) = fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let fname = e.file_name();
        let Some(fname) = fname.to_str() else { continue };
        let Some(rest) = fname.strip_prefix('.') else { continue };
        let Some((_, rest)) = rest.rsplit_once(".recall-") else { continue };
        let Some(rest) = rest.strip_suffix(".tmp") else { continue };
        let pid: Option<u32> = rest.split('-').next().and_then(|p| p.parse().ok());
        let alive = pid.is_some_and(|p| p == std::process::id() || Path::new(&format!("/proc/{p}")).exists());
        if !alive {
            let _ = fs::remove_file(e.path());
        }
    }
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// Writes `bytes` to `path` via a temp file + fsync + rename, keeping the
/// permissions in `meta`.
pub fn write_atomic(path: &Path, bytes: &[u8], meta: &fs::Metadata) -> Result<(), Error> {
    let dir = parent_dir(path);
    let name = path.file_name().and_then(|n| n.to_str()).ok_or_else(|| {
        Error::io(path, std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file name"))
    })?;
    sweep_stale(&dir);
    let tmp = dir.join(format!(
        "{}{}-{}.tmp",
        temp_prefix(name),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| -> Result<(), Error> {
        let mut f = OpenOptions::new().write(true).create_new(true).open(&tmp).with_path(path)?;
        f.set_permissions(meta.permissions()).with_path(&tmp)?;
        f.write_all(bytes).with_path(path)?;
        f.sync_all().with_path(path)?;
        drop(f);
        if failpoint("before-rename") {
            // Simulates a crash between the temp write and the rename.
            std::process::abort();
        }
        fs::rename(&tmp, path).with_path(path)?;
        if let Ok(d) = File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(range: std::ops::Range<usize>, new: &str) -> Edit {
        Edit { range, old: String::new(), new: new.to_owned() }
    }

    #[test]
    fn writes_and_keeps_everything_else() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("n.md");
        let text = "\u{feff}a\r\nb  \r\nc";
        fs::write(&p, text).expect("write");
        let (o, _) = apply_edits(&p, text, &[edit(4..4, "\r\nX")], &|_| None).expect("apply");
        assert_eq!(o, Outcome::Written);
        assert_eq!(fs::read_to_string(&p).expect("read"), "\u{feff}a\r\nX\r\nb  \r\nc");
        let leftovers: Vec<_> = fs::read_dir(dir.path()).expect("dir").flatten().collect();
        assert_eq!(leftovers.len(), 1);
    }

    #[test]
    fn refuses_when_changed_and_not_relocatable() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("n.md");
        fs::write(&p, "changed").expect("write");
        let err = apply_edits(&p, "original", &[edit(0..0, "x")], &|_| None).expect_err("refused");
        assert!(err.to_string().contains("changed on disk"), "{err}");
        assert_eq!(fs::read_to_string(&p).expect("read"), "changed");
    }

    #[test]
    fn relocates_when_asked() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("n.md");
        fs::write(&p, "new line\noriginal").expect("write");
        let (o, _) = apply_edits(&p, "original", &[edit(0..0, "x")], &|t| {
            t.find("original").map(|i| vec![edit(i..i, "x")])
        })
        .expect("apply");
        assert_eq!(o, Outcome::Relocated);
        assert_eq!(fs::read_to_string(&p).expect("read"), "new line\nxoriginal");
    }

    #[test]
    fn vanished_and_read_only_notes_are_errors() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("gone.md");
        let err = apply_edits(&p, "x", &[], &|_| None).expect_err("gone");
        assert!(err.to_string().contains("deleted or moved"), "{err}");
        let ro = dir.path().join("ro.md");
        fs::write(&ro, "x").expect("write");
        let mut perm = fs::metadata(&ro).expect("meta").permissions();
        perm.set_readonly(true);
        fs::set_permissions(&ro, perm).expect("chmod");
        let writable = OpenOptions::new().write(true).open(&ro).is_ok();
        let result = apply_edits(&ro, "x", &[edit(0..0, "y")], &|_| None);
        if writable {
            // This user may write it anyway (root): written, mode kept.
            assert!(result.is_ok(), "{result:?}");
            assert_eq!(fs::read_to_string(&ro).expect("read"), "yx");
            assert!(fs::metadata(&ro).expect("meta").permissions().readonly());
        } else {
            let err = result.expect_err("ro");
            assert!(err.to_string().contains("read-only"), "{err}");
            assert_eq!(fs::read_to_string(&ro).expect("read"), "x");
        }
    }

    #[cfg(unix)]
    #[test]
    fn keeps_permissions_and_sweeps_stale_temps() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("n.md");
        fs::write(&p, "a").expect("write");
        fs::set_permissions(&p, fs::Permissions::from_mode(0o640)).expect("chmod");
        let stale = dir.path().join(".n.md.recall-999999999-0.tmp");
        fs::write(&stale, "half").expect("write");
        apply_edits(&p, "a", &[edit(1..1, "b")], &|_| None).expect("apply");
        assert_eq!(fs::metadata(&p).expect("meta").permissions().mode() & 0o777, 0o640);
        assert!(!stale.exists());
    }
}
