//! The one schedule value: what a sibling's segment holds after an answer
//! or a batch change, shared by the schedulers, the review log and edit
//! planning.
//!
//! In the review log an SM-2 schedule is `{"due": "YYYY-MM-DD",
//! "interval": i, "ease": e}` (what every older log holds) and an FSRS one
//! adds its memory state: `{"due": "<ISO instant>", "interval":
//! scheduled_days, "ease": the ease the plugin shows, "fsrs": {"stability",
//! "difficulty", "state", "reps", "lapses", "learning_steps",
//! "last_review"}}`.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::fsrs::{self, FsrsSegment, Stamp};
use super::units::{Ease, Interval};
use crate::clock::{When, Zone};
use crate::parse::comment::format_sm2;

/// An SM-2-OSR schedule: due date, interval in days, ease (×100), as the
/// plugin computes them in JavaScript numbers (cards and notes).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Sm2 {
    pub due: NaiveDate,
    pub interval: Interval,
    pub ease: Ease,
}

/// A card's schedule: SM-2-OSR's `!due,interval,ease` or an FSRS segment.
#[derive(Debug, Clone, PartialEq)]
pub enum Schedule {
    Sm2(Sm2),
    Fsrs(Box<FsrsSegment>),
}

impl Schedule {
    /// An FSRS schedule from the card ts-fsrs returned.
    #[must_use]
    pub fn from_fsrs(card: &fsrs::Card) -> Schedule {
        Schedule::Fsrs(Box::new(FsrsSegment::from_card(card)))
    }

    /// The `!segment` the plugin writes for it.
    #[must_use]
    pub fn segment(&self) -> String {
        match self {
            Schedule::Sm2(Sm2 { due, interval, ease }) => format_sm2(*due, *interval, *ease),
            Schedule::Fsrs(s) => s.format(),
        }
    }

    /// The instant it is due: local midnight of an SM-2 date.
    #[must_use]
    pub fn due_instant(&self, zone: Zone) -> Option<DateTime<Utc>> {
        match self {
            Schedule::Sm2(s) => Some(zone.midnight(s.due)),
            Schedule::Fsrs(s) => s.due.instant(),
        }
    }

    /// The local day it is due.
    #[must_use]
    pub fn due_date(&self, zone: Zone) -> Option<NaiveDate> {
        match self {
            Schedule::Sm2(s) => Some(s.due),
            Schedule::Fsrs(s) => s.due.instant().map(|t| zone.date(t)),
        }
    }

    /// The interval in days (FSRS: `scheduled_days`, 0 while learning).
    #[must_use]
    pub fn interval(&self) -> Interval {
        match self {
            Schedule::Sm2(s) => s.interval,
            Schedule::Fsrs(s) => Interval(s.interval),
        }
    }

    /// The ease (FSRS: the plugin's ease for the difficulty).
    #[must_use]
    pub fn ease(&self) -> Ease {
        match self {
            Schedule::Sm2(s) => s.ease,
            Schedule::Fsrs(s) => fsrs::difficulty_to_ease(s.difficulty),
        }
    }

    /// True for an FSRS (re)learning step due within the day: the card
    /// comes back in the same session.
    #[must_use]
    pub fn is_short_term(&self) -> bool {
        matches!(self, Schedule::Fsrs(s) if s.interval < 1.0)
    }

    /// The label a review button shows for this outcome at `at`, in units
    /// that cannot be misread: `10m`, `2h` (FSRS steps under a day, rounded
    /// up as the plugin does), `3d`, `1.2mo`, `2.1y`; `now` for an SM-2
    /// card due again today.
    #[must_use]
    pub fn button_label(&self, at: &When) -> String {
        if let Schedule::Fsrs(s) = self
            && s.interval < 1.0
        {
            let due = s.due.instant().unwrap_or(at.now);
            let minutes = ((due - at.now).num_milliseconds() as f64 / 60_000.0).ceil().max(0.0);
            if minutes < 60.0 {
                return format!("{minutes}m");
            }
            return format!("{}h", (minutes / 60.0).ceil());
        }
        days_label(self.interval().0)
    }
}

/// Days as the plugin's `textInterval` shows them, in compact units.
#[must_use]
pub fn days_label(days: f64) -> String {
    if days < 1.0 {
        return "now".into();
    }
    let months = fsrs::js::js_round(days / 3.043_75) / 10.0;
    let years = fsrs::js::js_round(days / 36.525) / 10.0;
    let n = fsrs::js_number_string;
    if months < 1.0 {
        format!("{}d", n(days))
    } else if years < 1.0 {
        format!("{}mo", n(months))
    } else {
        format!("{}y", n(years))
    }
}

/// How a schedule is logged (see the module docs).
#[derive(Serialize, Deserialize)]
struct Logged {
    due: String,
    interval: Interval,
    ease: Ease,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fsrs: Option<LoggedFsrs>,
}

#[derive(Serialize, Deserialize)]
struct LoggedFsrs {
    stability: f64,
    difficulty: f64,
    state: f64,
    reps: f64,
    lapses: f64,
    learning_steps: f64,
    last_review: Option<String>,
}

impl Serialize for Schedule {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let logged = match self {
            Schedule::Sm2(Sm2 { due, interval, ease }) => Logged {
                due: due.format("%Y-%m-%d").to_string(),
                interval: *interval,
                ease: *ease,
                fsrs: None,
            },
            Schedule::Fsrs(f) => Logged {
                due: f.due.format(),
                interval: Interval(f.interval),
                ease: self.ease(),
                fsrs: Some(LoggedFsrs {
                    stability: f.stability,
                    difficulty: f.difficulty,
                    state: f.state,
                    reps: f.reps,
                    lapses: f.lapses,
                    learning_steps: f.learning_steps,
                    last_review: f.last_review.as_ref().map(Stamp::format),
                }),
            },
        };
        logged.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Schedule {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let l = Logged::deserialize(d)?;
        match l.fsrs {
            None => {
                let due = NaiveDate::parse_from_str(&l.due, "%Y-%m-%d").map_err(serde::de::Error::custom)?;
                Ok(Schedule::Sm2(Sm2 { due, interval: l.interval, ease: l.ease }))
            }
            Some(f) => Ok(Schedule::Fsrs(Box::new(FsrsSegment {
                due: Stamp::parse(&l.due),
                interval: l.interval.0,
                stability: f.stability,
                difficulty: f.difficulty,
                state: f.state,
                reps: f.reps,
                lapses: f.lapses,
                learning_steps: f.learning_steps,
                last_review: f.last_review.as_deref().map(Stamp::parse),
            }))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        crate::clock::parse_instant(s).expect("instant")
    }

    #[test]
    fn logged_schedules_round_trip_and_old_logs_still_read() {
        let sm2 = Schedule::Sm2(Sm2 {
            due: NaiveDate::from_ymd_opt(2024, 6, 23).expect("date"),
            interval: Interval(3.0),
            ease: Ease(250.0),
        });
        let j = serde_json::to_string(&sm2).expect("json");
        assert_eq!(j, r#"{"due":"2024-06-23","interval":3.0,"ease":250.0}"#);
        assert_eq!(serde_json::from_str::<Schedule>(&j).expect("read"), sm2);
        let seg = FsrsSegment::parse(
            "fsrs,2024-01-05T09:10:00.000Z,0,2.3065,2.11810397,1,1,0,1,2024-01-05T09:00:00.000Z",
        )
        .expect("segment");
        let f = Schedule::Fsrs(Box::new(seg));
        let j = serde_json::to_string(&f).expect("json");
        assert!(j.contains(r#""stability":2.3065"#), "{j}");
        let back: Schedule = serde_json::from_str(&j).expect("read");
        assert_eq!(back.segment(), f.segment());
    }

    #[test]
    fn button_labels_cannot_be_misread() {
        let at = When {
            today: NaiveDate::from_ymd_opt(2024, 1, 5).expect("d"),
            now: t("2024-01-05T09:00:00Z"),
            zone: Zone::utc(),
        };
        let step = |s: &str| Schedule::Fsrs(Box::new(FsrsSegment::parse(s).expect("segment")));
        assert_eq!(
            step("fsrs,2024-01-05T09:10:00.000Z,0,2.3,2.1,1,1,0,1,2024-01-05T09:00:00.000Z")
                .button_label(&at),
            "10m"
        );
        assert_eq!(step("fsrs,2024-01-05T09:00:30.000Z,0,2.3,2.1,1,1,0,1,-").button_label(&at), "1m");
        assert_eq!(step("fsrs,2024-01-05T11:30:00.000Z,0,2.3,2.1,1,1,0,1,-").button_label(&at), "3h");
        assert_eq!(days_label(3.0), "3d");
        assert_eq!(days_label(35.0), "1.1mo");
        assert_eq!(days_label(37.0), "1.2mo");
        assert_eq!(days_label(800.0), "2.2y");
        assert_eq!(days_label(0.0), "now");
    }
}
