//! An example galaxy as the files a person uploads: r and g images and the kinematic cube, as
//! FITS (with R_hsm and the truths in the header) and as NPY. `galmass dataset examples
//! --files` writes them and the web page offers the same bytes for download, both through
//! [`Example::files`].

use super::{Example, Gallery};
use crate::upload::write::{Card, CardValue, fits_image, npy_f32};

/// One example file: its name and bytes.
#[derive(Clone, Debug, PartialEq)]
pub struct ExampleFile {
    /// File name, e.g. `galaxy-1234-z_r.fits`.
    pub name: String,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

const AXES: [&str; 3] = ["x", "y", "z"];

impl Example {
    /// The stem of this example's file names: `galaxy-<id>-<axis>`.
    pub fn file_stem(&self) -> String {
        let axis = AXES.get(usize::from(self.projection)).unwrap_or(&"p");
        format!("galaxy-{}-{axis}", self.galaxy_id)
    }

    /// Header cards every FITS file of the example carries: where it comes from, R_hsm and the
    /// true masses inside it.
    fn cards(&self, what: &str, unit: &str) -> Vec<Card> {
        use CardValue::{Int, Real, Text};
        let axis = AXES.get(usize::from(self.projection)).unwrap_or(&"p");
        vec![
            Card::new("BUNIT", Text(unit.into()), what),
            Card::new("ORIGIN", Text("galmass".into()), "galmass dataset examples"),
            Card::new("OBJECT", Text(self.file_stem()), "mock galaxy, projection"),
            Card::new(
                "GALAXY",
                Int(self.galaxy_id as i64),
                "galaxy id in its dataset",
            ),
            Card::new("PROJ", Text((*axis).into()), "line of sight"),
            Card::new(
                "RHSM_KPC",
                Real(self.rhsm_kpc),
                "half-stellar-mass radius R_hsm, kpc",
            ),
            Card::new(
                "FOV_RHSM",
                Real(6.0),
                "map side in R_hsm (centred, +-3 R_hsm)",
            ),
            Card::new("TRUE_MST", Real(self.mstar), "true log10 M*(<R_hsm)/Msun"),
            Card::new("TRUE_MTO", Real(self.mtot), "true log10 Mtot(<R_hsm)/Msun"),
            Card::new(
                "TRUE_FDM",
                Real(self.fdm),
                "true dark-matter fraction (<R_hsm)",
            ),
        ]
    }

    /// The example's upload files, FITS then NPY: `<stem>_r`, `<stem>_g` (when the example has
    /// a g map) and `<stem>_vel` (planes V, σ in km/s and the 0/1 mask). Empty when the arrays
    /// do not match their sides.
    pub fn files(&self) -> Vec<ExampleFile> {
        let (rs, ks) = (self.r_side, self.vel_side);
        if self.inputs().is_none() {
            return Vec::new();
        }
        let light_unit = "Lsun/kpc2";
        let mut maps: Vec<(&str, usize, usize, &[f32], String)> =
            vec![("r", 1, rs, &self.r, "r-band surface brightness".into())];
        if let Some(g) = &self.g {
            maps.push(("g", 1, rs, g, "g-band surface brightness".into()));
        }
        maps.push((
            "vel",
            3,
            ks,
            &self.vel,
            "planes: V, sigma (km/s), mask".into(),
        ));
        let stem = self.file_stem();
        let mut out = Vec::new();
        for (name, planes, side, data, what) in &maps {
            let unit = if *planes == 1 { light_unit } else { "km/s" };
            out.push(ExampleFile {
                name: format!("{stem}_{name}.fits"),
                bytes: fits_image(*planes, *side, *side, data, &self.cards(what, unit)),
            });
        }
        for (name, planes, side, data, _) in &maps {
            let shape: Vec<usize> = if *planes == 1 {
                vec![*side, *side]
            } else {
                vec![*planes, *side, *side]
            };
            out.push(ExampleFile {
                name: format!("{stem}_{name}.npy"),
                bytes: npy_f32(&shape, data),
            });
        }
        out
    }
}

impl Gallery {
    /// The examples offered as files to try: the least massive, the middle and the most
    /// massive (at most three), as (index in the gallery, example).
    pub fn to_try(&self) -> Vec<(usize, &Example)> {
        let n = self.examples.len();
        let mut idx = vec![0, n / 2, n.saturating_sub(1)];
        idx.dedup();
        idx.into_iter()
            .filter_map(|k| self.examples.get(k).map(|e| (k, e)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::example;
    use super::*;
    use crate::bundle::cnn_input::GalaxyMap;

    /// The files read back through the upload path (`GalaxyMap::from_upload`, as the page and
    /// `galmass predict` read them) as the example's own maps, in both formats; the FITS header
    /// carries R_hsm and the truths.
    #[test]
    fn files_read_back_as_the_example() {
        let ex = example(Some(vec![0.5, 1.0, 1.5, 2.0]));
        let files = ex.files();
        let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "galaxy-7-z_r.fits",
                "galaxy-7-z_g.fits",
                "galaxy-7-z_vel.fits",
                "galaxy-7-z_r.npy",
                "galaxy-7-z_g.npy",
                "galaxy-7-z_vel.npy"
            ]
        );
        let want = ex.inputs().unwrap();
        for f in &files {
            let map = if f.name.contains("_vel") {
                2
            } else if f.name.contains("_g") {
                1
            } else {
                0
            };
            let got = GalaxyMap::from_upload(&f.name, &f.bytes, map != 2, 0, None).unwrap();
            assert_eq!(got, want.maps[map].1, "{}", f.name);
        }
        let head = String::from_utf8_lossy(&files[0].bytes[..2880]).to_string();
        for card in [
            "RHSM_KPC=                  4.0",
            "TRUE_MST=                 10.0",
            "TRUE_FDM=                  0.6",
        ] {
            assert!(head.contains(card), "{card} in {head}");
        }
    }

    /// Examples whose arrays do not match their sides give no files; `to_try` picks the ends
    /// and the middle without repeats.
    #[test]
    fn bad_examples_and_choice() {
        let mut bad = example(None);
        bad.r.pop();
        assert!(bad.files().is_empty());
        let g = |n: usize| Gallery {
            source: String::new(),
            examples: vec![example(None); n],
        };
        let idx = |n| g(n).to_try().iter().map(|p| p.0).collect::<Vec<_>>();
        assert_eq!(idx(12), [0, 6, 11]);
        assert_eq!(idx(1), [0]);
        assert_eq!(idx(2), [0, 1]);
        assert!(idx(0).is_empty());
    }
}
