//! Linear scales and round tick values.

/// Maps a domain interval onto a pixel range linearly.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinearScale {
    /// Input interval.
    pub domain: (f64, f64),
    /// Output interval (pixels); may be reversed, e.g. `(height, 0)` for y.
    pub range: (f64, f64),
}

impl LinearScale {
    /// A scale from `domain` to `range`. A zero-width or non-finite domain
    /// is widened so mapping never divides by zero.
    pub fn new(domain: (f64, f64), range: (f64, f64)) -> Self {
        let (mut lo, mut hi) = domain;
        if !lo.is_finite() || !hi.is_finite() {
            (lo, hi) = (0.0, 1.0);
        }
        if hi < lo {
            std::mem::swap(&mut lo, &mut hi);
        }
        if hi - lo == 0.0 {
            let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
            (lo, hi) = (lo - pad, hi + pad);
        }
        Self {
            domain: (lo, hi),
            range,
        }
    }

    /// A scale over the values' extent (optionally including zero, as bars
    /// and most business metrics want), widened to round tick values.
    pub fn for_values(
        values: impl IntoIterator<Item = f64>,
        include_zero: bool,
        range: (f64, f64),
    ) -> Self {
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for v in values.into_iter().filter(|v| v.is_finite()) {
            lo = lo.min(v);
            hi = hi.max(v);
        }
        if lo > hi {
            (lo, hi) = (0.0, 1.0);
        }
        if include_zero {
            lo = lo.min(0.0);
            hi = hi.max(0.0);
        }
        Self::new((lo, hi), range).nice(5)
    }

    /// Widen the domain to the nearest round ticks.
    pub fn nice(self, count: usize) -> Self {
        let ticks = nice_ticks(self.domain.0, self.domain.1, count);
        let step = match ticks.as_slice() {
            [a, b, ..] => b - a,
            _ => return self,
        };
        let lo = (self.domain.0 / step).floor() * step;
        let hi = (self.domain.1 / step).ceil() * step;
        Self::new((lo, hi), self.range)
    }

    /// The pixel position of `v`.
    pub fn map(&self, v: f64) -> f64 {
        let (d0, d1) = self.domain;
        let (r0, r1) = self.range;
        r0 + (v - d0) / (d1 - d0) * (r1 - r0)
    }

    /// Round tick values inside the domain, about `count` of them.
    pub fn ticks(&self, count: usize) -> Vec<f64> {
        nice_ticks(self.domain.0, self.domain.1, count)
    }
}

/// Round values (steps of 1, 2 or 5 × 10ⁿ) covering `[lo, hi]`, about
/// `count` of them.
///
/// ```
/// assert_eq!(wasmdash_plugin_sdk::svg::nice_ticks(0.0, 100.0, 5), vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
/// ```
pub fn nice_ticks(lo: f64, hi: f64, count: usize) -> Vec<f64> {
    if !lo.is_finite() || !hi.is_finite() || hi <= lo || count == 0 {
        return Vec::new();
    }
    let raw = (hi - lo) / count as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let first = (lo / step).ceil();
    let last = (hi / step).floor();
    let n = (last - first) as i64;
    if !(0..=1000).contains(&n) {
        return Vec::new();
    }
    // Multiply, not accumulate, so 0.1 steps do not drift; snap -0 to 0.
    (0..=n)
        .map(|i| {
            let v = (first + i as f64) * step;
            if v == 0.0 { 0.0 } else { v }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_and_reverses() {
        let s = LinearScale::new((0.0, 10.0), (100.0, 0.0));
        assert_eq!(s.map(0.0), 100.0);
        assert_eq!(s.map(5.0), 50.0);
    }

    #[test]
    fn degenerate_domains_do_not_divide_by_zero() {
        let s = LinearScale::new((3.0, 3.0), (0.0, 10.0));
        assert!(s.map(3.0).is_finite());
        let s = LinearScale::for_values([], true, (0.0, 10.0));
        assert!(s.map(0.0).is_finite());
        let s = LinearScale::new((f64::NAN, 1.0), (0.0, 1.0));
        assert!(s.map(0.5).is_finite());
    }

    #[test]
    fn nice_extends_to_round_values() {
        let s = LinearScale::for_values([3.0, 97.0], true, (0.0, 1.0));
        assert_eq!(s.domain, (0.0, 100.0));
        assert_eq!(nice_ticks(0.0, 1.0, 5).len(), 6);
        assert!(nice_ticks(1.0, 0.0, 5).is_empty());
    }
}
