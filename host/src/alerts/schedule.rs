//! When an alert is evaluated: every N minutes, hourly at a minute, daily
//! or weekly at a wall-clock time, or a cron expression — all in the
//! configured IANA timezone.
//!
//! Wall-clock schedules follow local time across DST changes: a daily
//! 09:00 check stays at 09:00 local. A time that does not exist on a
//! spring-forward day (02:30 in Europe/Berlin) runs one hour later on the
//! wall clock (03:30, the same time after midnight); a time that exists
//! twice on a fall-back day runs once, at the first occurrence.

use std::fmt;
use std::str::FromStr;

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveTime, Offset, TimeZone, Timelike,
    Utc, Weekday,
};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// Longest interval of an `every` schedule: one week.
pub const MAX_EVERY_MINUTES: u32 = 7 * 24 * 60;

/// A wall-clock time of day, `HH:MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeOfDay {
    /// 0..=23.
    pub hour: u8,
    /// 0..=59.
    pub minute: u8,
}

impl TimeOfDay {
    fn naive(self) -> NaiveTime {
        NaiveTime::from_hms_opt(u32::from(self.hour), u32::from(self.minute), 0)
            .unwrap_or(NaiveTime::MIN)
    }
}

impl FromStr for TimeOfDay {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("`{}` is not a time of day; use HH:MM, e.g. 09:30", cut(s));
        let (h, m) = s.trim().split_once(':').ok_or_else(bad)?;
        let hour: u8 = h.parse().map_err(|_| bad())?;
        let minute: u8 = m.parse().map_err(|_| bad())?;
        if hour > 23 || minute > 59 || m.len() != 2 {
            return Err(bad());
        }
        Ok(Self { hour, minute })
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.hour, self.minute)
    }
}

impl Serialize for TimeOfDay {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TimeOfDay {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// When an alert is evaluated. JSON: `{"every": {"minutes": 15}}`,
/// `{"hourly": {"minute": 5}}`, `{"daily": {"at": "09:30"}}`,
/// `{"weekly": {"day": "mon", "at": "09:30"}}`, `{"cron": {"expr": "0 9 * * 1-5"}}`.
/// Text (forms, CLI; see [`FromStr`]): `every 15m`, `hourly :05`,
/// `daily 09:30`, `weekly mon 09:30`, `cron 0 9 * * 1-5`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Schedule {
    /// Every `minutes` minutes, at multiples of the interval since the Unix
    /// epoch (so the times are stable across restarts).
    Every {
        /// 1..=10080.
        minutes: u32,
    },
    /// Every hour at this minute of the local hour.
    Hourly {
        /// 0..=59.
        minute: u8,
    },
    /// Every day at this local time.
    Daily {
        /// Local time of day.
        at: TimeOfDay,
    },
    /// Every week on `day` at this local time.
    Weekly {
        /// The weekday (`mon`..`sun` in JSON).
        #[serde(with = "weekday_serde")]
        day: Weekday,
        /// Local time of day.
        at: TimeOfDay,
    },
    /// A five-field cron expression (`minute hour day-of-month month
    /// day-of-week`) or an alias such as `@daily`, in local time.
    Cron {
        /// The expression.
        expr: String,
    },
}

impl Default for Schedule {
    fn default() -> Self {
        Self::Every { minutes: 5 }
    }
}

mod weekday_serde {
    use chrono::Weekday;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(day: &Weekday, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(super::weekday_name(*day))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Weekday, D::Error> {
        let text = String::deserialize(d)?;
        super::parse_weekday(&text).map_err(serde::de::Error::custom)
    }
}

fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "mon",
        Weekday::Tue => "tue",
        Weekday::Wed => "wed",
        Weekday::Thu => "thu",
        Weekday::Fri => "fri",
        Weekday::Sat => "sat",
        Weekday::Sun => "sun",
    }
}

fn parse_weekday(s: &str) -> Result<Weekday, String> {
    s.trim()
        .parse::<Weekday>()
        .map_err(|_| format!("`{}` is not a weekday; use mon..sun", cut(s)))
}

fn cut(s: &str) -> String {
    s.chars().take(40).collect()
}

/// How far ahead a schedule must fire at least once to be valid.
const HORIZON_DAYS: i64 = 4 * 366 + 1;

impl Schedule {
    /// Check the values and that the schedule fires at all (within four
    /// years, so Feb 29 is allowed and Feb 30 is not).
    pub fn validate(&self, tz: Tz) -> Result<(), String> {
        match self {
            Self::Every { minutes } if !(1..=MAX_EVERY_MINUTES).contains(minutes) => {
                return Err(format!(
                    "the interval must be 1..={MAX_EVERY_MINUTES} minutes"
                ));
            }
            Self::Hourly { minute } if *minute > 59 => {
                return Err("the minute must be 0..=59".into());
            }
            Self::Cron { expr } => {
                parse_cron(expr)?;
            }
            _ => {}
        }
        let start = Utc::now();
        match self.next_after(start, tz) {
            Some(t) if t - start <= Duration::days(HORIZON_DAYS) => Ok(()),
            _ => Err("this schedule never fires".into()),
        }
    }

    /// The first time strictly after `after` at which the schedule fires,
    /// or `None` when it never does.
    pub fn next_after(&self, after: DateTime<Utc>, tz: Tz) -> Option<DateTime<Utc>> {
        match self {
            Self::Every { minutes } => {
                if *minutes == 0 {
                    return None;
                }
                let step = i64::from(*minutes) * 60;
                let next = (after.timestamp().div_euclid(step) + 1) * step;
                DateTime::from_timestamp(next, 0)
            }
            Self::Hourly { minute } => {
                let start = DateTime::from_timestamp(after.timestamp().div_euclid(60) * 60, 0)?;
                // Offsets are whole quarters of an hour, so a local minute
                // recurs within every hour; scan a day for safety.
                (1..=24 * 60)
                    .map(|i| start + Duration::minutes(i))
                    .find(|t| t.with_timezone(&tz).minute() == u32::from(*minute))
            }
            Self::Daily { at } => {
                let today = after.with_timezone(&tz).date_naive();
                (0..=2)
                    .filter_map(|i| today.checked_add_signed(Duration::days(i)))
                    .map(|d| local_instant(tz, d, *at))
                    .find(|t| *t > after)
            }
            Self::Weekly { day, at } => {
                let today = after.with_timezone(&tz).date_naive();
                (0..=8)
                    .filter_map(|i| today.checked_add_signed(Duration::days(i)))
                    .filter(|d| d.weekday() == *day)
                    .map(|d| local_instant(tz, d, *at))
                    .find(|t| *t > after)
            }
            Self::Cron { expr } => {
                let cron = parse_cron(expr).ok()?;
                cron.find_next_occurrence(&after.with_timezone(&tz), false)
                    .ok()
                    .map(|t| t.with_timezone(&Utc))
            }
        }
    }
}

/// The instant of local `date` `at` in `tz`: the first of two on a
/// fall-back day; on a spring-forward day a time in the gap moves on by
/// the length of the gap.
fn local_instant(tz: Tz, date: NaiveDate, at: TimeOfDay) -> DateTime<Utc> {
    let local = date.and_time(at.naive());
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
        LocalResult::None => {
            // In a gap: read the wall time with the offset in force before
            // it, which lands as far past the gap's end as the time was
            // past its start.
            let before = tz
                .offset_from_utc_datetime(&(local - Duration::hours(6)))
                .fix();
            Utc.from_utc_datetime(&(local - Duration::seconds(i64::from(before.local_minus_utc()))))
        }
    }
}

fn parse_cron(expr: &str) -> Result<croner::Cron, String> {
    let fields = expr.split_whitespace().count();
    if !(fields == 5 || (fields == 1 && expr.trim().starts_with('@'))) {
        return Err(
            "a cron expression has five fields: minute hour day-of-month month day-of-week".into(),
        );
    }
    croner::parser::CronParser::builder()
        .seconds(croner::parser::Seconds::Disallowed)
        .build()
        .parse(expr.trim())
        .map_err(|e| format!("bad cron expression: {e}"))
}

impl FromStr for Schedule {
    type Err = String;

    /// `every 15m` (or `every 2h`), `hourly :05`, `daily 09:30`,
    /// `weekly mon 09:30`, `cron 0 9 * * 1-5`.
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let (kind, rest) = s.split_once(char::is_whitespace).unwrap_or((s, ""));
        let rest = rest.trim();
        let bad = || {
            format!(
                "`{}` is not a schedule; use e.g. `every 15m`, `hourly :05`, `daily 09:30`, \
                 `weekly mon 09:30` or `cron 0 9 * * 1-5`",
                cut(s)
            )
        };
        match kind {
            "every" => {
                let (n, unit) = rest.split_at(rest.len().saturating_sub(1));
                let n: u32 = n.trim().parse().map_err(|_| bad())?;
                let minutes = match unit {
                    "m" => n,
                    "h" => n.checked_mul(60).ok_or_else(bad)?,
                    _ => return Err(bad()),
                };
                Ok(Self::Every { minutes })
            }
            "hourly" => {
                let minute = rest.trim_start_matches(':').parse().map_err(|_| bad())?;
                Ok(Self::Hourly { minute })
            }
            "daily" => Ok(Self::Daily { at: rest.parse()? }),
            "weekly" => {
                let (day, at) = rest.split_once(char::is_whitespace).ok_or_else(bad)?;
                Ok(Self::Weekly {
                    day: parse_weekday(day)?,
                    at: at.parse()?,
                })
            }
            "cron" if !rest.is_empty() => Ok(Self::Cron { expr: rest.into() }),
            _ => Err(bad()),
        }
    }
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Every { minutes } if minutes % 60 == 0 => write!(f, "every {}h", minutes / 60),
            Self::Every { minutes } => write!(f, "every {minutes}m"),
            Self::Hourly { minute } => write!(f, "hourly :{minute:02}"),
            Self::Daily { at } => write!(f, "daily {at}"),
            Self::Weekly { day, at } => write!(f, "weekly {} {at}", weekday_name(*day)),
            Self::Cron { expr } => write!(f, "cron {expr}"),
        }
    }
}

#[cfg(test)]
mod tests;
