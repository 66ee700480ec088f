//! Faults around the write-back, with the real binary: a read-only vault, a
//! note deleted, replaced or edited by another program during a review, a
//! disk that fills up, and two recall processes grading one note at once.
//! (write_back.rs covers a read-only note, EFBIG, a crash between temp write
//! and rename, and interference planned through the library.)
//!
//! The read-only and full-disk tests need a file system that refuses
//! writes. As root (CI here) permissions do not stop writes, so they mount
//! a small tmpfs; where mounting is not allowed they print why and skip,
//! and under `CI=true` they fail instead (`util::skip_without`).

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::util::{BIN, Recall, TestVault, copy_dir, skip_without};

const TODAY: &str = "2024-06-20";

/// Two notes with due cards (none scheduled past 7 days, so answers are not
/// load-balanced and do not depend on each other).
const A: &str = "#flashcards\n\nA1::first card\n<!--SR:!2024-06-18,3,250-->\n\nA2::second card\n<!--SR:!2024-06-19,3,250-->\n";
const B: &str = "#flashcards\n\nB1::other note\n<!--SR:!2024-06-19,3,250-->\n";

fn vault() -> TestVault {
    let v = TestVault::new();
    v.file("a.md", A).file("b.md", B);
    v
}

fn temp_files(root: &Path) -> Vec<String> {
    TestVault::snapshot_of(root).into_iter().map(|(p, _)| p).filter(|p| p.contains(".recall-")).collect()
}

/// `recall review --plain` driven line by line while the test changes files.
struct Plain {
    child: Child,
    stdin: Option<ChildStdin>,
    out: Arc<Mutex<String>>,
    /// How much of the output earlier waits consumed.
    seen: usize,
}

impl Plain {
    fn start(root: &Path) -> Plain {
        Plain::start_with(Recall::new(), root)
    }

    fn start_with(recall: Recall, root: &Path) -> Plain {
        let mut child = recall
            .args(["review", "--plain", "--order", "due-first"])
            .today(TODAY)
            .vault(root)
            .interactive()
            .stderr(Stdio::inherit())
            .spawn();
        let stdin = child.stdin.take();
        let mut stdout = child.stdout.take().expect("stdout");
        let out = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&out);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 {
                    break;
                }
                if let Ok(mut s) = sink.lock() {
                    s.push_str(&String::from_utf8_lossy(&buf[..n]));
                }
            }
        });
        Plain { child, stdin, out, seen: 0 }
    }

    fn output(&self) -> String {
        self.out.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Waits for `text` after what earlier waits consumed; returns the
    /// output from there to the end of the match.
    fn wait_for(&mut self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let out = self.output();
            if let Some(i) = out[self.seen..].find(text) {
                let end = self.seen + i + text.len();
                let chunk = out[self.seen..end].to_owned();
                self.seen = end;
                return chunk;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "timed out waiting for {text:?}; output:\n{out}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn send(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(format!("{line}\n").as_bytes()).expect("write to recall");
        stdin.flush().expect("flush");
    }

    /// Shows the answer of the card on screen and answers it.
    fn answer(&mut self, response: &str) {
        self.send("");
        self.wait_for("A: ");
        self.wait_for("> ");
        self.send(response);
    }

    /// Quits and returns the whole output (the session must exit 0).
    fn quit(mut self) -> String {
        self.send("quit");
        drop(self.stdin.take());
        let status = self.child.wait().expect("wait");
        let start = Instant::now();
        while !self.output().contains("Reviewed ") && start.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(20));
        }
        let out = self.output();
        assert!(status.success(), "review exited with {status:?}; output:\n{out}");
        out
    }
}

/// A tmpfs mounted for one test, unmounted when dropped.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    /// Mounts a tmpfs of `size` bytes (root only); `Err` says why not.
    fn mount(size: &str) -> Result<Tmpfs, String> {
        if !cfg!(target_os = "linux") {
            return Err("tmpfs mounts are Linux only".into());
        }
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size},mode=0755"), "tmpfs"])
            .arg(dir.path())
            .output()
            .map_err(|e| format!("cannot run mount: {e}"))?;
        if !out.status.success() {
            return Err(format!("mount -t tmpfs failed: {}", String::from_utf8_lossy(&out.stderr).trim()));
        }
        Ok(Tmpfs { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn remount_read_only(&self) -> Result<(), String> {
        let out = Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(self.path())
            .output()
            .map_err(|e| format!("cannot run mount: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!("mount -o remount,ro failed: {}", String::from_utf8_lossy(&out.stderr).trim()))
        }
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let ok = Command::new("umount").arg(self.path()).status().is_ok_and(|s| s.success());
        if !ok {
            let _ = Command::new("umount").arg("-l").arg(self.path()).status();
        }
    }
}

// ---------------------------------------------------------------------------
// Two recall processes grading one note

fn grade(root: &Path, target: &str, response: &str, failpoint: Option<&str>) -> Child {
    let recall = Recall::new().args(["grade", target, response]).today(TODAY).vault(root);
    match failpoint {
        Some(f) => recall.env("RECALL_FAILPOINT", f),
        None => recall,
    }
    .spawn()
}

#[test]
fn two_recall_processes_grading_one_note_lose_no_answer() {
    // Different questions, and the two siblings of one reversed question
    // (with and without a comment yet): each pair's answers commute, so the
    // note must end as if they had run one after the other.
    const NOTE: &str = "#flashcards\n\nQ1::A1\n<!--SR:!2024-06-18,3,250-->\n\nR1:::S1\n\nR2:::S2\n<!--SR:!2024-06-19,3,250!2024-06-20,2,230-->\n\nQ2::A2\n";
    let pairs = [
        (("n.md:3", "hard"), ("n.md:11", "good")),
        (("n.md:6#0", "good"), ("n.md:6#1", "easy")),
        (("n.md:8#0", "hard"), ("n.md:8#1", "again")),
        (("n.md:3", "hard"), ("n.md:8#1", "easy")),
    ];
    for (a, b) in pairs {
        let expected = {
            let v = TestVault::new();
            v.file("n.md", NOTE);
            v.run(TODAY, &["grade", a.0, a.1]).ok();
            v.run(TODAY, &["grade", b.0, b.1]).ok();
            v.read_str("n.md")
        };
        assert_ne!(expected, NOTE);
        // `slow-write` holds the lock 300 ms after re-reading the note, so
        // the second process has read and planned on the old note by the
        // time it gets the lock; without it the two simply race.
        for round in 0..6 {
            let failpoint = (round % 2 == 0).then_some("slow-write");
            let v = TestVault::new();
            v.file("n.md", NOTE);
            let first = grade(v.root(), a.0, a.1, failpoint);
            let second = grade(v.root(), b.0, b.1, failpoint);
            for (who, child) in [(a, first), (b, second)] {
                let out = child.wait_with_output().expect("wait");
                assert!(
                    out.status.success(),
                    "{who:?} failed in round {round}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            assert_eq!(v.read_str("n.md"), expected, "{a:?} and {b:?}, round {round}");
            let log = v.read_str(".recall/reviews.jsonl");
            assert_eq!(log.lines().count(), 2, "both answers logged: {log}");
            assert_eq!(temp_files(v.root()), Vec::<String>::new());
        }
    }
}

#[test]
fn a_second_grade_of_the_same_card_is_refused_not_lost() {
    // Both answers computed from the same old schedule: the second cannot
    // be applied on top of the first and must not overwrite it. (Should the
    // second process only read the note after the first wrote it, it
    // answers the new schedule: both land, one after the other.)
    const NOTE: &str = "#flashcards\n\nQ::A\n<!--SR:!2024-06-18,3,250-->\n";
    let after = |responses: &[&str]| {
        let v = TestVault::new();
        v.file("n.md", NOTE);
        for r in responses {
            v.run(TODAY, &["grade", "n.md:3", r]).ok();
        }
        v.read_str("n.md")
    };
    let v = TestVault::new();
    v.file("n.md", NOTE);
    let first = grade(v.root(), "n.md:3", "hard", Some("slow-write"));
    std::thread::sleep(Duration::from_millis(100));
    let second = grade(v.root(), "n.md:3", "again", Some("slow-write"));
    let outs = [first.wait_with_output().expect("wait"), second.wait_with_output().expect("wait")];
    let text = v.read_str("n.md");
    match (outs[0].status.success(), outs[1].status.success()) {
        (true, true) => assert!(
            text == after(&["hard", "again"]) || text == after(&["again", "hard"]),
            "both landed, so one after the other: {text}"
        ),
        (true, false) | (false, true) => {
            let (landed, refused) = if outs[0].status.success() { ("hard", 1) } else { ("again", 0) };
            let err = String::from_utf8_lossy(&outs[refused].stderr);
            assert!(err.contains("n.md") && err.contains("changed on disk"), "{err}");
            assert_eq!(text, after(&[landed]));
        }
        (false, false) => {
            panic!("both refused: {:?}", outs.iter().map(|o| o.stderr.clone()).collect::<Vec<_>>())
        }
    }
}

// ---------------------------------------------------------------------------
// A review session while the notes change underneath

#[test]
fn a_note_edited_by_another_program_between_answers_keeps_the_edit() {
    let v = vault();
    let mut s = Plain::start(v.root());
    s.wait_for("[1/3] a.md:3");
    s.wait_for("> ");
    s.answer("hard");
    s.wait_for("[2/3] a.md:6");
    s.wait_for("> ");
    // Another program (an editor, a sync client) adds a card at the top and
    // one at the end, replacing the file.
    let edited =
        v.read_str("a.md").replace("#flashcards\n\n", "#flashcards\n\nPhone::added on the phone\n\n");
    let edited = format!("{edited}\nA3::added at the end\n");
    let tmp = v.path("a.md.sync-tmp");
    fs::write(&tmp, &edited).expect("write");
    fs::rename(&tmp, v.path("a.md")).expect("rename");
    s.answer("hard");
    s.wait_for("[3/3] b.md:3");
    let out = s.quit();
    assert!(!out.contains("error:"), "{out}");
    assert!(out.contains("Reviewed 2 cards"), "{out}");
    assert_eq!(
        v.read_str("a.md"),
        "#flashcards\n\nPhone::added on the phone\n\nA1::first card\n<!--SR:!2024-06-22,2,230-->\n\nA2::second card\n<!--SR:!2024-06-22,2,230-->\n\nA3::added at the end\n"
    );
}

#[test]
fn a_note_deleted_mid_session_is_reported_and_the_session_goes_on() {
    let v = vault();
    let mut s = Plain::start(v.root());
    s.wait_for("[1/3] a.md:3");
    s.wait_for("> ");
    fs::remove_file(v.path("a.md")).expect("rm");
    s.answer("good");
    let chunk = s.wait_for("b.md:3");
    assert!(chunk.contains("a.md: the note was deleted or moved"), "{chunk}");
    assert!(chunk.contains("note: a.md:") && chunk.contains("its cards left the session"), "{chunk}");
    s.wait_for("> ");
    s.answer("hard");
    let out = s.quit();
    assert!(out.contains("Reviewed 1 card"), "{out}");
    assert!(!v.path("a.md").exists(), "nothing recreated the deleted note");
    assert_eq!(v.read_str("b.md"), B.replace("2024-06-19,3,250", "2024-06-22,2,230"));
}

#[test]
fn a_note_replaced_mid_session_is_written_only_where_its_card_still_is() {
    let v = vault();
    let mut s = Plain::start(v.root());
    s.wait_for("[1/3] a.md:3");
    s.wait_for("> ");
    // The note is replaced by a version where the card on screen was
    // rewritten and the other card moved down.
    let replaced = "#flashcards\n\nA1::first card, rewritten\n\nNew::card\n\nA2::second card\n<!--SR:!2024-06-19,3,250-->\n";
    fs::write(v.path("a.md.new"), replaced).expect("write");
    fs::rename(v.path("a.md.new"), v.path("a.md")).expect("rename");
    s.answer("good");
    // The rewritten card leaves the session; the moved one is next.
    let chunk = s.wait_for("a.md:7");
    assert!(chunk.contains("a.md: the note changed on disk"), "{chunk}");
    assert!(chunk.contains("note: a.md:3: the card changed or was removed"), "{chunk}");
    s.wait_for("> ");
    s.answer("hard");
    s.wait_for("b.md:3");
    let out = s.quit();
    assert!(out.contains("Reviewed 1 card"), "{out}");
    assert_eq!(v.read_str("a.md"), replaced.replace("2024-06-19,3,250", "2024-06-22,2,230"));
}

// ---------------------------------------------------------------------------
// Disks that fill up

/// Writes zeros to `path` until the file system is full.
fn fill(path: &Path) {
    let mut f = fs::File::create(path).expect("create filler");
    let chunk = vec![0u8; 4096];
    loop {
        match f.write(&chunk) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                assert_eq!(e.raw_os_error(), Some(28), "expected ENOSPC, got {e}");
                break;
            }
        }
    }
}

#[test]
fn a_full_disk_fails_the_write_and_keeps_the_note() {
    let disk = match Tmpfs::mount("256k") {
        Ok(d) => d,
        Err(why) => return skip_without("a tmpfs for a real full disk", &why),
    };
    let root = disk.path().join("vault");
    copy_dir(vault().root(), &root);
    let filler = disk.path().join("filler");
    fill(&filler);

    let run = Recall::new().vault(&root).today(TODAY).args(["grade", "a.md:3", "good"]).run();
    assert_eq!(run.code(), Some(1), "{}", run.stderr());
    assert!(run.stderr().contains("a.md") && run.stderr().contains("No space left"), "{}", run.stderr());
    assert_eq!(fs::read_to_string(root.join("a.md")).expect("read"), A);
    assert_eq!(temp_files(&root), Vec::<String>::new());

    // A session on the full disk reports each failed answer and goes on.
    let mut s = Plain::start(&root);
    s.wait_for("[1/3] a.md:3");
    s.wait_for("> ");
    s.answer("good");
    let chunk = s.wait_for("> ");
    assert!(chunk.contains("error: ") && chunk.contains("No space left"), "{chunk}");
    s.send("skip");
    s.wait_for("a.md:6");
    let out = s.quit();
    assert!(out.contains("Reviewed 0 cards"), "{out}");
    assert_eq!(fs::read_to_string(root.join("a.md")).expect("read"), A);
    assert_eq!(fs::read_to_string(root.join("b.md")).expect("read"), B);
    assert_eq!(temp_files(&root), Vec::<String>::new());

    // Space again: the same grade goes through.
    fs::remove_file(&filler).expect("rm filler");
    Recall::new().vault(&root).today(TODAY).args(["grade", "a.md:3", "good"]).run().ok();
    assert_ne!(fs::read_to_string(root.join("a.md")).expect("read"), A);
}

#[cfg(unix)]
#[test]
fn a_file_size_limit_during_a_session_is_reported_and_the_session_goes_on() {
    // The always-on variant of the full disk: `ulimit -f` makes writes past
    // 512 bytes fail (EFBIG), as a full disk would.
    let v = vault();
    let big = format!("{A}\n{}", "Padding prose to make the note larger than the limit.\n".repeat(20));
    v.file("a.md", &big);
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg(format!("trap '' XFSZ; ulimit -f 1; exec '{BIN}' \"$@\"")).arg("sh");
    let mut s = Plain::start_with(Recall::through(cmd), v.root());
    s.wait_for("[1/3] a.md:3");
    s.wait_for("> ");
    s.answer("good");
    // The card stays (the note is as it was): skip it and its neighbour.
    let chunk = s.wait_for("[1/3] a.md:3");
    assert!(chunk.contains("error: ") && chunk.contains("a.md") && chunk.contains("too large"), "{chunk}");
    s.wait_for("> ");
    s.send("skip");
    s.wait_for("a.md:6");
    s.wait_for("> ");
    s.send("skip");
    s.wait_for("b.md:3");
    s.wait_for("> ");
    s.answer("hard");
    let out = s.quit();
    assert!(out.contains("Reviewed 1 card"), "{out}");
    assert_eq!(v.read_str("a.md"), big);
    assert_eq!(v.read_str("b.md"), B.replace("2024-06-19,3,250", "2024-06-22,2,230"));
    assert_eq!(temp_files(v.root()), Vec::<String>::new());
}

// ---------------------------------------------------------------------------
// A read-only vault

/// Keeps a vault read-only for a test: by permissions where they bind, else
/// (as root) on a read-only tmpfs.
enum ReadOnly {
    Chmod(PathBuf),
    Mount(Tmpfs),
}

impl ReadOnly {
    fn root(&self) -> PathBuf {
        match self {
            ReadOnly::Chmod(p) => p.clone(),
            ReadOnly::Mount(t) => t.path().join("vault"),
        }
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        if let ReadOnly::Chmod(p) = self {
            set_mode(p, 0o755);
        }
    }
}

#[cfg(unix)]
fn set_mode(dir: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    for e in fs::read_dir(dir).expect("read_dir").flatten() {
        if e.path().is_dir() {
            set_mode(&e.path(), mode);
        }
    }
    fs::set_permissions(dir, fs::Permissions::from_mode(mode)).expect("chmod");
}

#[cfg(not(unix))]
fn set_mode(_: &Path, _: u32) {}

fn read_only_vault(v: &TestVault) -> Result<ReadOnly, String> {
    set_mode(v.root(), 0o555);
    let probe = v.path("probe");
    if fs::write(&probe, "x").is_err() {
        return Ok(ReadOnly::Chmod(v.root().to_path_buf()));
    }
    // Root writes through permissions: a read-only mount instead.
    let _ = fs::remove_file(&probe);
    set_mode(v.root(), 0o755);
    let t = Tmpfs::mount("1m").map_err(|e| format!("permissions do not bind (root) and {e}"))?;
    copy_dir(v.root(), &t.path().join("vault"));
    t.remount_read_only()?;
    Ok(ReadOnly::Mount(t))
}

#[test]
fn a_read_only_vault_is_read_but_never_written() {
    let v = vault();
    let ro = match read_only_vault(&v) {
        Ok(ro) => ro,
        Err(why) => return skip_without("a way to make a read-only vault", &why),
    };
    let root = ro.root();
    let before = TestVault::snapshot_of(&root);

    let cards = Recall::new().vault(&root).today(TODAY).args(["cards"]).run().ok();
    assert_eq!(cards.lines().count(), 3, "{cards}");
    let run = Recall::new().vault(&root).today(TODAY).args(["grade", "a.md:3", "good"]).run();
    assert_eq!(run.code(), Some(1), "{}", run.stderr());
    let err = run.stderr();
    assert!(
        err.contains("a.md")
            && (err.contains("the note is read-only")
                || err.contains("Read-only file system")
                || err.contains("Permission denied")),
        "{err}"
    );

    let mut s = Plain::start(&root);
    s.wait_for("[1/3] a.md:3");
    s.wait_for("> ");
    s.answer("good");
    let chunk = s.wait_for("> ");
    assert!(chunk.contains("error: ") && chunk.contains("a.md"), "{chunk}");
    s.send("skip");
    s.wait_for("a.md:6");
    let out = s.quit();
    assert!(out.contains("Reviewed 0 cards"), "{out}");
    assert_eq!(TestVault::snapshot_of(&root), before, "nothing in the vault changed");
}
