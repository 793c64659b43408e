// Browser test of the files to try (maps card): the FITS and NPY files the page offers for
// download are byte for byte those `galmass dataset examples --gallery www/examples/gallery.json
// --files DIR` writes (GALMASS_BIN names the binary); "load this example" puts them into the
// upload inputs with the galaxy's R_hsm, and the page's prediction equals `galmass predict`
// on the same FITS files to 1e-3 dex; stated seeing and noise pick the observed-conditions
// CNN and warn as `galmass predict --bundle www/models/cnn-observed.bundle --seeing-arcsec …`
// does, and a bad value is named with nothing lost; then its saliency
// maps open. Writes out/examples.png and
// out/examples-saliency.png.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CNN_BUNDLE_ARGS, check, galmass, openPage, outDir, predictedRow, repo, run } from './harness.mjs';

async function main() {
  await mkdir(outDir, { recursive: true });
  const scratch = await mkdtemp(join(tmpdir(), 'galmass-examples-'));
  const files = join(scratch, 'files');
  execFileSync(galmass, ['dataset', 'examples', '--gallery', join(repo, 'www', 'examples', 'gallery.json'),
    '--files', files], { stdio: ['ignore', 'ignore', 'inherit'] });
  const { page, close } = await openPage();
  try {
    const links = page.locator('[data-testid="example-file"]');
    await links.first().waitFor({ timeout: 30_000 });
    const n = await links.count();
    check(n === 18, `${n} example files offered (3 galaxies × r, g, vel × FITS, NPY)`);
    let same = 0;
    for (let k = 0; k < n; k++) {
      const name = await links.nth(k).getAttribute('download');
      const href = await links.nth(k).getAttribute('href');
      const bytes = Buffer.from(await page.evaluate(async (u) =>
        Array.from(new Uint8Array(await (await fetch(u)).arrayBuffer())), href));
      const cli = await readFile(join(files, name)).catch(() => null);
      if (cli && Buffer.compare(bytes, cli) === 0) same++;
      else check(false, `${name}: the page's bytes differ from galmass dataset examples --files`);
    }
    check(same === n, `${same}/${n} files equal byte for byte to the CLI's`);

    // Load the middle example and predict.
    const item = page.locator('[data-testid="example"]').nth(1);
    const k = await item.getAttribute('data-index');
    await page.click(`[data-testid="example-load-${k}"]`);
    await page.waitForSelector('[data-testid="example-loaded"]:not(:empty)');
    const chosen = await page.evaluate(() => ['upload-r', 'upload-g', 'upload-vel'].map((id) =>
      document.querySelector(`[data-testid="${id}"]`).files[0]?.name ?? ''));
    check(chosen.every((f) => f.endsWith('.fits')), `the upload inputs show the example's files: ${chosen.join(', ')}`);
    const rhsm = await page.inputValue('[data-testid="input-rhsm"]');
    await page.waitForSelector('[data-testid="backend"][data-ready="true"]', { timeout: 60_000 });
    await page.click('[data-testid="predict-button"]');
    await page.waitForSelector('[data-testid="cnn-predict"][data-runs="1"]', { timeout: 60_000 });
    const err = await page.textContent('[data-testid="error"]');
    check(!err, `no error after predicting the loaded example${err ? ': ' + err : ''}`);
    const browser = Number.parseFloat(await page.getAttribute('[data-testid="prediction-mstar"]', 'data-value'));
    const out = join(scratch, 'p.csv');
    execFileSync(galmass, ['predict', ...CNN_BUNDLE_ARGS, '--r', join(files, chosen[0]),
      '--g', join(files, chosen[1]), '--vel', join(files, chosen[2]), '--rhsm', rhsm, '--out', out],
      { stdio: ['ignore', 'ignore', 'inherit'] });
    const native = predictedRow(await readFile(out, 'utf8')).mstar;
    check(Math.abs(browser - native) <= 1e-3, `loaded example: browser M* ${browser} = galmass predict ${native}`);
    await page.locator('[data-testid="cnn-predict"]').screenshot({ path: join(outDir, 'examples.png') });

    // Observed maps: seeing 2.5″ on R_e 5″ (0.5 R_e) and S/N 20 pick the observed-conditions
    // CNN (automatic choice), which warns as galmass predict does with that bundle: it learned
    // an IFU footprint and binned kinematics, which these maps do not state.
    await page.click('details.conditions summary');
    for (const [id, v] of [['seeing-arcsec', '2.5'], ['re-arcsec', '5'], ['snr', '20'], ['redshift', '0.05']]) {
      await page.fill(`[data-testid="input-${id}"]`, v);
    }
    const pageWarn = await page.locator('[data-testid="conditions-warning"] li').allTextContents();
    const cliErr = spawnSync(galmass, ['predict', '--bundle', join(repo, 'www', 'models', 'cnn-observed.bundle'),
      '--r', join(files, chosen[0]), '--g', join(files, chosen[1]), '--vel', join(files, chosen[2]),
      '--seeing-arcsec', '2.5', '--re-arcsec', '5', '--snr-re', '20', '--redshift', '0.05',
      '--out', join(scratch, 'w.csv')]).stderr.toString();
    const cliWhy = cliErr.split('\n').filter((l) => l.startsWith('warning: the given maps: '))
      .map((l) => l.slice('warning: the given maps: '.length).split('; expect')[0]);
    check(cliWhy.length === 2 && pageWarn.length === cliWhy.length &&
      cliWhy.every((w, k) => pageWarn[k].startsWith(w)),
    `stated seeing and noise: the page warns as galmass predict with the observed-conditions bundle (${cliWhy.join(' | ')})`);
    const note = await page.textContent('[data-testid="conditions-note"]');
    check(/seeing 0\.50 R_e/.test(note) && /kpc/.test(note), `conditions in words: "${note}"`);
    await page.fill('[data-testid="input-seeing-arcsec"]', '-1');
    const bad = await page.textContent('[data-testid="conditions-error"]');
    check(/-1/.test(bad), `a negative seeing is named: "${bad}"`);
    const still = await page.evaluate(() => document.querySelector('[data-testid="upload-r"]').files[0]?.name ?? '');
    const shown = await page.getAttribute('[data-testid="prediction-mstar"]', 'data-value');
    check(still === chosen[0] && Number.parseFloat(shown) === browser, 'nothing lost: the files and the prediction stay');
    await page.fill('[data-testid="input-seeing-arcsec"]', '');
    await page.fill('[data-testid="input-snr"]', '');

    // Where the network looks, for the loaded example.
    await page.click('[data-testid="predict-saliency-button"]');
    await page.waitForSelector('[data-testid="predict-saliency"][data-state="done"]', { timeout: 300_000 });
    const maps = await page.locator('[data-testid="predict-saliency-map"]').count();
    const ms = Number(await page.getAttribute('[data-testid="predict-saliency"]', 'data-ms'));
    check(maps === 4, `maps card: ${maps} saliency maps of the loaded example in ${(ms / 1000).toFixed(1)} s`);
    await page.locator('[data-testid="cnn-predict"]').screenshot({ path: join(outDir, 'examples-saliency.png') });
  } finally {
    await close();
    await rm(scratch, { recursive: true, force: true });
  }
}

await run('examples browser test', main, 300);
