// Browser test of "Predict from numbers": the default GBDT bundle compiled into the page must
// predict exactly what the native CLI predicts from the same feature values
// (`galmass predict --bundle www/models/gbdt.bundle --features …`, run here; GALMASS_BIN names
// the binary), to 1e-3 dex (they share galmass-core's code path, so in practice to rounding).
// A non-numeric field shows an error and the page keeps working. No request leaves
// 127.0.0.1. Writes tests/e2e/out/predict.png. Exit code 0 = pass.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { check, galmass, openPage, outDir, predictedRow, repo, run } from './harness.mjs';

const bundle = join(repo, 'www', 'models', 'gbdt.bundle');

// A bright, old, pressure-supported galaxy — not the page's default example.
const ELLIPTICAL = {
  mr: -22.1, g_r: 0.78, sfr: 0.05, n_ser: 4.2, c_over_a: 0.7, sigma_v: 210,
  lambda_r: 0.12, bt: 0.8, f_cold: 0.1, f_hot: 0.6,
};

/** Native predictions for `features` (name → value): { target: log10 }. */
async function native(features, scratch) {
  const out = join(scratch, 'native.csv');
  const arg = Object.entries(features).map(([k, v]) => `${k}=${v}`).join(',');
  execFileSync(galmass, ['predict', '--bundle', bundle, '--features', arg, '--out', out],
    { stdio: ['ignore', 'ignore', 'inherit'] });
  return predictedRow(await readFile(out, 'utf8'));
}

async function browserPredict(page, features) {
  for (const [k, v] of Object.entries(features)) {
    await page.locator(`[data-testid="feature-${k}"]`).fill(String(v));
  }
  await page.click('[data-testid="features-predict-button"]');
  await page.waitForSelector('[data-testid="features-prediction-mstar"]', { timeout: 10_000 });
  const get = async (t) => Number.parseFloat(
    await page.getAttribute(`[data-testid="features-prediction-${t}"]`, 'data-value'));
  return { mstar: await get('mstar'), mtot: await get('mtot') };
}

async function main() {
  await mkdir(outDir, { recursive: true });
  const scratch = await mkdtemp(join(tmpdir(), 'galmass-predict-'));
  const { page, close } = await openPage();
  try {
    await page.waitForSelector('[data-testid="gbdt-predict"]', { timeout: 30_000 });

    // The page's own example, as shown in its fields.
    const example = {};
    for (const k of Object.keys(ELLIPTICAL)) {
      example[k] = Number.parseFloat(await page.inputValue(`[data-testid="feature-${k}"]`));
    }
    for (const [name, f] of [['example disc', example], ['elliptical', ELLIPTICAL]]) {
      const b = await browserPredict(page, f);
      const n = await native(f, scratch);
      for (const t of ['mstar', 'mtot']) {
        check(Number.isFinite(b[t]) && Math.abs(b[t] - n[t]) <= 1e-3,
          `${name}: ${t} in the browser ${b[t]} = native ${n[t]} (±1e-3 dex)`);
      }
    }
    // The model card quotes the bundle's test scatter, as the CLI does.
    const nat = await native(ELLIPTICAL, scratch);
    for (const t of ['mstar', 'mtot']) {
      const card = Number.parseFloat(await page.getAttribute(`[data-testid="card-gbdt-${t}"]`, 'data-value'));
      check(Math.abs(card - nat[`sigma_${t}`]) <= 1e-4, `model card: GBDT ${t} σ ${card} = CLI's quoted ${nat[`sigma_${t}`]}`);
    }
    check(((await page.textContent('[data-testid="features-backend"]')) ?? '').includes('WebAssembly'), 'backend shown');
    const lat = Number.parseFloat(await page.getAttribute('[data-testid="features-latency-ms"]', 'data-value'));
    check(Number.isFinite(lat) && lat >= 0 && lat < 1000, `latency shown: ${lat} ms`);
    await page.screenshot({ path: join(outDir, 'predict.png'), fullPage: true });

    // A field that is not a number: an error, then the page works again.
    await page.locator('[data-testid="feature-sigma_v"]').fill('');
    await page.click('[data-testid="features-predict-button"]');
    await page.waitForSelector('[data-testid="features-error"]:not([hidden])', { timeout: 10_000 });
    check(((await page.textContent('[data-testid="features-error"]')) ?? '').includes('sigma_v'),
      'an empty σ_v field is named in the error');
    const again = await browserPredict(page, ELLIPTICAL);
    check(Number.isFinite(again.mstar), 'after the error the page predicts again');
    check(await page.locator('[data-testid="features-error"]').isHidden(), 'the error is cleared');
  } finally {
    await close();
    await rm(scratch, { recursive: true, force: true });
  }
}

await run('predict browser test', main, 120);
