// Browser test of the gallery: each of the twelve example galaxies (www/examples/gallery.json)
// is predicted by the bundled CNN when its image is clicked. For three of them the page's
// prediction must equal `galmass predict --bundle www/models/cnn.bundle --r … --g … --vel … --rhsm …`
// on the same maps written as NPY files here (GALMASS_BIN names the binary), to 1e-3 dex; and
// across all twelve the predicted log M* must follow the true one (Pearson r > 0.8), which
// fails if the maps reach the network mis-oriented or mis-scaled. Writes out/gallery.png.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CNN_BUNDLE_ARGS, check, galmass, openPage, outDir, predictedRow, repo, run } from './harness.mjs';
import { npy } from './npy.mjs';

function pearson(x, y) {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b) / n;
  const my = y.reduce((a, b) => a + b) / n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

async function main() {
  await mkdir(outDir, { recursive: true });
  const gallery = JSON.parse(await readFile(join(repo, 'www', 'examples', 'gallery.json'), 'utf8'));
  const scratch = await mkdtemp(join(tmpdir(), 'galmass-gallery-'));
  const { page, close } = await openPage();
  try {
    // Without WebGPU (no flag here) the maps card falls back to the CPU backend and says so.
    await page.waitForSelector('[data-testid="backend"][data-ready="true"]', { timeout: 60_000 });
    const backend = (await page.textContent('[data-testid="backend"]')) ?? '';
    check(backend.includes('CPU') && backend.includes('flex'), `without WebGPU the backend is the CPU: "${backend}"`);
    const tiles = page.locator('[data-testid="gallery-item"]');
    await tiles.first().waitFor({ timeout: 30_000 });
    const n = await tiles.count();
    check(n === gallery.examples.length && n === 12, `${n} gallery items`);
    const pred = [];
    const truth = [];
    for (let k = 0; k < n; k++) {
      const tile = tiles.nth(k);
      await tile.locator('button').click();
      const cell = tile.locator('[data-testid="gallery-pred-mstar"]');
      await cell.waitFor({ timeout: 30_000 });
      pred.push(Number.parseFloat(await cell.getAttribute('data-value')));
      truth.push(Number.parseFloat(await tile.getAttribute('data-true-mstar')));
      if (k === 0 || k === 6 || k === 11) {
        const ex = gallery.examples[k];
        const r = join(scratch, `r${k}.npy`);
        const g = join(scratch, `g${k}.npy`);
        const v = join(scratch, `v${k}.npy`);
        const out = join(scratch, `p${k}.csv`);
        await writeFile(r, npy([ex.r_side, ex.r_side], ex.r));
        await writeFile(g, npy([ex.r_side, ex.r_side], ex.g));
        await writeFile(v, npy([3, ex.vel_side, ex.vel_side], ex.vel));
        execFileSync(galmass, ['predict', ...CNN_BUNDLE_ARGS, '--r', r, '--g', g,
          '--vel', v, '--rhsm', String(ex.rhsm_kpc), '--out', out], { stdio: ['ignore', 'ignore', 'inherit'] });
        const native = predictedRow(await readFile(out, 'utf8')).mstar;
        check(Math.abs(native - pred[k]) <= 1e-3, `tile ${k}: browser ${pred[k]} = native ${native}`);
      }
    }
    const r = pearson(pred, truth);
    check(r > 0.8, `predicted vs true log M* over the 12 tiles: Pearson r = ${r.toFixed(3)} > 0.8`);
    await page.locator('[data-testid="gallery"]').screenshot({ path: join(outDir, 'gallery.png') });
  } finally {
    await close();
    await rm(scratch, { recursive: true, force: true });
  }
}

await run('gallery browser test', main, 180);
