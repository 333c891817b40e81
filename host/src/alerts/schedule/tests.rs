use chrono::{DateTime, Utc};
use chrono_tz::Europe::Berlin;

use super::*;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn next(s: &Schedule, after: &str) -> String {
    s.next_after(utc(after), Berlin).unwrap().to_rfc3339()
}

fn daily(at: &str) -> Schedule {
    Schedule::Daily {
        at: at.parse().unwrap(),
    }
}

#[test]
fn every_n_minutes_is_aligned_and_strictly_after() {
    let s = Schedule::Every { minutes: 15 };
    assert_eq!(
        next(&s, "2026-01-10T10:07:00Z"),
        "2026-01-10T10:15:00+00:00"
    );
    assert_eq!(
        next(&s, "2026-01-10T10:15:00Z"),
        "2026-01-10T10:30:00+00:00"
    );
}

#[test]
fn daily_keeps_local_time_across_spring_forward() {
    // Europe/Berlin springs forward on 2026-03-29 at 02:00 → 03:00.
    let s = daily("09:00");
    assert_eq!(
        next(&s, "2026-03-28T08:00:00Z"),
        "2026-03-29T07:00:00+00:00"
    );
    assert_eq!(
        next(&s, "2026-03-27T08:00:00Z"),
        "2026-03-28T08:00:00+00:00"
    );
}

#[test]
fn a_time_in_the_spring_gap_runs_once_an_hour_later_on_the_wall_clock() {
    let s = daily("02:30");
    // 02:30 does not exist on 2026-03-29; it runs at 03:30 CEST = 01:30 UTC.
    assert_eq!(
        next(&s, "2026-03-28T02:00:00Z"),
        "2026-03-29T01:30:00+00:00"
    );
    // And the next day at 02:30 CEST again.
    assert_eq!(
        next(&s, "2026-03-29T01:30:00Z"),
        "2026-03-30T00:30:00+00:00"
    );
}

#[test]
fn a_time_that_exists_twice_at_fall_back_runs_once() {
    // Berlin falls back on 2026-10-25 at 03:00 CEST → 02:00 CET: 02:30
    // happens at 00:30 UTC and again at 01:30 UTC.
    let s = daily("02:30");
    assert_eq!(
        next(&s, "2026-10-24T12:00:00Z"),
        "2026-10-25T00:30:00+00:00"
    );
    assert_eq!(
        next(&s, "2026-10-25T00:30:00Z"),
        "2026-10-26T01:30:00+00:00"
    );
}

#[test]
fn hourly_runs_every_real_hour_through_the_repeated_hour() {
    let s = Schedule::Hourly { minute: 30 };
    assert_eq!(
        next(&s, "2026-10-25T00:00:00Z"),
        "2026-10-25T00:30:00+00:00"
    );
    assert_eq!(
        next(&s, "2026-10-25T00:30:00Z"),
        "2026-10-25T01:30:00+00:00"
    );
    assert_eq!(
        next(&s, "2026-10-25T01:30:00Z"),
        "2026-10-25T02:30:00+00:00"
    );
}

#[test]
fn weekly_picks_the_weekday_in_local_time() {
    let s: Schedule = "weekly mon 09:00".parse().unwrap();
    // 2026-03-27 is a Friday; the Monday after DST is 2026-03-30, CEST.
    assert_eq!(
        next(&s, "2026-03-27T12:00:00Z"),
        "2026-03-30T07:00:00+00:00"
    );
    // Exactly at the run time: the next week.
    assert_eq!(
        next(&s, "2026-03-30T07:00:00Z"),
        "2026-04-06T07:00:00+00:00"
    );
}

#[test]
fn cron_follows_local_time_across_dst() {
    let s: Schedule = "cron 0 9 * * *".parse().unwrap();
    assert_eq!(
        next(&s, "2026-03-28T08:00:00Z"),
        "2026-03-29T07:00:00+00:00"
    );
    assert_eq!(
        next(&s, "2026-10-24T08:00:00Z"),
        "2026-10-25T08:00:00+00:00"
    );
}

#[test]
fn schedules_that_never_fire_or_are_malformed_are_refused() {
    let never: Schedule = "cron 0 0 30 2 *".parse().unwrap();
    let err = never.validate(Berlin).unwrap_err();
    assert!(err.contains("never fires"), "{err}");
    assert!(
        Schedule::Cron {
            expr: "0 0 * *".into()
        }
        .validate(Berlin)
        .is_err()
    );
    assert!(
        Schedule::Cron {
            expr: "0 0 0 * * *".into()
        }
        .validate(Berlin)
        .is_err()
    );
    assert!(Schedule::Every { minutes: 0 }.validate(Berlin).is_err());
    assert!(
        Schedule::Every {
            minutes: MAX_EVERY_MINUTES + 1
        }
        .validate(Berlin)
        .is_err()
    );
    assert!(Schedule::Hourly { minute: 60 }.validate(Berlin).is_err());
    assert!("daily 24:00".parse::<Schedule>().is_err());
    assert!("daily 9:5".parse::<Schedule>().is_err());
    assert!("weekly someday 09:00".parse::<Schedule>().is_err());
    assert!("sometimes".parse::<Schedule>().is_err());
    // Feb 29 fires (in a leap year), so it is valid.
    let leap: Schedule = "cron 0 12 29 2 *".parse().unwrap();
    assert!(leap.validate(Berlin).is_ok());
}

#[test]
fn text_and_json_round_trip() {
    for text in [
        "every 15m",
        "every 2h",
        "hourly :05",
        "daily 09:30",
        "weekly sun 23:59",
        "cron 0 9 * * 1-5",
    ] {
        let s: Schedule = text.parse().unwrap();
        assert_eq!(s.to_string(), text);
        let json = serde_json::to_value(&s).unwrap();
        let back: Schedule = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(back, s, "{json}");
    }
    let s: Schedule =
        serde_json::from_value(serde_json::json!({"weekly": {"day": "mon", "at": "09:30"}}))
            .unwrap();
    assert_eq!(s.to_string(), "weekly mon 09:30");
    assert!(
        serde_json::from_value::<Schedule>(serde_json::json!({"daily": {"at": "25:00"}})).is_err()
    );
}
