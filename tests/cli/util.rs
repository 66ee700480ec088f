//! A small fluent helper: build a temp vault, run the real binary, look at
//! the files on disk.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_recall");

/// A vault in a temp folder.
pub(crate) struct TestVault {
    pub dir: tempfile::TempDir,
}

impl TestVault {
    pub(crate) fn new() -> TestVault {
        TestVault { dir: tempfile::tempdir().expect("tempdir") }
    }

    pub(crate) fn root(&self) -> &Path {
        self.dir.path()
    }

    pub(crate) fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes a file (folders created).
    pub(crate) fn file(&self, rel: &str, contents: impl AsRef<[u8]>) -> &TestVault {
        let p = self.path(rel);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent).expect("mkdir");
        }
        fs::write(&p, contents).expect("write");
        self
    }

    /// Writes the plugin's data.json with these settings.
    pub(crate) fn settings(&self, json: &str) -> &TestVault {
        self.file(
            ".obsidian/plugins/obsidian-spaced-repetition/data.json",
            format!("{{\"settings\": {json}}}"),
        )
    }

    pub(crate) fn read(&self, rel: &str) -> Vec<u8> {
        fs::read(self.path(rel)).expect("read")
    }

    pub(crate) fn read_str(&self, rel: &str) -> String {
        String::from_utf8(self.read(rel)).expect("utf-8")
    }

    /// Runs recall with `--vault` and `--today` set.
    pub(crate) fn run(&self, today: &str, args: &[&str]) -> Run {
        self.recall().today(today).args(args).run()
    }

    /// Runs recall with `--vault` and `--today` set and `env` added.
    pub(crate) fn run_env(&self, today: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
        env.iter().fold(self.recall().today(today).args(args), |r, (k, v)| r.env(k, v)).run()
    }

    /// A run of recall on this vault (`--vault` set), to build on.
    pub(crate) fn recall(&self) -> Recall {
        Recall::new().vault(self.root())
    }

    /// Every file below the vault with its bytes (dot-folders included).
    pub(crate) fn snapshot(&self) -> Vec<(String, Vec<u8>)> {
        TestVault::snapshot_of(self.root())
    }

    /// Every file below `root` with its bytes (dot-folders included).
    pub(crate) fn snapshot_of(root: &Path) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        snap(root, root, &mut out);
        out.sort();
        out
    }
}

fn snap(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    for e in fs::read_dir(dir).expect("read_dir").flatten() {
        let p = e.path();
        let meta = fs::symlink_metadata(&p).expect("meta");
        if meta.is_dir() {
            snap(root, &p, out);
        } else if meta.is_file() {
            let rel = p.strip_prefix(root).expect("prefix").to_string_lossy().into_owned();
            out.push((rel, fs::read(&p).expect("read")));
        }
    }
}

/// The outcome of one run.
pub(crate) struct Run {
    pub output: Output,
}

impl Run {
    pub(crate) fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    pub(crate) fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    pub(crate) fn code(&self) -> Option<i32> {
        self.output.status.code()
    }

    /// Asserts success and returns stdout.
    pub(crate) fn ok(&self) -> String {
        assert!(
            self.output.status.success(),
            "recall failed ({:?})\nstdout:\n{}\nstderr:\n{}",
            self.output.status,
            self.stdout(),
            self.stderr()
        );
        self.stdout()
    }

    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.ok()).expect("JSON on stdout")
    }
}

/// A run of the real binary, built up step by step (just's `Test`):
/// `Recall::new().vault(root).today("2024-06-20").args(["cards"]).run()`.
/// TZ is UTC, colour off, and the variables that pin or break things are
/// removed unless the test sets them. Arguments go in the order given.
pub(crate) struct Recall {
    cmd: Command,
    stdin: Option<Vec<u8>>,
    /// Standard input left open for the test to write to ([`Recall::spawn`]).
    interactive: bool,
    stdout: Option<Stdio>,
    stderr: Option<Stdio>,
}

impl Recall {
    pub(crate) fn new() -> Recall {
        Recall::through(Command::new(BIN))
    }

    /// Runs recall through another program that ends by running [`BIN`]
    /// with the arguments added here (`sh -c 'ulimit -f 1; exec BIN "$@"' sh`).
    pub(crate) fn through(mut cmd: Command) -> Recall {
        cmd.env("TZ", "UTC")
            .env("NO_COLOR", "1")
            .env_remove("RECALL_TODAY")
            .env_remove("RECALL_NOW")
            .env_remove("RECALL_FAILPOINT");
        Recall { cmd, stdin: None, interactive: false, stdout: None, stderr: None }
    }

    /// `--vault DIR`.
    pub(crate) fn vault(mut self, dir: &Path) -> Recall {
        self.cmd.arg("--vault").arg(dir);
        self
    }

    /// `--today DAY`.
    pub(crate) fn today(mut self, day: &str) -> Recall {
        self.cmd.arg("--today").arg(day);
        self
    }

    /// `--now TIME`.
    pub(crate) fn now(mut self, time: &str) -> Recall {
        self.cmd.arg("--now").arg(time);
        self
    }

    pub(crate) fn args<I, S>(mut self, args: I) -> Recall
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        self.cmd.args(args);
        self
    }

    pub(crate) fn env(mut self, key: &str, value: &str) -> Recall {
        self.cmd.env(key, value);
        self
    }

    pub(crate) fn current_dir(mut self, dir: &Path) -> Recall {
        self.cmd.current_dir(dir);
        self
    }

    /// What standard input holds (default: nothing, `/dev/null`).
    pub(crate) fn stdin(mut self, input: impl Into<Vec<u8>>) -> Recall {
        self.stdin = Some(input.into());
        self
    }

    /// Standard input kept open: the test writes to the spawned child's.
    pub(crate) fn interactive(mut self) -> Recall {
        self.interactive = true;
        self
    }

    /// Where standard output goes (default: captured).
    pub(crate) fn stdout(mut self, to: impl Into<Stdio>) -> Recall {
        self.stdout = Some(to.into());
        self
    }

    /// Where standard error goes (default: captured).
    pub(crate) fn stderr(mut self, to: impl Into<Stdio>) -> Recall {
        self.stderr = Some(to.into());
        self
    }

    /// Starts recall and returns at once (for a test that talks to it or
    /// races two); what [`Recall::stdin`] holds is written first.
    pub(crate) fn spawn(mut self) -> Child {
        self.cmd
            .stdout(self.stdout.take().unwrap_or_else(Stdio::piped))
            .stderr(self.stderr.take().unwrap_or_else(Stdio::piped))
            .stdin(if self.stdin.is_some() || self.interactive { Stdio::piped() } else { Stdio::null() });
        let mut child = self.cmd.spawn().expect("spawn recall");
        if let Some(input) = &self.stdin {
            use std::io::Write;
            if let Some(mut s) = child.stdin.take() {
                // A command may stop reading early (a closed pipe on its side).
                let _ = s.write_all(input);
                if self.interactive {
                    child.stdin = Some(s);
                }
            }
        }
        child
    }

    /// Runs recall to the end.
    pub(crate) fn run(self) -> Run {
        Run { output: self.spawn().wait_with_output().expect("wait") }
    }
}

/// The five-argument form, for the test files not yet moved to [`Recall`]
/// (review, reschedule, stats): `args` first, then `--vault` and `--today`.
pub(crate) fn run_in(
    vault: &Path,
    today: &str,
    args: &[&str],
    stdin: Option<&[u8]>,
    env: &[(&str, &str)],
) -> Run {
    let mut r = Recall::new().args(args).vault(vault).today(today);
    if let Some(input) = stdin {
        r = r.stdin(input);
    }
    for (k, v) in env {
        r = r.env(k, v);
    }
    r.run()
}

/// The one rule for a test that needs something this machine may lack (a
/// tmpfs, the Anki venv, groff): without `CI=true` it says on stderr what
/// was skipped and why, and the caller returns; under `CI=true`, where
/// everything must be there, it fails, so no check is silently never run.
#[track_caller]
pub(crate) fn skip_without(needs: &str, why: &str) {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    assert!(!ci, "CI=true, and this test needs {needs}: {why}");
    eprintln!("skipped: this test needs {needs}: {why}");
}

/// Copies a folder recursively (symlinks copied as links).
pub(crate) fn copy_dir(src: &Path, dst: &Path) {
    fs::create_dir_all(dst).expect("mkdir");
    for e in fs::read_dir(src).expect("read_dir").flatten() {
        let p = e.path();
        let to = dst.join(e.file_name());
        if p.is_dir() {
            copy_dir(&p, &to);
        } else {
            fs::copy(&p, &to).expect("copy");
        }
    }
}

/// The repository's folder.
pub(crate) fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}
