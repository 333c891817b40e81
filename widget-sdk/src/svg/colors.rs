//! Category colours that follow the label, not the rank: "error" has the
//! same colour at 30 days and at 90 days, in the pie, the bars and the PDF.
//!
//! A label's colour is a hash of the label over the first seven palette
//! colours; the last one (slate) is kept for "Other". When two labels of
//! one chart hash to the same colour, the labels are taken in alphabetical
//! order and a later one moves to the next free colour, so the result
//! depends on the set of labels shown, never on their order or values.

use super::PALETTE;

/// The palette colours as the light theme draws them (`--c0`..`--c7` in the
/// host stylesheet), for output that cannot use CSS classes (PDF).
pub const PALETTE_HEX: [&str; PALETTE] = [
    "#4f46e5", "#0ea5e9", "#10b981", "#f59e0b", "#ef4444", "#8b5cf6", "#ec4899", "#64748b",
];

/// The palette index of the "Other" category.
pub const OTHER_INDEX: usize = PALETTE - 1;

/// The label (in any case: the host says "other") of the sum of the
/// categories past the top N.
pub const OTHER_LABEL: &str = "Other";

/// The palette index `label` has by itself (FNV-1a over its bytes).
pub fn label_index(label: &str) -> usize {
    if label.eq_ignore_ascii_case(OTHER_LABEL) {
        return OTHER_INDEX;
    }
    let mut hash: u32 = 0x811c_9dc5;
    for b in label.bytes() {
        hash ^= u32::from(b);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash as usize % OTHER_INDEX
}

/// The palette index of each of `labels` (one chart's categories): each
/// label's own colour, moved to the next free one on a clash (see the
/// module docs). Past seven distinct labels colours repeat.
pub fn category_indices<S: AsRef<str>>(labels: &[S]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..labels.len()).collect();
    order.sort_by(|a, b| labels[*a].as_ref().cmp(labels[*b].as_ref()));
    let mut taken = [false; PALETTE];
    let mut out = vec![0; labels.len()];
    for i in order {
        let own = label_index(labels[i].as_ref());
        let index = if own == OTHER_INDEX {
            own
        } else {
            (0..OTHER_INDEX)
                .map(|step| (own + step) % OTHER_INDEX)
                .find(|c| !taken[*c])
                .unwrap_or(own)
        };
        taken[index] = true;
        out[i] = index;
    }
    out
}

/// The colour of one category of a chart: the colour the config gives its
/// label (the `display` import's category colours), else its palette
/// colour by label ([`category_indices`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryColor {
    index: usize,
    configured: Option<String>,
}

impl CategoryColor {
    /// The palette class (`wd-cN`); themes the category unless it has a
    /// configured colour, which [`CategoryColor::fill`] gives.
    pub fn class(&self) -> String {
        super::palette(self.index)
    }

    /// The SVG `fill` value: the configured `#rrggbb`, else `currentColor`
    /// (which the palette class sets).
    pub fn fill(&self) -> &str {
        self.configured.as_deref().unwrap_or("currentColor")
    }

    /// The colour as `#rrggbb`, for output without CSS (PDF): the
    /// configured one, else the palette's light-theme colour.
    pub fn hex(&self) -> &str {
        self.configured
            .as_deref()
            .unwrap_or(PALETTE_HEX[self.index % PALETTE_HEX.len()])
    }

    /// Whether the config gives this category its colour.
    pub fn is_configured(&self) -> bool {
        self.configured.is_some()
    }

    /// A legend swatch (`wd-swatch`) in this colour.
    pub fn swatch(&self) -> String {
        match &self.configured {
            // No `style` passes the host's sanitizer: a configured colour
            // is drawn as a tiny SVG square.
            Some(hex) => format!(
                "<svg class=\"wd-swatch\" viewBox=\"0 0 10 10\" aria-hidden=\"true\">\
                 <rect width=\"10\" height=\"10\" rx=\"3\" fill=\"{hex}\"></rect></svg>"
            ),
            None => format!("<span class=\"wd-swatch {}\"></span>", self.class()),
        }
    }
}

/// The colour of each of `labels` (one chart's categories): the configured
/// one (from [`display::category_colors`](crate::display::category_colors),
/// matched exactly, else ignoring case), else the label's palette colour.
pub fn category_colors<S: AsRef<str>>(labels: &[S]) -> Vec<CategoryColor> {
    category_colors_with(labels, &crate::display::category_colors())
}

/// [`category_colors`] with the configured colours given.
pub fn category_colors_with<S: AsRef<str>>(
    labels: &[S],
    configured: &[(String, String)],
) -> Vec<CategoryColor> {
    let find = |label: &str| {
        configured
            .iter()
            .find(|(l, _)| l == label)
            .or_else(|| {
                configured
                    .iter()
                    .find(|(l, _)| l.eq_ignore_ascii_case(label))
            })
            .map(|(_, c)| c.clone())
    };
    category_indices(labels)
        .into_iter()
        .zip(labels)
        .map(|(index, label)| CategoryColor {
            index,
            configured: find(label.as_ref()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configured_colours_win_over_the_palette() {
        let configured = vec![
            ("error".to_owned(), "#dc2626".to_owned()),
            ("Completed".to_owned(), "#16a34a".to_owned()),
        ];
        let c = category_colors_with(&["completed", "error", "active"], &configured);
        assert_eq!(c[0].fill(), "#16a34a", "case-insensitive fallback");
        assert_eq!(c[1].hex(), "#dc2626");
        assert!(c[1].is_configured() && !c[2].is_configured());
        assert_eq!(c[2].fill(), "currentColor");
        assert_eq!(c[2].hex(), PALETTE_HEX[c[2].index]);
        assert!(c[1].swatch().contains("fill=\"#dc2626\""));
        assert!(c[2].swatch().starts_with("<span class=\"wd-swatch wd-c"));
        // Without configured colours it is the palette by label.
        let none = category_colors(&["error"]);
        assert_eq!(none[0].class(), super::super::palette(label_index("error")));
    }

    #[test]
    fn a_label_keeps_its_colour_whatever_its_rank() {
        let a = ["error", "completed", "active", "cancelled"];
        let b = ["active", "cancelled", "error", "completed"];
        let (ia, ib) = (category_indices(&a), category_indices(&b));
        for (i, label) in a.iter().enumerate() {
            let j = b.iter().position(|x| x == label).unwrap();
            assert_eq!(ia[i], ib[j], "{label}");
        }
        assert_eq!(category_indices(&["x", "Other"])[1], OTHER_INDEX);
        assert!(label_index("error") < OTHER_INDEX);
    }

    #[test]
    fn clashing_labels_get_distinct_colours() {
        let labels: Vec<String> = (0..7).map(|i| format!("region-{i}")).collect();
        let mut got = category_indices(&labels);
        got.sort_unstable();
        got.dedup();
        assert_eq!(got.len(), 7);
        assert!(got.iter().all(|i| *i < OTHER_INDEX));
    }
}
