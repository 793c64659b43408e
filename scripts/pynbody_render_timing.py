"""Times pynbody rendering one 300x300 SPH image of the same star particles as galmass.

Input: the text file written by
`cargo run -p galmass-core --example observe_timing --release -- N stars.txt`
(header `# rhsm_kpc R`, then rows x y z [kpc] L_r [Lsun], line of sight z).

pynbody's defaults: 32-neighbour smoothing from its own k-d tree, projected image of the
density of `mass` (= L_r here) projected along z (out_units Lsun/kpc^2 stand-in Msol/kpc^2),
field +-3 R_hsm. Prints the median time of (a) smoothing + density, (b) the image render, over
fresh snapshots, and the flux the image holds compared with the particles' luminosity.

Usage: python pynbody_render_timing.py stars.txt [REPEATS]
"""

import sys
import time

import numpy as np
import pynbody


def main():
    path = sys.argv[1]
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    with open(path) as f:
        rhsm = float(f.readline().split()[2])
    data = np.loadtxt(path)
    pos, lum = data[:, :3], data[:, 3]
    width = 6.0 * rhsm
    t_smooth, t_render, t_total = [], [], []
    img = None
    for _ in range(reps):
        snap = pynbody.new(star=len(lum))
        snap.s["pos"] = pynbody.array.SimArray(pos, "kpc")
        snap.s["mass"] = pynbody.array.SimArray(lum, "Msol")
        t0 = time.perf_counter()
        _ = snap.s["rho"]  # 32-neighbour smoothing lengths + SPH density (pynbody default)
        t1 = time.perf_counter()
        img = pynbody.sph.render_image(
            snap.s, quantity="rho", width=width, resolution=300, out_units="Msol kpc**-2"
        )
        t2 = time.perf_counter()
        t_smooth.append(t1 - t0)
        t_render.append(t2 - t1)
        t_total.append(t2 - t0)
    img = np.asarray(img, dtype=np.float64)
    pix = width / 300.0
    flux = img.sum() * pix * pix
    h = np.asarray(snap.s["smooth"])
    # pynbody's kernel support is 2h; particles whose support lies inside the field.
    inside = (np.abs(pos[:, 0]) + 2 * h < 0.5 * width) & (np.abs(pos[:, 1]) + 2 * h < 0.5 * width)
    # Flux conservation: render only the stars whose whole support lies inside the field.
    sub = pynbody.sph.render_image(
        snap.s[inside], quantity="rho", width=width, resolution=300, out_units="Msol kpc**-2"
    )
    sub_flux = np.asarray(sub, dtype=np.float64).sum() * pix * pix
    print(f"pynbody {pynbody.__version__}: {len(lum)} stars, R_hsm = {rhsm:.4g} kpc, 300^2 image")
    print(f"  smoothing + density median {1e3 * np.median(t_smooth):.1f} ms")
    print(f"  image render        median {1e3 * np.median(t_render):.1f} ms")
    print(f"  total per image     median {1e3 * np.median(t_total):.1f} ms")
    print(f"  image flux / L(all stars) = {flux / lum.sum():.5f}")
    print(
        f"  flux conservation: stars with support inside the field only "
        f"({inside.sum()} of {len(lum)}): image / L = {sub_flux / lum[inside].sum():.5f}"
    )


if __name__ == "__main__":
    main()
