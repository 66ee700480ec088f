//! Reading every note of a vault on all cores, handing the results on in
//! path order.
//!
//! One thread walks the vault and queues the paths it finds; workers claim
//! them in small runs, read and parse each note and map it through the
//! caller's function; the calling thread takes the results in walk order
//! (which is path-byte order, see [`super::walk`]) as soon as every note
//! before them is done, and hands them to the caller's sink. At most
//! [`WINDOW`] notes are read ahead of the sink, so a slow sink (a pipe, a
//! database) holds the workers back instead of letting results pile up.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

use super::walk::Walk;
use super::{IgnoreRules, LoadOptions, Vault, VaultNote, Warning, WarningKind, read_note};
use crate::clock::When;
use crate::error::Error;
use crate::note_path::NotePath;
use crate::parse::ParseOptions;
use crate::parse::cloze::Clozes;

/// Paths a worker claims at once.
const RUN: usize = 16;
/// Notes read ahead of the sink at most.
const WINDOW: usize = 512;

/// What became of one path: the mapped note (none when it cannot be read)
/// and its warnings.
type Done<T> = (Option<T>, Vec<Warning>);

/// The state the walker, the workers and the sink share.
struct State<T> {
    /// Paths found and not claimed yet; the front one has index `claimed`.
    paths: VecDeque<(String, PathBuf)>,
    claimed: usize,
    walked: bool,
    /// Results of the claimed paths from index `emitted` on, `None` while
    /// being read.
    slots: VecDeque<Option<Done<T>>>,
    emitted: usize,
    /// Set when the sink failed or a thread panicked: everyone stops.
    stop: bool,
    /// Workers waiting for paths or room, and whether the sink waits for a
    /// result: a condition variable is signalled only when someone waits
    /// (each signal is a system call).
    idle_workers: usize,
    sink_waits: bool,
}

struct Shared<T> {
    state: Mutex<State<T>>,
    /// Workers wait here for paths or for room in the window.
    work: Condvar,
    /// The sink waits here for the next result.
    ready: Condvar,
}

impl<T> Shared<T> {
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn stop(&self) {
        self.lock().stop = true;
        self.work.notify_all();
        self.ready.notify_all();
    }
}

/// Stops everyone when the thread holding it unwinds, so a panic ends the
/// scan (and is raised again when the threads are joined) instead of
/// leaving the others waiting.
struct StopOnPanic<'a, T>(&'a Shared<T>);

impl<T> Drop for StopOnPanic<'_, T> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.stop();
        }
    }
}

/// Reads every note of the vault at `root` and maps each through `f` on
/// all cores, without keeping the notes: read-only commands summarise each
/// note and let it go, so a large vault never sits in memory whole. The
/// results come in path order. The returned vault has settings, dates and
/// warnings, and no notes.
pub fn scan<T: Send>(
    root: &Path,
    load: &LoadOptions,
    f: impl Fn(VaultNote, &ParseOptions) -> T + Sync,
) -> Result<(Vault, Vec<T>), Error> {
    let mut out = Vec::new();
    let vault = scan_each(root, load, f, |t| {
        out.push(t);
        Ok(())
    })?;
    Ok((vault, out))
}

/// [`scan`], handing each result to `sink` on the calling thread, in path
/// order, as soon as the notes before it are done, instead of collecting
/// them. The first error of `sink` stops the scan and is returned.
pub fn scan_each<T: Send>(
    root: &Path,
    load: &LoadOptions,
    f: impl Fn(VaultNote, &ParseOptions) -> T + Sync,
    sink: impl FnMut(T) -> Result<(), Error>,
) -> Result<Vault, Error> {
    let config = crate::settings::load(root, &load.overrides)?;
    scan_each_with(root, config, load, f, sink)
}

/// [`scan_each`] with the vault's settings already read (`config`, from
/// [`crate::settings::load`] with `load`'s overrides), for a command that
/// needs them to choose what each note gives.
pub fn scan_each_with<T: Send>(
    root: &Path,
    mut config: crate::settings::Config,
    load: &LoadOptions,
    f: impl Fn(VaultNote, &ParseOptions) -> T + Sync,
    mut sink: impl FnMut(T) -> Result<(), Error>,
) -> Result<Vault, Error> {
    if load.check_state {
        let stamp = load.clock_now.format("%Y%m%dT%H%M%SZ").to_string();
        config.warnings.extend(crate::settings::state::check_buried(root, &stamp));
    }
    let When { today, now, zone } =
        load.pin.resolve(load.clock_now, load.zone, &config.settings.start_of_day).map_err(Error::Usage)?;
    let clozes = Clozes::new(&config.settings.cloze_patterns);
    let opts =
        ParseOptions { settings: &config.settings, clozes: &clozes, today, now, zone, detail: load.detail };
    let rules = IgnoreRules::new(&config.settings);
    let shared = Shared {
        state: Mutex::new(State {
            paths: VecDeque::new(),
            claimed: 0,
            walked: false,
            slots: VecDeque::new(),
            emitted: 0,
            stop: false,
            idle_workers: 0,
            sink_waits: false,
        }),
        work: Condvar::new(),
        ready: Condvar::new(),
    };
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get).min(16);
    let mut warnings = Vec::new();
    let (walk_warnings, mut ignored_notes, result) = std::thread::scope(|scope| {
        let walker = scope.spawn(|| walk_into(root, &rules, &shared));
        for _ in 0..threads {
            scope.spawn(|| work(&shared, &opts, &f));
        }
        let result = drain(&shared, &mut warnings, &mut sink);
        if result.is_err() {
            shared.stop();
        }
        let (w, ignored) = walker.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
        (w, ignored, result)
    });
    result?;
    warnings.extend(walk_warnings);
    warnings.sort_by(|a, b| a.path.cmp(&b.path).then(a.line.cmp(&b.line)));
    ignored_notes.sort_unstable_by(|a: &String, b: &String| a.as_bytes().cmp(b.as_bytes()));
    Ok(Vault {
        root: root.to_path_buf(),
        config,
        clozes,
        today,
        now,
        zone,
        notes: Vec::new(),
        ignored_notes,
        warnings,
    })
}

/// The walker: queues every note path, a run at a time; returns the walk's
/// warnings and the ignored notes.
fn walk_into<T>(root: &Path, rules: &IgnoreRules, shared: &Shared<T>) -> (Vec<Warning>, Vec<String>) {
    let _guard = StopOnPanic(shared);
    let (mut warnings, mut ignored) = (Vec::new(), Vec::new());
    let mut pending = Vec::with_capacity(RUN);
    let publish = |pending: &mut Vec<(String, PathBuf)>| {
        let mut s = shared.lock();
        if !s.stop {
            s.paths.extend(pending.drain(..));
        }
        let idle = s.idle_workers > 0;
        drop(s);
        if idle {
            shared.work.notify_all();
        }
    };
    Walk {
        rules: Some(rules),
        found: &mut |rel, abs| {
            pending.push((rel, abs));
            if pending.len() == RUN {
                publish(&mut pending);
            }
        },
        warnings: &mut warnings,
        ignored: &mut ignored,
    }
    .run(root);
    publish(&mut pending);
    shared.lock().walked = true;
    shared.work.notify_all();
    shared.ready.notify_all();
    (warnings, ignored)
}

/// A worker: claims runs of paths within the window, reads and maps them,
/// and puts the results in their slots.
fn work<T, F>(shared: &Shared<T>, opts: &ParseOptions, f: &F)
where
    F: Fn(VaultNote, &ParseOptions) -> T,
{
    let _guard = StopOnPanic(shared);
    let mut run = Vec::with_capacity(RUN);
    let mut done = Vec::with_capacity(RUN);
    loop {
        let start = {
            let mut s = shared.lock();
            loop {
                if s.stop || (s.walked && s.paths.is_empty()) {
                    return;
                }
                let room = (s.emitted + WINDOW).saturating_sub(s.claimed);
                let take = s.paths.len().min(room).min(RUN);
                if take > 0 {
                    let start = s.claimed;
                    run.extend(s.paths.drain(..take));
                    s.claimed += take;
                    s.slots.extend(std::iter::repeat_with(|| None).take(take));
                    break start;
                }
                s.idle_workers += 1;
                s = shared.work.wait(s).unwrap_or_else(PoisonError::into_inner);
                s.idle_workers -= 1;
            }
        };
        for (rel, abs) in run.drain(..) {
            done.push(match read_note(&rel, &abs, opts) {
                Ok(note) => {
                    let n = VaultNote { path: NotePath::new(rel), abs, note };
                    let w = note_warnings(&n);
                    (Some(f(n, opts)), w)
                }
                Err(w) => (None, vec![w]),
            });
        }
        let mut s = shared.lock();
        let at = start - s.emitted;
        for (i, d) in done.drain(..).enumerate() {
            s.slots[at + i] = Some(d);
        }
        let wake = at == 0 && s.sink_waits;
        drop(s);
        if wake {
            shared.ready.notify_one();
        }
    }
}

/// The sink's side: takes every finished result at the front, in order,
/// and hands it on; returns when every path is done or on the sink's first
/// error.
fn drain<T>(
    shared: &Shared<T>,
    warnings: &mut Vec<Warning>,
    sink: &mut impl FnMut(T) -> Result<(), Error>,
) -> Result<(), Error> {
    let _guard = StopOnPanic(shared);
    let mut ready = Vec::new();
    loop {
        {
            let mut s = shared.lock();
            loop {
                while let Some(Some(_)) = s.slots.front() {
                    if let Some(Some(d)) = s.slots.pop_front() {
                        ready.push(d);
                    }
                }
                if !ready.is_empty() {
                    let was_full = s.claimed >= s.emitted + WINDOW;
                    s.emitted += ready.len();
                    if was_full && s.idle_workers > 0 {
                        shared.work.notify_all();
                    }
                    break;
                }
                if s.stop || (s.walked && s.paths.is_empty() && s.slots.is_empty()) {
                    return Ok(());
                }
                s.sink_waits = true;
                s = shared.ready.wait(s).unwrap_or_else(PoisonError::into_inner);
                s.sink_waits = false;
            }
        }
        for (t, w) in ready.drain(..) {
            warnings.extend(w);
            if let Some(t) = t {
                sink(t)?;
            }
        }
    }
}

fn note_warnings(n: &VaultNote) -> Vec<Warning> {
    let mut out = Vec::new();
    // Front matter that cannot be read costs something only when the note
    // has tags, cards or schedules it may affect (a reference manager's
    // export full of odd YAML costs nothing); `check` lists them all.
    let harmless = || {
        let t = &n.note.text;
        !(t.contains("tags") || t.contains("sr-") || t.contains("<!--SR:") || !n.note.tags.is_empty())
            && n.note.questions.is_empty()
    };
    if n.note.frontmatter_unclosed {
        let mut w = Warning::new(
            n.path.clone(),
            Some(1),
            WarningKind::FrontMatterUnclosed,
            "front matter is never closed (no second `---` line); read as text",
        );
        w.harmless = harmless();
        out.push(w);
    }
    if let Some(err) = n.note.frontmatter.as_ref().and_then(|f| f.error.as_ref()) {
        let mut w = Warning::new(
            n.path.clone(),
            Some(2),
            WarningKind::FrontMatterInvalid,
            format!("front matter is not valid YAML ({err}); its tags are ignored"),
        );
        w.harmless = harmless();
        out.push(w);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn vault(n: usize) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tempdir");
        for i in 0..n {
            let p = dir.path().join(format!("f{}/n {i:04}.md", i % 7));
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(&p, format!("#flashcards\nq{i}::a\n")).expect("write");
        }
        dir
    }

    fn opts() -> LoadOptions {
        LoadOptions::at_day(NaiveDate::from_ymd_opt(2026, 1, 15).expect("date"))
    }

    #[test]
    fn results_come_in_path_order_through_a_slow_sink() {
        let dir = vault(1500);
        let mut seen = Vec::new();
        let v = scan_each(
            dir.path(),
            &opts(),
            |n, _| n.path,
            |p| {
                if seen.len() % 200 == 0 {
                    std::thread::sleep(std::time::Duration::from_millis(2));
                }
                seen.push(p);
                Ok(())
            },
        )
        .expect("scan");
        assert!(v.notes.is_empty());
        assert_eq!(seen.len(), 1500);
        let mut sorted = seen.clone();
        sorted.sort_unstable_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
        assert_eq!(seen, sorted);
        let (_, all) = scan(dir.path(), &opts(), |n, _| n.path).expect("scan");
        assert_eq!(all, sorted);
    }

    #[test]
    fn the_sinks_error_stops_the_scan() {
        let dir = vault(2000);
        let mut count = 0;
        let r = scan_each(
            dir.path(),
            &opts(),
            |n, _| n.path,
            |_| {
                count += 1;
                if count == 10 { Err(Error::Usage("stop".into())) } else { Ok(()) }
            },
        );
        assert!(matches!(r, Err(Error::Usage(m)) if m == "stop"));
        assert_eq!(count, 10);
    }

    #[test]
    fn a_panicking_worker_ends_the_scan_with_its_panic() {
        let dir = vault(300);
        let r = std::panic::catch_unwind(|| {
            let _ = scan_each(
                dir.path(),
                &opts(),
                |n, _| {
                    assert!(!n.path.ends_with("0100.md"), "boom");
                    n.path
                },
                |_| Ok(()),
            );
        });
        assert!(r.is_err());
    }
}
