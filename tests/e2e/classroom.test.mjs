// Browser test of the Classroom: the page builds a galaxy from the six sliders with
// galmass-core compiled to wasm32, draws its four maps and has both bundled models weigh it.
// Checks physics the page cannot fake — the true M*(< R_hsm) is half the stellar mass asked
// for (R_hsm is the half-mass radius); a heavier halo raises the true total mass but not the
// stellar one — and that a slider change redraws the maps and re-runs both predictions.
// Seeing and noise sliders blur and speckle the maps while the truth stays.
// Writes out/classroom.png, out/classroom-edge-on.png and out/classroom-seeing.png.
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { check, openPage, outDir, run } from './harness.mjs';

const LOG2 = Math.log10(2);

async function state(page) {
  const num = async (id) =>
    Number.parseFloat(await page.getAttribute(`[data-testid="${id}"]`, 'data-value'));
  const maps = {};
  for (const m of ['r', 'g', 'v', 'sigma']) {
    maps[m] = await page.getAttribute(`[data-testid="classroom-map-${m}"]`, 'src');
  }
  return {
    runs: Number(await page.getAttribute('[data-testid="classroom"]', 'data-runs')),
    buildMs: Number(await page.getAttribute('[data-testid="classroom-status"]', 'data-build-ms')),
    truth: {
      mstar: await num('classroom-truth-mstar'),
      mtot: await num('classroom-truth-mtot'),
      fdm: await num('classroom-truth-fdm'),
    },
    cnn: { mstar: await num('classroom-cnn-mstar'), mtot: await num('classroom-cnn-mtot') },
    gbdt: { mstar: await num('classroom-gbdt-mstar'), mtot: await num('classroom-gbdt-mtot') },
    maps,
  };
}

async function settle(page, runs) {
  await page.waitForSelector(
    `[data-testid="classroom"][data-runs="${runs}"][data-busy="false"]`, { timeout: 60_000 });
  return state(page);
}

async function slide(page, id, value) {
  await page.locator(`[data-testid="classroom-${id}"]`).fill(String(value));
}

async function main() {
  await mkdir(outDir, { recursive: true });
  const { page, close } = await openPage();
  try {
    const t0 = Date.now();
    const a = await settle(page, 1);
    console.log(`first Classroom galaxy shown ${Date.now() - t0} ms after load; built in ${a.buildMs.toFixed(0)} ms`);
    const logMstar = Number(await page.inputValue('[data-testid="classroom-mstar"]'));
    check(Math.abs(a.truth.mstar - (logMstar - LOG2)) < 0.02,
      `true M*(<R_hsm) ${a.truth.mstar.toFixed(3)} = half of 10^${logMstar} (${(logMstar - LOG2).toFixed(3)})`);
    check(a.truth.mtot > a.truth.mstar, `true Mtot ${a.truth.mtot.toFixed(3)} > M* ${a.truth.mstar.toFixed(3)}`);
    for (const [model, p] of [['CNN', a.cnn], ['GBDT', a.gbdt]]) {
      for (const t of ['mstar', 'mtot']) {
        check(Number.isFinite(p[t]) && Math.abs(p[t] - a.truth[t]) < 0.5,
          `${model} ${t} ${p[t]?.toFixed(3)} within 0.5 dex of the truth ${a.truth[t].toFixed(3)}`);
      }
    }
    for (const [m, src] of Object.entries(a.maps)) {
      check(src?.startsWith('data:image/png;base64,') && src.length > 200, `map ${m} is drawn`);
    }
    await page.locator('[data-testid="classroom"]').screenshot({ path: join(outDir, 'classroom.png') });

    // Tilt it edge-on: new maps, new predictions, same galaxy (same truths in 3D).
    await slide(page, 'inclination', 90);
    const b = await settle(page, 2);
    for (const m of ['r', 'g', 'v', 'sigma']) check(b.maps[m] !== a.maps[m], `edge-on: map ${m} redrawn`);
    check(b.cnn.mstar !== a.cnn.mstar && b.gbdt.mstar !== a.gbdt.mstar,
      `edge-on: predictions re-run (CNN ${a.cnn.mstar.toFixed(3)} → ${b.cnn.mstar.toFixed(3)}, GBDT ${a.gbdt.mstar.toFixed(3)} → ${b.gbdt.mstar.toFixed(3)})`);
    check(Math.abs(b.truth.mstar - a.truth.mstar) < 1e-9, 'edge-on: the 3D truth is unchanged');
    await page.locator('[data-testid="classroom"]').screenshot({ path: join(outDir, 'classroom-edge-on.png') });

    // A heavier halo around the same stars: more dark matter inside R_hsm.
    const mhalo = Number(await page.inputValue('[data-testid="classroom-mhalo"]'));
    await slide(page, 'mhalo', 13.5);
    const c = await settle(page, 3);
    check(Math.abs(c.truth.mstar - b.truth.mstar) < 0.02, `heavier halo: M* stays (${c.truth.mstar.toFixed(3)})`);
    check(c.truth.mtot > b.truth.mtot + 0.03 && c.truth.fdm > b.truth.fdm,
      `halo 10^${mhalo} → 10^13.5: f_DM ${b.truth.fdm.toFixed(3)} → ${c.truth.fdm.toFixed(3)}, true Mtot ${b.truth.mtot.toFixed(3)} → ${c.truth.mtot.toFixed(3)}`);
    check(c.cnn.mtot !== b.cnn.mtot, 'heavier halo: the CNN re-ran');

    // More stars in the same halo: brighter pictures, and the CNN must weigh more stars
    // (physics: log M* up by the step; the network reads light per patch of the galaxy).
    const step = logMstar + 0.5 <= 11.5 ? 0.5 : -0.5;
    await slide(page, 'mstar', logMstar + step);
    const d = await settle(page, 4);
    const sgn = Math.sign(step);
    check(sgn * (d.truth.mstar - c.truth.mstar) > 0.3,
      `stellar mass 10^${logMstar} → 10^${logMstar + step}: true M* ${c.truth.mstar.toFixed(3)} → ${d.truth.mstar.toFixed(3)}`);
    check(sgn * (d.cnn.mstar - c.cnn.mstar) > 0.1,
      `stellar mass ${step > 0 ? 'up' : 'down'}: the CNN's M* follows (${c.cnn.mstar.toFixed(3)} → ${d.cnn.mstar.toFixed(3)})`);

    // Seeing (issue 16, beyond the paper): the same galaxy through a blurring atmosphere. The
    // maps change, the truth does not; the CNN, which reads the maps, re-runs and moves; the
    // GBDT reads numbers measured from the particles, which the seeing does not touch.
    await slide(page, 'seeing', 1);
    const e = await settle(page, 5);
    for (const m of ['r', 'g', 'v', 'sigma']) check(e.maps[m] !== d.maps[m], `seeing 1 R_e: map ${m} redrawn`);
    check(Math.abs(e.truth.mstar - d.truth.mstar) < 1e-9 && Math.abs(e.truth.mtot - d.truth.mtot) < 1e-9,
      'seeing: the truth is unchanged');
    check(e.cnn.mstar !== d.cnn.mstar || e.cnn.mtot !== d.cnn.mtot,
      `seeing: the CNN re-ran on the blurred maps (M* ${d.cnn.mstar.toFixed(3)} → ${e.cnn.mstar.toFixed(3)}, Mtot ${d.cnn.mtot.toFixed(3)} → ${e.cnn.mtot.toFixed(3)})`);
    check(e.gbdt.mstar === d.gbdt.mstar, 'seeing: the GBDT (particle-measured numbers) is unchanged');
    await slide(page, 'noise', 0.1);
    const f = await settle(page, 6);
    for (const m of ['r', 'v']) check(f.maps[m] !== e.maps[m], `noise S/N 10: map ${m} speckled`);
    check(Number.isFinite(f.cnn.mstar) && Number.isFinite(f.cnn.mtot), 'noise: the CNN still answers');
    await page.locator('[data-testid="classroom"]').screenshot({ path: join(outDir, 'classroom-seeing.png') });
    console.log(`build times in the browser: ${[a, b, c, d, e, f].map((s) => s.buildMs.toFixed(0)).join(', ')} ms`);
  } finally {
    await close();
  }
}

await run('classroom browser test', main, 180);
