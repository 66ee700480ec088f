//! Writing files: the one atomic writer, and edits applied to a note on
//! disk without clobbering it.
//!
//! [`write_file`] is how recall writes any file (notes, the bury list, the
//! config, exported packages): a temp file in the same folder, fsynced, given
//! the old file's permissions and renamed over it, the folder fsynced too. A
//! crash leaves the old or the new file, never a mix. The temp name has a
//! fixed length (`.recall-<pid>-<n>.tmp`), so a note whose name is at the
//! file system's limit can still be written; a stale temp file of a crashed
//! recall is removed on the next write to its folder. A symbolic link is
//! written through: the temp file and the rename are in the target's
//! folder, and the link stays a link.
//!
//! [`apply_edits`] re-reads a note under an advisory lock on its folder (so
//! two recall processes never interleave their read-modify-write of one
//! note). If it is byte-identical to the text the edits were planned on, they
//! are spliced in; if it changed (a sync client, an editor), the caller's
//! `relocate` re-plans on the new text or the write is refused.

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
    let real = real_path(path).map_err(|e| vanished(path, e))?;
    let dir = parent_dir(&real);
    let lock = File::open(&dir).with_path(&dir)?;
    lock.lock().with_path(&dir)?;

    // Read-only means "this user may not write it": probe with a write open
    // (no truncation), as an editor would. A mode without write bits that
    // the user may still write (root) is written, like any editor does.
    if let Err(e) = OpenOptions::new().write(true).open(&real)
        && matches!(e.kind(), std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem)
    {
        return Err(Error::Refused {
            message: format!("{}: the note is read-only; nothing was written", path.display()),
            hint: Some("make it writable (chmod u+w) to record reviews in it".into()),
        });
    }
    let current = fs::read(&real).map_err(|e| vanished(path, e))?;
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
    write_real(&real, path, |f| f.write_all(new_text.as_bytes()).with_path(path))?;
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

/// The file a path names: a symbolic link is followed (however many), so the
/// write lands in the real note and the link is kept. A path that does not
/// exist yet is itself.
fn real_path(path: &Path) -> std::io::Result<PathBuf> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => fs::canonicalize(path),
        Ok(_) => Ok(path.to_path_buf()),
        Err(e) => Err(e),
    }
}

/// The prefix of recall's temp files (fixed length whatever the file's name).
const TEMP_PREFIX: &str = ".recall-";

/// True for a temp file name of ours whose process is gone.
fn is_stale_temp(fname: &str) -> bool {
    // `.recall-<pid>-<n>.tmp`, and the older `.<name>.recall-<pid>-<n>.tmp`.
    let Some(rest) = fname.strip_suffix(".tmp") else { return false };
    let Some((_, rest)) = rest.rsplit_once(TEMP_PREFIX) else { return false };
    if !fname.starts_with('.') {
        return false;
    }
    let mut parts = rest.split('-');
    let pid: Option<u32> = parts.next().and_then(|p| p.parse().ok());
    if parts.next().is_none_or(|n| n.parse::<u64>().is_err()) {
        return false;
    }
    let alive = pid.is_some_and(|p| p == std::process::id() || Path::new(&format!("/proc/{p}")).exists());
    !alive
}

/// True the first time `dir` is seen by this process.
///
/// A set, not a list: the fuzz target `edit` writes each input in a new
/// folder, and the linear search over every folder written before (path
/// comparisons, component by component) came to take four fifths of its
/// time; a batch over a vault of many folders paid the same quadratic cost.
fn first_sweep(dir: &Path) -> bool {
    static SWEPT: std::sync::Mutex<Option<std::collections::HashSet<PathBuf>>> = std::sync::Mutex::new(None);
    match SWEPT.lock() {
        Ok(mut swept) => swept.get_or_insert_default().insert(dir.to_path_buf()),
        Err(_) => true,
    }
}

/// Removes temp files left in `dir` by a crashed recall.
fn sweep_stale(dir: &Path) {
    // Once per folder and process: a batch writing thousands of notes of one
    // folder would otherwise list it thousands of times.
    if !first_sweep(dir) {
        return;
    }
    let Ok(entries) = fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        if e.file_name().to_str().is_some_and(is_stale_temp) {
            let _ = fs::remove_file(e.path());
        }
    }
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// Writes `bytes` to `path` atomically, keeping an existing file's
/// permissions (see the module docs).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    write_file(path, |f| f.write_all(bytes).with_path(path))
}

/// A scratch file beside `path` (in the folder the write to `path` lands
/// in), for what a command builds before it writes `path`: named like the
/// writer's temp files, so one a crash leaves behind is swept by the next
/// write to that folder; removed when dropped. The file is not created.
#[derive(Debug)]
pub struct Scratch {
    path: PathBuf,
}

impl Scratch {
    /// A new scratch path beside `path`.
    pub fn beside(path: &Path) -> Result<Scratch, Error> {
        let real = real_path(path)
            .or_else(
                |e| if e.kind() == std::io::ErrorKind::NotFound { Ok(path.to_path_buf()) } else { Err(e) },
            )
            .with_path(path)?;
        let dir = parent_dir(&real);
        sweep_stale(&dir);
        let path = dir.join(format!(
            "{TEMP_PREFIX}{}-{}.tmp",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        Ok(Scratch { path })
    }

    /// Where the scratch file is.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// Writes `path` atomically with what `write` puts into the temp file
/// (see the module docs); returns what `write` returns.
pub fn write_file<T>(path: &Path, write: impl FnOnce(&mut File) -> Result<T, Error>) -> Result<T, Error> {
    let real = real_path(path)
        .or_else(|e| if e.kind() == std::io::ErrorKind::NotFound { Ok(path.to_path_buf()) } else { Err(e) })
        .with_path(path)?;
    write_real(&real, path, write)
}

/// [`write_file`] on the resolved `real` path; errors name `shown`.
fn write_real<T>(
    real: &Path,
    shown: &Path,
    write: impl FnOnce(&mut File) -> Result<T, Error>,
) -> Result<T, Error> {
    let dir = parent_dir(real);
    sweep_stale(&dir);
    let tmp = dir.join(format!(
        "{TEMP_PREFIX}{}-{}.tmp",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let perms = fs::metadata(real).ok().map(|m| m.permissions());
    let result = (|| -> Result<T, Error> {
        // Readable too: the Anki package's zip is reopened for appending.
        let mut f = OpenOptions::new().read(true).write(true).create_new(true).open(&tmp).with_path(shown)?;
        if let Some(p) = perms {
            f.set_permissions(p).with_path(&tmp)?;
        }
        let value = write(&mut f)?;
        f.sync_all().with_path(shown)?;
        drop(f);
        if failpoint("before-rename") {
            // Simulates a crash between the temp write and the rename.
            std::process::abort();
        }
        fs::rename(&tmp, real).with_path(shown)?;
        if let Ok(d) = File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(value)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by fuzzing (fuzz target edit, its rate falling from 2,000 to
    /// 430 exec/s in two minutes): the folders already swept were a list
    /// searched from the start at every write. Each folder is still swept
    /// once, among many.
    #[test]
    fn each_folder_is_swept_once_among_many() {
        let base = tempfile::tempdir().expect("tempdir");
        let dirs: Vec<PathBuf> = (0..2_000).map(|i| base.path().join(format!("d{i}"))).collect();
        assert!(dirs.iter().all(|d| first_sweep(d)), "every new folder is swept");
        assert!(dirs.iter().all(|d| !first_sweep(d)), "and only once");
        let stale = base.path().join(".recall-999999999-0.tmp");
        fs::write(&stale, "x").expect("write");
        let note = base.path().join("n.md");
        write_atomic(&note, b"a").expect("write");
        assert!(!stale.exists(), "a crashed recall's temp file is swept");
        fs::write(&stale, "x").expect("write");
        write_atomic(&note, b"b").expect("write");
        assert!(stale.exists(), "the second write to the folder lists it no more");
    }

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
        let stale_new = dir.path().join(".recall-999999998-3.tmp");
        fs::write(&stale_new, "half").expect("write");
        fs::write(&stale, "half").expect("write");
        apply_edits(&p, "a", &[edit(1..1, "b")], &|_| None).expect("apply");
        assert_eq!(fs::metadata(&p).expect("meta").permissions().mode() & 0o777, 0o640);
        assert!(!stale.exists());
        assert!(!stale_new.exists());
    }
}
