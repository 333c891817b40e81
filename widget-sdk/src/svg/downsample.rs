//! Reducing long series to about one point per pixel.

/// Keep the first, the minimum, the maximum and the last point of each of
/// `buckets` equal slices (in input order), so spikes survive. Input with
/// at most `2 * buckets` points is returned as is.
pub fn min_max(points: &[(f64, f64)], buckets: usize) -> Vec<(f64, f64)> {
    let buckets = buckets.max(1);
    if points.len() <= 2 * buckets {
        return points.to_vec();
    }
    let mut out = Vec::with_capacity(4 * buckets);
    let per = points.len().div_ceil(buckets);
    for chunk in points.chunks(per) {
        let (mut lo, mut hi) = (0, 0);
        for (i, p) in chunk.iter().enumerate() {
            if p.1 < chunk[lo].1 {
                lo = i;
            }
            if p.1 > chunk[hi].1 {
                hi = i;
            }
        }
        let mut keep = [0, lo, hi, chunk.len() - 1];
        keep.sort_unstable();
        let mut last = usize::MAX;
        for k in keep {
            if k != last {
                out.push(chunk[k]);
                last = k;
            }
        }
    }
    out
}

/// Largest-Triangle-Three-Buckets: `threshold` points that keep the
/// series' visual shape. Returns the input when it is already short enough.
pub fn lttb(points: &[(f64, f64)], threshold: usize) -> Vec<(f64, f64)> {
    let n = points.len();
    if threshold >= n || threshold < 3 {
        return points.to_vec();
    }
    let mut out = Vec::with_capacity(threshold);
    out.push(points[0]);
    let every = (n - 2) as f64 / (threshold - 2) as f64;
    let mut a = 0;
    for i in 0..threshold - 2 {
        let start = (i as f64 * every) as usize + 1;
        let end = (((i + 1) as f64 * every) as usize + 1).min(n - 1);
        let next_end = (((i + 2) as f64 * every) as usize + 1).min(n);
        let next = &points[end..next_end.max(end + 1)];
        let avg = next.iter().fold((0.0, 0.0), |s, p| (s.0 + p.0, s.1 + p.1));
        let (ax, ay) = (avg.0 / next.len() as f64, avg.1 / next.len() as f64);
        let (px, py) = points[a];
        let mut best = start;
        let mut best_area = -1.0;
        for (j, p) in points[start..end.max(start + 1)].iter().enumerate() {
            let area = ((px - ax) * (p.1 - py) - (px - p.0) * (ay - py)).abs();
            if area > best_area {
                best_area = area;
                best = start + j;
            }
        }
        out.push(points[best]);
        a = best;
    }
    out.push(points[n - 1]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(n: usize) -> Vec<(f64, f64)> {
        (0..n)
            .map(|i| (i as f64, ((i * 37) % 101) as f64))
            .collect()
    }

    #[test]
    fn min_max_keeps_extremes_and_bounds() {
        let mut pts = series(10_000);
        pts[5000].1 = 1e6;
        let out = min_max(&pts, 100);
        assert!(out.len() <= 400);
        assert!(out.iter().any(|p| p.1 == 1e6));
        assert_eq!(out.first(), pts.first());
        assert_eq!(out.last(), pts.last());
        assert!(out.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(min_max(&pts[..10], 100).len(), 10);
    }

    #[test]
    fn lttb_has_exact_size_and_ends() {
        let pts = series(1000);
        let out = lttb(&pts, 50);
        assert_eq!(out.len(), 50);
        assert_eq!(out[0], pts[0]);
        assert_eq!(out[49], pts[999]);
        assert!(out.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(lttb(&pts[..5], 50).len(), 5);
    }
}
