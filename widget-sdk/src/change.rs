//! A value against the previous period: which way it moved, by how much,
//! and whether that is good news for the metric.
//!
//! Every place that shows a change — the metric card's trend line, the
//! trend chart's change figure, a PDF card, an alert message — words and
//! colours it the same way from here: a move smaller than
//! [`FLAT_PERCENT`] reads as flat (muted); otherwise it is good news when it
//! goes the metric's way (`higher_is_better`, from the metric's
//! `good = "up" | "down"`, see [`display::higher_is_better`]) and bad news
//! when not. A falling error rate is good news.
//!
//! ```
//! use wasmdash_plugin_sdk::change::{Change, Tone};
//! let c = Change::between(90.0, 100.0, false).unwrap();
//! assert_eq!((c.arrow(), c.text().as_str(), c.tone), ("▼", "-10.0%", Tone::Good));
//! assert_eq!(c.tone.class(), "wd-good");
//! assert_eq!(Change::between(5.0, 0.0, true).unwrap().text(), "new");
//! ```
//!
//! [`display::higher_is_better`]: crate::display::higher_is_better

use crate::format;

/// Changes smaller than this, in percent, read as flat.
pub const FLAT_PERCENT: f64 = 0.05;

/// Which way a value moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Way {
    /// It rose.
    Up,
    /// It fell.
    Down,
    /// It stayed (within [`FLAT_PERCENT`]).
    Flat,
}

/// Whether a change is news, and which kind, for the metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// It went the metric's way (a rise where higher is better).
    Good,
    /// It went against the metric's way.
    Bad,
    /// Flat, or nothing to compare.
    Neutral,
}

impl Tone {
    /// The tone of a move `way` for a metric where higher is better or not.
    pub fn of(way: Way, higher_is_better: bool) -> Self {
        match way {
            Way::Flat => Self::Neutral,
            Way::Up if higher_is_better => Self::Good,
            Way::Down if !higher_is_better => Self::Good,
            _ => Self::Bad,
        }
    }

    /// The tone of a change of `percent` (flat below [`FLAT_PERCENT`];
    /// not finite reads as neutral).
    pub fn of_percent(percent: f64, higher_is_better: bool) -> Self {
        if !percent.is_finite() {
            return Self::Neutral;
        }
        Self::of(way_of_percent(percent), higher_is_better)
    }

    /// The host stylesheet's class for it: `wd-good` (green), `wd-bad`
    /// (red) or `wd-neutral` (muted); it colours HTML text and SVG
    /// `<text>` alike.
    pub fn class(self) -> &'static str {
        match self {
            Self::Good => "wd-good",
            Self::Bad => "wd-bad",
            Self::Neutral => "wd-neutral",
        }
    }
}

fn way_of_percent(p: f64) -> Way {
    if p.abs() < FLAT_PERCENT {
        Way::Flat
    } else if p > 0.0 {
        Way::Up
    } else {
        Way::Down
    }
}

/// A value against its previous period's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Change {
    /// The change in percent; `None` from a previous value of zero (there
    /// is no percentage; [`Change::text`] says "new" or "down from 0").
    pub percent: Option<f64>,
    /// Which way it moved.
    pub way: Way,
    /// Whether that is good news for the metric.
    pub tone: Tone,
}

impl Change {
    /// `value` against `previous` for a metric where higher is better or
    /// not; `None` when either is not a finite number.
    pub fn between(value: f64, previous: f64, higher_is_better: bool) -> Option<Self> {
        if !value.is_finite() || !previous.is_finite() {
            return None;
        }
        let percent = format::percent_change(value, previous);
        let way = match percent {
            Some(p) => way_of_percent(p),
            None if value > previous => Way::Up,
            None if value < previous => Way::Down,
            None => Way::Flat,
        };
        Some(Self {
            percent,
            way,
            tone: Tone::of(way, higher_is_better),
        })
    }

    /// `▲`, `▼` or `→`.
    pub fn arrow(&self) -> &'static str {
        match self.way {
            Way::Up => "▲",
            Way::Down => "▼",
            Way::Flat => "→",
        }
    }

    /// `trend-up`, `trend-down` or `trend-flat` (the metric card's
    /// classes).
    pub fn trend_class(&self) -> &'static str {
        match self.way {
            Way::Up => "trend-up",
            Way::Down => "trend-down",
            Way::Flat => "trend-flat",
        }
    }

    /// The change as a reader sees it: `+25.0%`, `-10.0%`, `0.0%` when
    /// flat, and from zero `new` or `down from 0`.
    pub fn text(&self) -> String {
        match (self.way, self.percent) {
            (Way::Flat, _) => format::signed_percent(0.0),
            (_, Some(p)) => format::signed_percent(p),
            (Way::Up, None) => "new".to_owned(),
            (Way::Down, None) => "down from 0".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tone_follows_the_metrics_direction() {
        let rise = Change::between(125.0, 100.0, true).unwrap();
        assert_eq!(
            (rise.way, rise.tone, rise.text()),
            (Way::Up, Tone::Good, "+25.0%".into())
        );
        assert_eq!(
            Change::between(125.0, 100.0, false).unwrap().tone,
            Tone::Bad
        );
        let fall = Change::between(0.02, 0.03, false).unwrap();
        assert_eq!((fall.arrow(), fall.tone.class()), ("▼", "wd-good"));
        assert_eq!(Change::between(0.02, 0.03, true).unwrap().tone, Tone::Bad);
    }

    #[test]
    fn flat_zero_and_missing() {
        let flat = Change::between(100.01, 100.0, false).unwrap();
        assert_eq!(
            (flat.way, flat.tone, flat.text()),
            (Way::Flat, Tone::Neutral, "0.0%".into())
        );
        assert_eq!(flat.trend_class(), "trend-flat");
        assert_eq!(Change::between(5.0, 0.0, false).unwrap().tone, Tone::Bad);
        assert_eq!(
            Change::between(-5.0, 0.0, true).unwrap().text(),
            "down from 0"
        );
        assert_eq!(Change::between(0.0, 0.0, true).unwrap().way, Way::Flat);
        assert!(Change::between(f64::NAN, 1.0, true).is_none());
        assert_eq!(Tone::of_percent(-3.0, false), Tone::Good);
        assert_eq!(Tone::of_percent(0.01, true), Tone::Neutral);
        assert_eq!(Tone::of_percent(f64::INFINITY, true), Tone::Neutral);
    }
}
