//! Drawing [`Stats`] for the terminal with Unicode block characters (pure:
//! a string out, given a width and whether to colour).

use std::fmt::Write as _;

use chrono::{Datelike, Days};

use super::{ButtonCounts, Counts, Distribution, Rate, Stats};
use crate::sanitize::{one_line, truncate};

/// How to draw.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// Terminal columns.
    pub width: usize,
    pub color: bool,
    /// What to say when there are no cards.
    pub no_cards: String,
}

const BLOCKS: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
const PARTIAL: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];
const SHADES: [char; 5] = ['·', '░', '▒', '▓', '█'];
const CHART_ROWS: usize = 6;

struct Painter {
    color: bool,
}

impl Painter {
    fn paint(&self, s: &str, code: &str) -> String {
        if self.color && !s.is_empty() { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_owned() }
    }

    fn title(&self, s: &str) -> String {
        self.paint(s, "1")
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 { "–".to_owned() } else { format!("{:.0}%", 100.0 * part as f64 / whole as f64) }
}

fn rate(r: &Rate) -> String {
    match r.rate {
        Some(x) => format!("{:.1}% ({}/{})", 100.0 * x, r.passed, r.passed + r.failed),
        None => "–".to_owned(),
    }
}

/// A duration in milliseconds, for people.
fn duration(ms: f64) -> String {
    let s = ms / 1000.0;
    if s < 60.0 {
        format!("{s:.1} s")
    } else if s < 3600.0 {
        format!("{:.1} min", s / 60.0)
    } else {
        format!("{:.1} h", s / 3600.0)
    }
}

/// A vertical bar chart of `values`, fitted into `width` columns (days are
/// summed into wider columns when there are more values than columns).
fn columns(
    out: &mut String,
    values: &[usize],
    left: &str,
    right: &str,
    width: usize,
    code: &str,
    p: &Painter,
) {
    let axis = 7;
    let avail = width.saturating_sub(axis + 1).max(10);
    let per = values.len().div_ceil(avail).max(1);
    let vals: Vec<usize> = values.chunks(per).map(|c| c.iter().sum()).collect();
    let col_w = (avail / vals.len().max(1)).clamp(1, 3);
    let bar_w = if col_w >= 2 { col_w - 1 } else { 1 };
    let max = vals.iter().copied().max().unwrap_or(0);
    if max == 0 {
        let _ = writeln!(out, "  (none)");
        return;
    }
    let units = |v: usize| -> usize {
        if v == 0 { 0 } else { ((v * CHART_ROWS * 8) as f64 / max as f64).round().max(1.0) as usize }
    };
    for row in 0..CHART_ROWS {
        let base = (CHART_ROWS - 1 - row) * 8;
        let label = if row == 0 { max.to_string() } else { String::new() };
        let mut cells = String::new();
        for &v in &vals {
            let fill = units(v).saturating_sub(base).min(8);
            for _ in 0..bar_w {
                cells.push(BLOCKS[fill]);
            }
            for _ in bar_w..col_w {
                cells.push(' ');
            }
        }
        let axis_char = if row == 0 { '┤' } else { '│' };
        let _ = writeln!(out, "{label:>5} {axis_char}{}", p.paint(cells.trim_end(), code));
    }
    let span = vals.len() * col_w;
    let _ = writeln!(out, "{:>5} └{}", 0, "─".repeat(span));
    let gap = span.saturating_sub(left.chars().count() + right.chars().count()).max(1);
    let mut labels = format!("       {left}{}{right}", " ".repeat(gap));
    if per > 1 {
        let _ = write!(labels, "  (a column is {per} days)");
    }
    let _ = writeln!(out, "{labels}");
}

/// Horizontal bars: one line per `(label, value)`.
fn hbars(out: &mut String, rows: &[(String, usize)], width: usize, code: &str, p: &Painter) {
    let label_w = rows.iter().map(|(l, _)| l.chars().count()).max().unwrap_or(0);
    let count_w = rows.iter().map(|(_, v)| v.to_string().len()).max().unwrap_or(1);
    let bar_max = width.saturating_sub(label_w + count_w + 6).clamp(10, 60);
    let max = rows.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    for (label, v) in rows {
        let eighths =
            if *v == 0 { 0 } else { ((v * bar_max * 8) as f64 / max as f64).round().max(1.0) as usize };
        let bar = format!("{}{}", "█".repeat(eighths / 8), PARTIAL[eighths % 8]);
        let _ =
            writeln!(out, "  {label:<label_w$} {} {v:>count_w$}", p.paint(&format!("{bar:<bar_max$}"), code));
    }
}

fn distribution(
    out: &mut String,
    title: &str,
    d: &Distribution,
    avg: &str,
    width: usize,
    code: &str,
    p: &Painter,
) {
    let _ = writeln!(out);
    if d.count == 0 {
        let _ = writeln!(out, "{}: no reviewed cards yet", p.title(title));
        return;
    }
    let _ =
        writeln!(out, "{} ({}; {avg})", p.title(title), plural(d.count, "reviewed card", "reviewed cards"));
    let first = d.buckets.iter().position(|b| b.cards > 0).unwrap_or(0);
    let last = d.buckets.iter().rposition(|b| b.cards > 0).unwrap_or(0);
    let rows: Vec<(String, usize)> =
        d.buckets[first..=last].iter().map(|b| (b.label.clone(), b.cards)).collect();
    hbars(out, &rows, width, code, p);
}

/// A count column of the cards table: header and value.
type Column = (&'static str, fn(&Counts) -> usize);

const COLUMNS: [Column; 8] = [
    ("new", |k| k.new),
    ("due", |k| k.due),
    ("overdue", |k| k.overdue),
    ("scheduled", |k| k.scheduled),
    ("young", |k| k.young),
    ("mature", |k| k.mature),
    ("invalid", |k| k.invalid),
    ("total", |k| k.total),
];

fn cards_table(out: &mut String, s: &Stats, o: &RenderOptions, p: &Painter) {
    let c = &s.cards;
    let filter =
        if s.decks.is_empty() { String::new() } else { format!(" in {}", one_line(&s.decks.join(", "))) };
    let _ = writeln!(out, "{}", p.title(&format!("Cards{filter} on {}", s.today.format("%Y-%m-%d"))));
    if c.all.total == 0 {
        let _ = writeln!(out, "  {}", one_line(&o.no_cards));
        return;
    }
    let names: Vec<String> = c
        .decks
        .iter()
        .map(|d| {
            let name = d.deck.rsplit('/').next().unwrap_or(&d.deck);
            format!("{}{}", "  ".repeat(d.depth), one_line(name))
        })
        .collect();
    let name_w =
        names.iter().map(|n| n.chars().count()).chain([9]).max().unwrap_or(9).min(o.width / 3).max(9);
    // Columns as wide as their header or their largest number; `invalid`
    // only when some card has an unreadable date.
    let cols: Vec<&Column> = COLUMNS.iter().filter(|(h, _)| *h != "invalid" || c.all.invalid > 0).collect();
    let widths: Vec<usize> = cols.iter().map(|(h, get)| h.len().max(get(&c.all).to_string().len())).collect();
    let mut header = format!("  {:<name_w$}", "deck");
    for ((h, _), w) in cols.iter().zip(&widths) {
        let _ = write!(header, "  {h:>w$}");
    }
    let _ = writeln!(out, "{}", p.paint(&header, "2"));
    let row = |name: &str, k: &Counts| {
        let mut l = format!("  {:<name_w$}", truncate(name, name_w));
        for ((_, get), w) in cols.iter().zip(&widths) {
            let _ = write!(l, "  {:>w$}", get(k));
        }
        l
    };
    for (d, name) in c.decks.iter().zip(&names) {
        let _ = writeln!(out, "{}", row(name, &d.counts));
    }
    let _ = writeln!(out, "{}", p.title(&row("all decks", &c.all)));
}

fn forecast(out: &mut String, s: &Stats, width: usize, p: &Painter) {
    let f = &s.forecast;
    let _ = writeln!(out);
    let per_day = f.total as f64 / f64::from(s.days);
    let tomorrow = f.days.get(1).map_or(0, |d| d.cards);
    let mut title = format!(
        "Due forecast, next {}: {}, {per_day:.1} a day, {tomorrow} tomorrow",
        plural(s.days as usize, "day", "days"),
        plural(f.total, "card", "cards")
    );
    if f.overdue > 0 {
        let _ = write!(title, " (+{} overdue)", f.overdue);
    }
    let _ = writeln!(out, "{}", p.title(&title));
    let values: Vec<usize> = f.days.iter().map(|d| d.cards).collect();
    let last = f.days.last().map(|d| d.date.format("%m-%d").to_string()).unwrap_or_default();
    columns(out, &values, "today", &last, width, "34", p);
}

/// Note review: the counts per review deck and the note forecast.
fn notes(out: &mut String, s: &Stats, width: usize, p: &Painter) {
    let n = &s.notes;
    let line = |c: &super::notes::NoteCounts| {
        format!(
            "{}: {} new, {} due, {} scheduled",
            plural(c.total, "note", "notes"),
            c.new,
            c.due,
            c.scheduled
        )
    };
    let _ = writeln!(out);
    let _ = writeln!(out, "{}", p.title(&format!("Note review: {}", line(&n.all))));
    let deck_w = n.decks.iter().map(|d| width_of(&d.deck)).max().unwrap_or(0);
    for d in &n.decks {
        let pad = deck_w.saturating_sub(width_of(&d.deck));
        let _ =
            writeln!(out, "  {}{}  {}", crate::sanitize::one_line(&d.deck), " ".repeat(pad), line(&d.counts));
    }
    let f = &n.forecast;
    let tomorrow = f.days.get(1).map_or(0, |d| d.notes);
    let mut title = format!(
        "Note forecast, next {}: {}, {tomorrow} tomorrow",
        plural(s.days as usize, "day", "days"),
        plural(f.total, "note", "notes")
    );
    if f.overdue > 0 {
        let _ = write!(title, " (+{} overdue)", f.overdue);
    }
    let _ = writeln!(out, "{}", p.title(&title));
    let values: Vec<usize> = f.days.iter().map(|d| d.notes).collect();
    let last = f.days.last().map(|d| d.date.format("%m-%d").to_string()).unwrap_or_default();
    columns(out, &values, "today", &last, width, "32", p);
}

fn width_of(s: &str) -> usize {
    crate::render::width(&crate::sanitize::one_line(s))
}

fn history(out: &mut String, s: &Stats, width: usize, p: &Painter) {
    let l = &s.log;
    let _ = writeln!(out);
    if !l.present {
        let _ = writeln!(
            out,
            "{}: no review log yet ({}).\n  Answer cards (`recall grade`) to start one; reviews per day, the calendar,\n  answer buttons, retention, answer time and streaks appear here then.",
            p.title("Review history"),
            crate::log::LOG_PATH
        );
        return;
    }
    if l.answers == 0 {
        let _ = writeln!(
            out,
            "{}: the review log holds no answers for these cards yet.",
            p.title("Review history")
        );
        return;
    }
    // Reviews per day.
    let total: usize = l.reviews_per_day.iter().map(|d| d.reviews).sum();
    let days = s.days as usize;
    let per_studied = if l.days_studied > 0 { total as f64 / l.days_studied as f64 } else { 0.0 };
    let _ = writeln!(
        out,
        "{}",
        p.title(&format!(
            "Reviews, last {}: {} on {} ({}), {per_studied:.1} per day studied",
            plural(days, "day", "days"),
            plural(total, "answer", "answers"),
            plural(l.days_studied, "day", "days"),
            percent(l.days_studied, days),
        ))
    );
    let values: Vec<usize> = l.reviews_per_day.iter().map(|d| d.reviews).collect();
    let first = l.reviews_per_day.first().map(|d| d.date.format("%m-%d").to_string()).unwrap_or_default();
    columns(out, &values, &first, "today", width, "32", p);

    heatmap(out, s, p);
    buttons(out, s, p);

    let _ = writeln!(out);
    let _ =
        writeln!(out, "{}", p.title("True retention (answers other than Again to cards already learned)"));
    let _ = writeln!(
        out,
        "{}",
        p.paint(&format!("  {:<10} {:<18} {:<18} {:<18}", "period", "young", "mature", "total"), "2")
    );
    for r in &l.retention {
        let label = match r.period {
            "today" => "today",
            "7d" => "7 days",
            "30d" => "30 days",
            "365d" => "365 days",
            _ => "all time",
        };
        let _ = writeln!(
            out,
            "  {label:<10} {:<18} {:<18} {:<18}",
            rate(&r.young),
            rate(&r.mature),
            rate(&r.total)
        );
    }

    let _ = writeln!(out);
    let t = &l.answer_time;
    match t.average_ms {
        Some(avg) => {
            let _ = writeln!(
                out,
                "{} {} on average, {} in all ({}, last {})",
                p.title("Answer time:"),
                duration(avg),
                duration(t.total_ms as f64),
                plural(t.timed, "timed answer", "timed answers"),
                plural(days, "day", "days")
            );
        }
        None => {
            let _ = writeln!(
                out,
                "{} no timed answers in the last {} (answers from `recall grade` are not timed)",
                p.title("Answer time:"),
                plural(days, "day", "days")
            );
        }
    }
    let st = &l.streak;
    let now = match (st.current, st.studied_today) {
        (0, _) => "none: answer a card today to start one".to_owned(),
        (n, true) => format!("{}, studied today", plural(n, "day", "days")),
        (n, false) => format!("{}, alive until the end of today", plural(n, "day", "days")),
    };
    let _ = writeln!(out, "{} {now} (longest {})", p.title("Streak:"), plural(st.longest, "day", "days"));
}

fn heatmap(out: &mut String, s: &Stats, p: &Painter) {
    let h = &s.log.heatmap;
    let max = h.days.iter().map(|d| d.reviews).max().unwrap_or(0);
    let studied = h.days.iter().filter(|d| d.reviews > 0).count();
    let busiest = h.days.iter().filter(|d| d.reviews == max && max > 0).map(|d| d.date).next_back();
    let _ = writeln!(out);
    let mut title =
        format!("Calendar, last {} weeks: {} studied", super::HEATMAP_WEEKS, plural(studied, "day", "days"));
    if let Some(b) = busiest {
        let _ = write!(title, "; most {max} on {}", b.format("%Y-%m-%d"));
    }
    let _ = writeln!(out, "{}", p.title(&title));
    let weeks = super::HEATMAP_WEEKS as usize;
    // Month names above the first week of each month.
    let mut months = String::from("       ");
    let mut prev_month = None;
    let mut pos = 0;
    for w in 0..weeks {
        let Some(date) = h.from.checked_add_days(Days::new(7 * w as u64)) else { break };
        let col = 2 * w;
        if prev_month != Some(date.month()) && col >= pos {
            while months.chars().count() < 7 + col {
                months.push(' ');
            }
            let name = date.format("%b").to_string();
            pos = col + name.len() + 1;
            months.push_str(&name);
        }
        prev_month = Some(date.month());
    }
    let _ = writeln!(out, "{}", months.trim_end());
    let level =
        |v: usize| -> usize { if v == 0 || max == 0 { 0 } else { (4 * v).div_ceil(max).clamp(1, 4) } };
    for (row, name) in ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].iter().enumerate() {
        let mut cells = String::new();
        for w in 0..weeks {
            let date = h.from.checked_add_days(Days::new((7 * w + row) as u64));
            match h.days.iter().find(|d| Some(d.date) == date) {
                Some(d) => {
                    let lv = level(d.reviews);
                    let ch = SHADES[lv].to_string();
                    cells.push_str(&if lv > 0 { p.paint(&ch, "32") } else { ch });
                    cells.push(' ');
                }
                None => cells.push_str("  "),
            }
        }
        let _ = writeln!(out, "  {name}  {}", cells.trim_end());
    }
    let _ = writeln!(
        out,
        "       less {} more",
        SHADES.iter().map(char::to_string).collect::<Vec<_>>().join(" ")
    );
}

fn buttons(out: &mut String, s: &Stats, p: &Painter) {
    let b = &s.log.buttons;
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{}",
        p.title(&format!(
            "Answer buttons, last {} ({})",
            plural(s.days as usize, "day", "days"),
            plural(b.total.total(), "answer", "answers")
        ))
    );
    let _ = writeln!(
        out,
        "{}",
        p.paint(
            &format!(
                "  {:<7} {:>12} {:>12} {:>12} {:>12} {:>8}",
                "", "again", "hard", "good", "easy", "correct"
            ),
            "2"
        )
    );
    let row = |name: &str, c: &ButtonCounts| {
        let n = c.total();
        let cell = |v: usize| format!("{v} ({})", percent(v, n));
        format!(
            "  {name:<7} {:>12} {:>12} {:>12} {:>12} {:>8}",
            cell(c.again),
            cell(c.hard),
            cell(c.good),
            cell(c.easy),
            percent(n - c.again, n)
        )
    };
    for (name, c) in [("new", &b.new), ("young", &b.young), ("mature", &b.mature)] {
        let _ = writeln!(out, "{}", row(name, c));
    }
    let _ = writeln!(out, "{}", p.title(&row("total", &b.total)));
}

/// Draws all statistics.
#[must_use]
pub fn render(s: &Stats, o: &RenderOptions) -> String {
    let p = Painter { color: o.color };
    let width = o.width.max(40);
    let mut out = String::new();
    cards_table(&mut out, s, o, &p);
    if s.cards.all.total > 0 {
        forecast(&mut out, s, width, &p);
        distribution(
            &mut out,
            "Intervals",
            &s.intervals,
            &format!("average {:.1} days", s.intervals.average.unwrap_or(0.0)),
            width,
            "36",
            &p,
        );
        distribution(
            &mut out,
            "Eases",
            &s.eases,
            &format!("average {:.0}%", s.eases.average.unwrap_or(0.0)),
            width,
            "35",
            &p,
        );
    }
    if let Some(m) = &s.fsrs_memory {
        let _ = writeln!(out);
        let r =
            m.average_retrievability.map_or("none reviewed yet".to_owned(), |r| format!("{:.1}%", 100.0 * r));
        let _ = writeln!(
            out,
            "{} ({}): average retrievability now {r}",
            p.title("FSRS memory"),
            plural(m.cards, "card", "cards")
        );
        distribution(
            &mut out,
            "Stability",
            &m.stability,
            &format!("average {:.1} days", m.stability.average.unwrap_or(0.0)),
            width,
            "36",
            &p,
        );
        distribution(
            &mut out,
            "Difficulty",
            &m.difficulty,
            &format!("average {:.1} of 10", m.difficulty.average.unwrap_or(0.0)),
            width,
            "35",
            &p,
        );
    }
    if s.notes.all.total > 0 {
        notes(&mut out, s, width, &p);
    }
    history(&mut out, s, width, &p);
    if let Some(f) = &s.fsrs {
        let _ = writeln!(out);
        out.push_str(&super::fsrs::render(f));
    }
    if s.log.bad_lines > 0 {
        let _ = writeln!(
            out,
            "({} of the review log could not be read and {} left out)",
            plural(s.log.bad_lines, "line", "lines"),
            if s.log.bad_lines == 1 { "is" } else { "are" }
        );
    }
    // Tables pad their last column; trailing blanks help nobody.
    let mut tidy = String::with_capacity(out.len());
    for line in out.lines() {
        tidy.push_str(line.trim_end());
        tidy.push('\n');
    }
    tidy
}

#[cfg(test)]
mod tests {
    use super::*;

    fn painter() -> Painter {
        Painter { color: false }
    }

    #[test]
    fn columns_scale_to_the_tallest() {
        let mut out = String::new();
        columns(&mut out, &[0, 3, 6], "a", "b", 40, "", &painter());
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "    6 ┤      ██");
        assert_eq!(lines[2], "      │      ██");
        assert_eq!(lines[3], "      │   ██ ██");
        assert_eq!(lines[5], "      │   ██ ██");
        assert_eq!(lines[6], "    0 └─────────");
        assert_eq!(lines[7], "       a       b");
    }

    #[test]
    fn many_days_share_a_column() {
        let mut out = String::new();
        columns(&mut out, &[1; 100], "a", "b", 40, "", &painter());
        assert!(out.contains("(a column is 4 days)"), "{out}");
    }

    #[test]
    fn bars_are_proportional() {
        let mut out = String::new();
        hbars(&mut out, &[("x".into(), 4), ("yy".into(), 1)], 30, "", &painter());
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], format!("  x  {} 4", "█".repeat(21)));
        assert_eq!(lines[1], format!("  yy █████▎{} 1", " ".repeat(15)));
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(duration(4500.0), "4.5 s");
        assert_eq!(duration(204_000.0), "3.4 min");
        assert_eq!(duration(7_200_000.0), "2.0 h");
    }

    #[test]
    fn colour_only_when_asked() {
        let p = Painter { color: true };
        assert_eq!(p.paint("x", "32"), "\x1b[32mx\x1b[0m");
        assert_eq!(painter().paint("x", "32"), "x");
    }
}
