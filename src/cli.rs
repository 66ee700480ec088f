//! Command-line interface types (clap derive only; no logic).

use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Utc};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::schedule::Response;

const AFTER_HELP: &str = "\
Exit status: 0 success; 1 an error (a message names the file and line, or a
settings file and key) or, for `check`, problems found; 2 a usage error.
Warnings about single files (unreadable, not UTF-8, binary, unclosed front
matter) and unknown keys of .recall/config.yaml go to stderr and do not change
the exit status: those files are skipped and never written.

The vault is --vault DIR, else the nearest folder above PATH (or the current
folder) that holds `.obsidian/`, else that folder. Settings come from the
plugin's .obsidian/plugins/obsidian-spaced-repetition/data.json, then
.recall/config.yaml (keys: new-per-day, reviews-per-day, order, reading-width,
fsrs-weights (see `recall optimize --help`), and `plugin:` with overrides of
data.json settings), then --tag / --folders-as-decks.";

/// Spaced repetition over Obsidian notes, compatible with the Obsidian
/// Spaced Repetition plugin.
#[derive(Debug, Parser)]
#[command(name = "recall", version, about, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args, Clone)]
pub struct Global {
    /// The vault folder (default: found from PATH or the current folder).
    #[arg(long, global = true, value_name = "DIR")]
    pub vault: Option<PathBuf>,
    /// Pretend today is this local date (12:00 of it is "now").
    #[arg(long, global = true, env = "RECALL_TODAY", value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub today: Option<NaiveDate>,
    /// Pretend it is this moment (RFC 3339, e.g. 2026-12-01T09:30:00Z); FSRS
    /// schedules by the minute, SM-2 uses only its local date.
    #[arg(long, global = true, env = "RECALL_NOW", value_name = "TIME", value_parser = parse_instant)]
    pub now: Option<DateTime<Utc>>,
    /// A flashcard tag, replacing the plugin's `flashcardTags` (repeatable).
    #[arg(long = "tag", global = true, value_name = "TAG")]
    pub tags: Vec<String>,
    /// Use folders as decks (the plugin's `convertFoldersToDecks`).
    #[arg(long, global = true)]
    pub folders_as_decks: bool,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List cards: path:line, deck, state, due, front.
    Cards(CardsArgs),
    /// Show the deck tree with new / due / total counts.
    Decks(DecksArgs),
    /// Print how many cards a review would show now (for prompts and status bars).
    #[command(after_long_help = DUE_HELP)]
    Due(DueArgs),
    /// Review due and new cards: full-screen, or line by line with --plain.
    Review(ReviewArgs),
    /// Grade one card (PATH:LINE[#SIBLING]) or review one note (PATH) without a session.
    Grade(GradeArgs),
    /// The note review queue: notes tagged for review (#review), due, new and scheduled.
    Notes(NotesArgs),
    /// Re-schedule many cards at once: shift, spread, set due, reset, rebalance, cap, exam.
    Reschedule(RescheduleArgs),
    /// Export cards: Anki package, Anki text, CSV or JSON.
    Export(ExportArgs),
    /// Bring back reviews done in Anki or AnkiDroid: schedules and review log.
    Import(ImportArgs),
    /// Find what the plugin would silently miss or mangle: `path:line: severity: message`.
    #[command(after_long_help = crate::check::help())]
    Check(CheckArgs),
    /// Statistics: card states per deck, due forecast, intervals, eases and review history.
    #[command(after_long_help = crate::stats::HELP)]
    Stats(StatsArgs),
    /// Fit FSRS weights to your own review log (and with --apply, schedule with them).
    #[command(after_long_help = OPTIMIZE_HELP)]
    Optimize(OptimizeArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish or powershell).
    #[command(after_long_help = COMPLETIONS_HELP)]
    Completions(CompletionsArgs),
    /// Print the manual page (roff, every command on one page).
    #[command(after_long_help = MAN_HELP)]
    Man,
    /// Scheduler as a JSON-lines filter (stdin → stdout), for conformance vectors.
    #[command(hide = true)]
    Schedule(ScheduleArgs),
}

const COMPLETIONS_HELP: &str = "\
Install (one line per shell; open a new shell afterwards):
  bash        recall completions bash > ~/.local/share/bash-completion/completions/recall
  zsh         recall completions zsh > ~/.zfunc/_recall   (with fpath+=~/.zfunc before compinit)
  fish        recall completions fish > ~/.config/fish/completions/recall.fish
  elvish      recall completions elvish > ~/.config/elvish/lib/recall.elv   (then `use recall`)
  powershell  recall completions powershell >> $PROFILE";

const MAN_HELP: &str = "\
Install: recall man > ~/.local/share/man/man1/recall.1 (then `man recall`);
read it once: recall man | man -l -";

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Card states for filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StateFilter {
    New,
    Due,
    Scheduled,
}

#[derive(Debug, Args)]
pub struct CardsArgs {
    /// Notes or folders inside the vault (default: all).
    pub paths: Vec<PathBuf>,
    /// Print JSON (the schema in the README).
    #[arg(long)]
    pub json: bool,
    /// Only cards in this deck or its subdecks (`flashcards/kafka`; repeatable).
    #[arg(long, value_name = "DECK")]
    pub deck: Vec<String>,
    /// Only cards in this state.
    #[arg(long, value_enum)]
    pub state: Option<StateFilter>,
}

#[derive(Debug, Args)]
pub struct DueArgs {
    /// Notes or folders inside the vault (default: all).
    pub paths: Vec<PathBuf>,
    /// Only cards in this deck or its subdecks (repeatable).
    #[arg(long)]
    pub deck: Vec<String>,
    /// Print `{"due", "new", "learning", "review"}` as JSON.
    #[arg(long)]
    pub json: bool,
}

const DUE_HELP: &str = "\
The number is what `recall review` would show now: due and new cards after the daily
limits (new-per-day, reviews-per-day in .recall/config.yaml, less what was answered
today), FSRS cards in their learning steps included, buried questions left out.
--json gives {\"due\": N, \"new\": N, \"learning\": N, \"review\": N}.

Example, a shell prompt: PS1='$(recall due --vault ~/notes) '$PS1";

#[derive(Debug, Args)]
pub struct DecksArgs {
    /// Notes or folders inside the vault (default: all).
    pub paths: Vec<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

const REVIEW_HELP: &str = "\
Keys (full screen): space/enter show the answer (then Good), 1-4 Again/Hard/Good/Easy,
s skip, u undo (repeatable), b bury until tomorrow, e edit in $EDITOR, o open in
Obsidian, i open the card's image, ↓/↑ j/k scroll a line (the mouse wheel too),
PgDn/PgUp ctrl-d/ctrl-u a page, Home/End the top or end, ctrl-z suspend, ctrl-l redraw,
? help, q quit. Every answer is written to its note at once and logged in
.recall/reviews.jsonl. The card sits in a column at most reading-width columns wide
(.recall/config.yaml, default 100).

Plain mode (--plain, or automatically when stdin or stdout is not a terminal) prints one
card at a time and reads one line per step: an empty line shows the answer; then 1-4 or
again|hard|good|easy (reset too), or skip, undo, bury, quit. End of input quits; the
summary is printed either way.

Order: new-first, new-first-random, due-first, due-first-random, random (default: the
plugin's flashcardCardOrder). Limits default to new-per-day / reviews-per-day from
.recall/config.yaml and count what was already reviewed today.";

#[derive(Debug, Args)]
#[command(after_long_help = REVIEW_HELP)]
pub struct ReviewArgs {
    /// Notes or folders inside the vault (default: all).
    pub paths: Vec<PathBuf>,
    /// Only cards in this deck or its subdecks (repeatable).
    #[arg(long, value_name = "DECK")]
    pub deck: Vec<String>,
    /// At most N new cards today (default: new-per-day from .recall/config.yaml).
    #[arg(long, value_name = "N")]
    pub new: Option<usize>,
    /// At most N reviews today (default: reviews-per-day from .recall/config.yaml).
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Card order (see below).
    #[arg(long, value_name = "ORDER")]
    pub order: Option<crate::session::Order>,
    /// Seed for the random orders, to reproduce a session.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Line mode instead of the full-screen view.
    #[arg(long)]
    pub plain: bool,
    /// Cram: every card whatever its due date; nothing is written to the
    /// notes (answers are logged as cram).
    #[arg(long, conflicts_with = "ahead")]
    pub cram: bool,
    /// Also the cards due in the next DAYS days, scheduled as early reviews.
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub ahead: Option<u32>,
    /// Review whole notes tagged for review (#review) instead of cards:
    /// Easy / Good / Hard, written into the front matter (--deck names a
    /// review tag).
    #[arg(long, conflicts_with_all = ["cram", "ahead", "order", "new", "limit"])]
    pub notes: bool,
}

const RESCHEDULE_HELP: &str = "\
A dry run by default: prints how many cards in how many notes change and the cards due per
day for the next 30 days, before and after. --diff prints the unified diff; --apply writes.

Operations (one per run):
  --shift DAYS     move due dates by DAYS (negative: earlier); interval and ease stay
  --spread DAYS    spread the due and overdue cards over the next DAYS days (today first),
                   filling each day up to the same level on top of what is already due,
                   oldest cards first; interval and ease stay
  --set-due RANGE  due today (0), in N days (N), or a random day in A-B (--seed to repeat);
                   a trailing ! also sets the interval to the number of days
  --reset          make the cards new again (the comment goes when no sibling stays scheduled)
  --rebalance      the plugin's load balancing again: each card with an interval over 7 days
                   may move to a lighter day within its fuzz range, never beyond it
  --cap            apply maximumInterval and the ease floor of 130
  --exam DATE      bring every card due on or after DATE into the days before it (today
                   first), levelled like --spread; SM-2 cards keep interval and ease, FSRS
                   cards keep their memory state and only their due moves; also says how
                   many new cards a day to learn to see every card before DATE

Every note is written atomically and only changed notes are written. Ctrl-C stops between
notes: each note is either old or new, and the summary says how many were written. Running
the same command again finishes the rest and applies nothing twice: the review log records
every changed card with the run's operation, and a re-run skips the cards an unfinished run
of the same operation already changed. --spread, --exam, --set-due 0, --reset and --cap would also
do nothing more on a second complete run; --shift would shift again, so a completed shift is
final (the log says when it completed).";

#[derive(Debug, Args)]
#[command(after_long_help = RESCHEDULE_HELP)]
#[command(group(clap::ArgGroup::new("operation").required(true).args(["shift", "spread", "set_due", "reset", "rebalance", "cap", "exam"])))]
pub struct RescheduleArgs {
    /// Notes or folders inside the vault (default: all).
    pub paths: Vec<PathBuf>,
    /// Only cards in this deck or its subdecks (repeatable).
    #[arg(long, value_name = "DECK")]
    pub deck: Vec<String>,
    /// Only cards in this state.
    #[arg(long, value_enum)]
    pub state: Option<StateFilter>,
    /// Only cards due before this day.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub due_before: Option<NaiveDate>,
    /// Only cards due after this day.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub due_after: Option<NaiveDate>,
    /// Move due dates by DAYS.
    #[arg(long, value_name = "DAYS", allow_hyphen_values = true)]
    pub shift: Option<i64>,
    /// Spread due and overdue cards over DAYS days.
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub spread: Option<u32>,
    /// Due in RANGE days: 0, N, A-B, with ! to set the interval.
    #[arg(long, value_name = "RANGE")]
    pub set_due: Option<crate::reschedule::DueRange>,
    /// Make the cards new again.
    #[arg(long)]
    pub reset: bool,
    /// Re-run the plugin's load balancing.
    #[arg(long)]
    pub rebalance: bool,
    /// Apply maximumInterval and the ease floor.
    #[arg(long)]
    pub cap: bool,
    /// Bring cards due on or after DATE into the days before it.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub exam: Option<NaiveDate>,
    /// Write the changes (default: a dry run).
    #[arg(long)]
    pub apply: bool,
    /// Print the unified diff of every changed note.
    #[arg(long)]
    pub diff: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
    /// Seed for --set-due ranges.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Re-schedule the notes tagged for review (their front matter) instead
    /// of cards; --deck names a review tag. Notes always use SM-2.
    #[arg(long)]
    pub notes: bool,
}

const GRADE_HELP: &str = "\
A TARGET with a `:LINE` suffix names a card; a TARGET without one (or a file that exists
under that very name) names a note, which is reviewed as a whole, as the plugin's note
review does: only easy, good and hard, and only notes tagged for review (tagsToReview,
default #review). The note's schedule is written into its front matter (sr-due,
sr-interval, sr-ease), changing or adding only those three lines.";

#[derive(Debug, Args)]
#[command(after_long_help = GRADE_HELP)]
pub struct GradeArgs {
    /// The card, PATH:LINE[#SIBLING] (LINE is any 1-based line of the question), or a note, PATH.
    pub target: String,
    /// again, hard, good, easy or reset (notes: easy, good or hard).
    pub response: Response,
    /// Print what changed as JSON.
    #[arg(long)]
    pub json: bool,
    /// Print the unified diff that would be applied; write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

const NOTES_HELP: &str = "\
One row per note and review deck (a tagsToReview entry; a note tagged for two decks is
listed in both): due notes by due date then PageRank, then new notes by PageRank, then
notes scheduled later. Columns: deck, path, state, due, interval, ease, rank (PageRank of
the note's links × 10000). Review a note with `recall grade PATH easy|good|hard`.

--json prints an array of {deck, path, due, interval, ease, state, rank}; due, interval
and ease are as read from the front matter, null for new notes.";

#[derive(Debug, Args)]
#[command(after_long_help = NOTES_HELP)]
pub struct NotesArgs {
    /// Notes or folders inside the vault (default: all); links and ranks still span the vault.
    pub paths: Vec<PathBuf>,
    /// Print JSON (fields below).
    #[arg(long)]
    pub json: bool,
    /// Only this review deck (`#review` or `review`; repeatable).
    #[arg(long, value_name = "DECK")]
    pub deck: Vec<String>,
}

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// Anki package (.apkg): note types, decks, tags, media, optional scheduling.
    Apkg,
    /// Anki's text import format (tab-separated, with headers).
    AnkiTxt,
    /// One row per card.
    Csv,
    /// The `cards --json` rows plus the note's tags.
    Json,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Notes or folders inside the vault (default: all).
    pub paths: Vec<PathBuf>,
    /// The format (default: from the extension of FILE: .apkg, .txt, .csv, .json).
    #[arg(long, value_enum)]
    pub format: Option<ExportFormat>,
    /// The file to write; `-` is standard output (not for apkg).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: PathBuf,
    /// Only cards in this deck or its subdecks (`flashcards/kafka`; repeatable).
    #[arg(long, value_name = "DECK")]
    pub deck: Vec<String>,
    /// apkg: carry due date, interval and ease, so reviews continue in Anki.
    #[arg(long)]
    pub with_scheduling: bool,
}

const IMPORT_HELP: &str = "\
FILE is a package that Anki or AnkiDroid exported with scheduling (\"Include scheduling
information\"): .apkg or .colpkg, current or legacy format. A dry run by default: prints the
cards matched, the schedules that would change, the reviews to add to the review log, the
conflicts and the Anki notes not matched, with the reason. --diff prints the unified diff;
--apply writes.

Notes are matched by the GUID `recall export` gives them (note path, note type and the
question's front or cloze text), cards by their number. A question edited since the export
has a new GUID and is listed, not guessed. Only schedule comments are written, never text:
a review card gets Anki's due date, interval and ease (factor 2500 = ease 250); a card in
(re)learning gets what the plugin writes after Again that day (interval 0, due that day);
new, suspended and buried cards keep their schedule. Anki's reviews of the matched cards are
added to .recall/reviews.jsonl (op `import`), so `recall stats` counts them.

Conflicts: a card changed in the vault (answered, graded, rescheduled: the review log, or a
schedule implying a later review) after Anki's first review of it in the package. --prefer
latest (default) keeps the side that changed it last; --prefer anki or vault forces one.

Importing the same package again adds and changes nothing.";

#[derive(Debug, Args)]
#[command(after_long_help = IMPORT_HELP)]
pub struct ImportArgs {
    /// The package exported from Anki or AnkiDroid with scheduling (.apkg, .colpkg).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Write the changes (default: a dry run).
    #[arg(long)]
    pub apply: bool,
    /// Print the unified diff of every changed note.
    #[arg(long)]
    pub diff: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
    /// Which side wins a conflict: latest, anki or vault.
    #[arg(long, value_name = "SIDE", default_value = "latest")]
    pub prefer: crate::import::Prefer,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Notes or folders inside the vault (default: all).
    pub paths: Vec<PathBuf>,
    /// Print JSON (fields below).
    #[arg(long)]
    pub json: bool,
    /// Show the repairs that cannot lose information as a diff (add --apply to write them).
    #[arg(long)]
    pub fix: bool,
    /// With --fix: write the repairs into the notes and log each one.
    #[arg(long, requires = "fix")]
    pub apply: bool,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Notes or folders inside the vault (default: all).
    pub paths: Vec<PathBuf>,
    /// Only cards (and logged answers) in this deck or its subdecks, or only the notes of this review deck (repeatable).
    #[arg(long, value_name = "DECK")]
    pub deck: Vec<String>,
    /// Days of forecast ahead and of history behind.
    #[arg(long, value_name = "N", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub days: u32,
    /// Print JSON (fields below).
    #[arg(long)]
    pub json: bool,
}

/// `recall optimize --help`.
pub const OPTIMIZE_HELP: &str = "\
Fits the 21 FSRS-6 weights to the answers in .recall/reviews.jsonl with the
optimizer Anki uses (the `fsrs` crate), and shows how well the plugin's default
weights and the fitted ones predict that history: log loss and RMSE over bins
of similar reviews, lower is better. The fit is the same for the same log.

A card is its note, question and sibling, so moving it within its note keeps
its history; editing the question starts a new one. Undone answers, resets
(the history starts over), reschedules and fixes are left out, and so are
cards that were already scheduled when the log began. A review counts when it
comes on a later day than the card's previous answer: at least 64 are needed.
Answers given under SM-2 count too: FSRS needs only the answers and their days.

--apply writes the weights to .recall/config.yaml as `fsrs-weights: [...]`
(only when they predict better than the defaults; the rest of the file is kept).
From then on recall's FSRS answers, button intervals and retrievability use
them. recall now schedules FSRS cards with your own weights (fsrs-weights in
.recall/config.yaml) while Obsidian's plugin keeps its default weights, so the
two give different dates for the same answer; delete the fsrs-weights line to
return to the plugin's schedule.

--json prints one object: {\"cards\": N, \"reviews\": N, \"parameters\": [21
numbers], \"default\": {\"log_loss\": x, \"rmse\": x}, \"fitted\": {\"log_loss\": x,
\"rmse\": x}}. Exit status 1 when the history is too short (the message says how
many more reviews are needed).";

#[derive(Debug, Args)]
pub struct OptimizeArgs {
    /// Print JSON (fields below).
    #[arg(long)]
    pub json: bool,
    /// Write the fitted weights to .recall/config.yaml (`fsrs-weights`).
    #[arg(long)]
    pub apply: bool,
}

#[derive(Debug, Args)]
pub struct ScheduleArgs {
    /// JSON lines in and out (the only format).
    #[arg(long)]
    pub json: bool,
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    crate::clock::parse_day(s)
}

fn parse_instant(s: &str) -> Result<DateTime<Utc>, String> {
    crate::clock::parse_instant(s)
}
