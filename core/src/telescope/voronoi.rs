//! Voronoi binning of a map to a target signal-to-noise (Cappellari & Copin 2003, MNRAS 342,
//! 345), the standard way IFU surveys bin their spectra before measuring kinematics.
//!
//! 1. Bin accretion: a bin starts at the highest-S/N free pixel and takes, one at a time, the
//!    free pixel closest to its centroid while (a) that pixel touches the bin (within 1.2
//!    pixels of a member), (b) the bin stays round (r_max / r_eq − 1 ≤ 0.3, r_eq = √(n/π)),
//!    and (c) the bin's S/N moves towards the target. A closed bin with S/N ≥ 0.8 target is
//!    kept; otherwise its pixels are left unbinned. The next bin starts at the free pixel
//!    closest to the centroid of all binned pixels.
//! 2. The unbinned pixels join the bin of the nearest centroid.
//! 3. Centroidal Voronoi tessellation: every pixel goes to the nearest generator; generators
//!    move to their bins' centroids weighted by (S/N)²; repeated until no pixel changes bin
//!    (at most 50 times).
//!
//! A bin's S/N is ΣS / √(ΣN²) (independent pixel noise). Pixels already above the target are
//! bins of their own.

/// The bins of the pixels of a map.
#[derive(Clone, Debug, PartialEq)]
pub struct VoronoiBins {
    /// The bin of each input pixel (0 … n_bins − 1).
    pub bin_of: Vec<usize>,
    /// Number of bins.
    pub n_bins: usize,
    /// S/N of each bin.
    pub snr: Vec<f64>,
}

struct Accretion<'a> {
    xy: &'a [[f64; 2]],
    signal: &'a [f64],
    noise: &'a [f64],
    target: f64,
}

impl Accretion<'_> {
    fn snr(&self, members: &[usize]) -> f64 {
        let s: f64 = members.iter().map(|&p| self.signal[p]).sum();
        let n2: f64 = members.iter().map(|&p| self.noise[p].powi(2)).sum();
        if n2 > 0.0 { s / n2.sqrt() } else { 0.0 }
    }

    fn centroid(&self, members: &[usize]) -> [f64; 2] {
        let n = members.len().max(1) as f64;
        let mut c = [0.0, 0.0];
        for &p in members {
            c[0] += self.xy[p][0] / n;
            c[1] += self.xy[p][1] / n;
        }
        c
    }

    fn closest(&self, free: &[bool], to: [f64; 2]) -> Option<usize> {
        (0..self.xy.len())
            .filter(|&p| free[p])
            .min_by(|&a, &b| dist2(self.xy[a], to).total_cmp(&dist2(self.xy[b], to)))
    }

    /// Step 1: the bins kept (each a list of pixels) and the unbinned pixels.
    fn accrete(&self) -> Vec<Vec<usize>> {
        let n = self.xy.len();
        let mut free = vec![true; n];
        let mut bins: Vec<Vec<usize>> = Vec::new();
        let mut binned: Vec<usize> = Vec::new();
        let Some(mut start) = (0..n).max_by(|&a, &b| {
            (self.signal[a] / self.noise[a]).total_cmp(&(self.signal[b] / self.noise[b]))
        }) else {
            return bins;
        };
        loop {
            free[start] = false;
            let mut bin = vec![start];
            let mut sn = self.snr(&bin);
            while sn < self.target {
                let c = self.centroid(&bin);
                let Some(cand) = self.closest(&free, c) else {
                    break;
                };
                let touches = bin
                    .iter()
                    .any(|&m| dist2(self.xy[m], self.xy[cand]) <= 1.44);
                let mut with = bin.clone();
                with.push(cand);
                let cw = self.centroid(&with);
                let r_max = with
                    .iter()
                    .map(|&m| dist2(self.xy[m], cw).sqrt())
                    .fold(0.0, f64::max);
                let round = r_max / (with.len() as f64 / std::f64::consts::PI).sqrt() - 1.0 <= 0.3;
                let sn_with = self.snr(&with);
                let closer = (sn_with - self.target).abs() < (sn - self.target).abs();
                if !(touches && round && closer) {
                    break;
                }
                free[cand] = false;
                bin = with;
                sn = sn_with;
            }
            if sn >= 0.8 * self.target {
                binned.extend(&bin);
                bins.push(bin);
            }
            // Pixels of a failed bin stay out of further bins (they are assigned in step 2).
            let c = self.centroid(&binned);
            match self.closest(&free, if binned.is_empty() { self.xy[start] } else { c }) {
                Some(next) => start = next,
                None => break,
            }
        }
        bins
    }
}

fn dist2(a: [f64; 2], b: [f64; 2]) -> f64 {
    (a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)
}

/// Bins the pixels at `xy` (pixel units) with signal `signal` and noise `noise` (> 0) to
/// `target` S/N (module documentation). With no pixel reaching 0.8 target even all together,
/// everything is one bin.
pub fn voronoi_bins(xy: &[[f64; 2]], signal: &[f64], noise: &[f64], target: f64) -> VoronoiBins {
    let n = xy.len();
    let acc = Accretion {
        xy,
        signal,
        noise,
        target,
    };
    let bins = acc.accrete();
    if bins.is_empty() {
        let all: Vec<usize> = (0..n).collect();
        return VoronoiBins {
            bin_of: vec![0; n],
            n_bins: usize::from(n > 0),
            snr: if n > 0 { vec![acc.snr(&all)] } else { vec![] },
        };
    }
    // Step 2 and 3: generators at the accreted centroids, then CVT iterations.
    let mut generators: Vec<[f64; 2]> = bins.iter().map(|b| acc.centroid(b)).collect();
    let mut bin_of = vec![usize::MAX; n];
    for _ in 0..50 {
        let mut changed = false;
        for p in 0..n {
            let k = (0..generators.len())
                .min_by(|&a, &b| {
                    dist2(xy[p], generators[a]).total_cmp(&dist2(xy[p], generators[b]))
                })
                .unwrap_or(0);
            if bin_of[p] != k {
                bin_of[p] = k;
                changed = true;
            }
        }
        if !changed {
            break;
        }
        let mut sum = vec![[0.0, 0.0, 0.0]; generators.len()];
        for p in 0..n {
            let w = (signal[p] / noise[p]).powi(2);
            let s = &mut sum[bin_of[p]];
            s[0] += w * xy[p][0];
            s[1] += w * xy[p][1];
            s[2] += w;
        }
        for (g, s) in generators.iter_mut().zip(&sum) {
            if s[2] > 0.0 {
                *g = [s[0] / s[2], s[1] / s[2]];
            }
        }
    }
    // Renumber the bins that kept pixels.
    let mut index = vec![usize::MAX; generators.len()];
    let mut n_bins = 0;
    for b in &mut bin_of {
        if index[*b] == usize::MAX {
            index[*b] = n_bins;
            n_bins += 1;
        }
        *b = index[*b];
    }
    let mut members = vec![Vec::new(); n_bins];
    for (p, &b) in bin_of.iter().enumerate() {
        members[b].push(p);
    }
    let snr = members.iter().map(|m| acc.snr(m)).collect();
    VoronoiBins {
        bin_of,
        n_bins,
        snr,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A galaxy-like field: S/N falling exponentially from 60 at the centre of a 40×40 grid.
    fn field() -> (Vec<[f64; 2]>, Vec<f64>, Vec<f64>) {
        let side = 40;
        let mut xy = Vec::new();
        let (mut s, mut n) = (Vec::new(), Vec::new());
        for i in 0..side {
            for j in 0..side {
                let r = ((i as f64 - 19.5).powi(2) + (j as f64 - 19.5).powi(2)).sqrt();
                xy.push([j as f64, i as f64]);
                s.push(60.0 * (-r / 4.0).exp());
                n.push(1.0);
            }
        }
        (xy, s, n)
    }

    #[test]
    fn every_pixel_is_in_one_bin_and_the_bins_reach_the_target() {
        let (xy, s, n) = field();
        let target = 20.0;
        let v = voronoi_bins(&xy, &s, &n, target);
        assert_eq!(v.bin_of.len(), xy.len());
        assert!(v.bin_of.iter().all(|&b| b < v.n_bins));
        // Every bin holds pixels, and their S/N is ΣS/√ΣN² of its members.
        let mut count = vec![0; v.n_bins];
        v.bin_of.iter().for_each(|&b| count[b] += 1);
        assert!(count.iter().all(|&c| c > 0));
        assert!(v.n_bins > 20, "{} bins", v.n_bins);
        // The bins reach the target: none below 0.8 target except where the whole outskirts
        // together cannot (the outermost bins gather what is left), and the median near it.
        let mut snr = v.snr.clone();
        snr.sort_by(f64::total_cmp);
        let below = snr.iter().filter(|&&x| x < 0.8 * target).count();
        assert!(
            below * 10 <= v.n_bins,
            "{below} of {} bins below 0.8 target: {snr:?}",
            v.n_bins
        );
        let median = snr[snr.len() / 2];
        assert!((median / target - 1.0).abs() < 0.25, "median S/N {median}");
        // Pixels above the target stay bins of their own.
        let centre = 20 * 40 + 20;
        assert_eq!(count[v.bin_of[centre]], 1);
    }

    #[test]
    fn a_field_that_cannot_reach_the_target_is_one_bin() {
        let xy = vec![[0.0, 0.0], [1.0, 0.0]];
        let v = voronoi_bins(&xy, &[1.0, 1.0], &[1.0, 1.0], 100.0);
        assert_eq!((v.n_bins, v.bin_of.clone()), (1, vec![0, 0]));
        assert!((v.snr[0] - 2f64.sqrt()).abs() < 1e-12);
    }
}
