// Browser test of observed maps in the maps card (issue 16, beyond the paper): stating the
// seeing, noise, footprint and binning picks the bundled observed-conditions CNN (maps on
// ±3 R_e), which takes R_e in arcsec and a redshift; its prediction equals `galmass predict
// --bundle www/models/cnn-observed.bundle --re-arcsec R --redshift Z …` on the same files
// (GALMASS_BIN names the binary) and its warnings are predict's; the gallery then says which
// model is loaded and how to get the ideal one back; "ideal maps" predicts as the ensemble
// again; the model card shows the degradation study of www/models/degradation.json.
// Writes out/observed.png.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CNN_BUNDLE_ARGS, check, galmass, openPage, outDir, predictedRow, repo, run } from './harness.mjs';

const OBSERVED = ['--bundle', join(repo, 'www', 'models', 'cnn-observed.bundle')];

/** The reasons of `warning: the given maps: …` lines of a `galmass predict` stderr. */
function warnings(stderr) {
  return stderr.split('\n').filter((l) => l.startsWith('warning: the given maps: '))
    .map((l) => l.slice('warning: the given maps: '.length).split('; expect')[0]);
}

async function main() {
  await mkdir(outDir, { recursive: true });
  const scratch = await mkdtemp(join(tmpdir(), 'galmass-observed-'));
  const files = join(scratch, 'files');
  execFileSync(galmass, ['dataset', 'examples', '--gallery', join(repo, 'www', 'examples', 'gallery.json'),
    '--files', files], { stdio: ['ignore', 'ignore', 'inherit'] });
  const { page, close } = await openPage();
  try {
    await page.locator('[data-testid="example-load-0"]').waitFor({ timeout: 30_000 });
    await page.click('[data-testid="example-load-0"]');
    await page.waitForSelector('[data-testid="example-loaded"]:not(:empty)');
    const chosen = await page.evaluate(() => ['upload-r', 'upload-g', 'upload-vel'].map((id) =>
      document.querySelector(`[data-testid="${id}"]`).files[0]?.name ?? ''));
    const maps = ['--r', join(files, chosen[0]), '--g', join(files, chosen[1]), '--vel', join(files, chosen[2])];
    await page.waitForSelector('[data-testid="backend"][data-ready="true"]', { timeout: 60_000 });

    // A MaNGA-like statement: 2.5″ seeing on R_e 5″ at z 0.05, S/N 20, IFU 1.5 R_e, binned to 10.
    await page.click('details.conditions summary');
    const stated = [['seeing-arcsec', '2.5'], ['re-arcsec', '5'], ['snr', '20'], ['redshift', '0.05'],
      ['ifu-re', '1.5'], ['voronoi-snr', '10']];
    for (const [id, v] of stated) await page.fill(`[data-testid="input-${id}"]`, v);
    const will = await page.textContent('[data-testid="model-chosen"]');
    check(/observed-conditions CNN/.test(will) && /±3 R_e/.test(will), `automatic choice: "${will}"`);
    const cliArgs = ['--re-arcsec', '5', '--redshift', '0.05', '--seeing-arcsec', '2.5', '--snr-re', '20',
      '--ifu-re', '1.5', '--voronoi-snr', '10'];
    const out = join(scratch, 'o.csv');
    const cli = spawnSync(galmass, ['predict', ...OBSERVED, ...maps, ...cliArgs, '--out', out]);
    check(cli.status === 0, `galmass predict with the observed model: exit ${cli.status} ${cli.stderr}`);
    const pageWarn = await page.locator('[data-testid="conditions-warning"] li').allTextContents();
    check(pageWarn.length === 0 && warnings(cli.stderr.toString()).length === 0,
      `MaNGA-like statement inside what the observed model learned: ${pageWarn.length} page warnings, CLI ${warnings(cli.stderr.toString()).length}`);
    await page.click('[data-testid="predict-button"]');
    await page.waitForSelector('[data-testid="cnn-predict"][data-runs="1"]', { timeout: 60_000 });
    const err = await page.textContent('[data-testid="error"]');
    check(!err, `no error predicting with the observed model${err ? ': ' + err : ''}`);
    const models = await page.textContent('[data-testid="models"]');
    check(/observed-conditions CNN/.test(models), `models line: "${models}"`);
    const native = predictedRow(await readFile(out, 'utf8'));
    for (const t of ['mstar', 'mtot']) {
      const b = Number.parseFloat(await page.getAttribute(`[data-testid="prediction-${t}"]`, 'data-value'));
      check(Math.abs(b - native[t]) <= 1e-3,
        `observed model, R_e 5″ at z 0.05: browser ${t} ${b.toFixed(5)} = galmass predict ${native[t].toFixed(5)}`);
    }
    await page.locator('[data-testid="cnn-predict"]').screenshot({ path: join(outDir, 'observed.png') });

    // Without the redshift the observed model has no R_e in kpc: named, nothing lost.
    await page.fill('[data-testid="input-redshift"]', '');
    await page.click('[data-testid="predict-button"]');
    await page.waitForSelector('[data-testid="cnn-predict"][data-runs="2"]', { timeout: 60_000 });
    const noZ = await page.textContent('[data-testid="error"]');
    check(/±3 R_e/.test(noZ) && /redshift/.test(noZ), `no redshift: "${noZ}"`);
    // A distance instead: D_A(z = 0.05) = 208.28 Mpc gives R_e in kpc as z = 0.05 does.
    await page.fill('[data-testid="input-distance-mpc"]', '208.28');
    await page.click('[data-testid="predict-button"]');
    await page.waitForSelector('[data-testid="cnn-predict"][data-runs="3"]', { timeout: 60_000 });
    const dOut = join(scratch, 'd.csv');
    const dArgs = cliArgs.map((a) => (a === '--redshift' ? '--distance-mpc' : a === '0.05' ? '208.28' : a));
    execFileSync(galmass, ['predict', ...OBSERVED, ...maps, ...dArgs, '--out', dOut], { stdio: ['ignore', 'ignore', 'inherit'] });
    const byD = Number.parseFloat(await page.getAttribute('[data-testid="prediction-mstar"]', 'data-value'));
    const byDCli = predictedRow(await readFile(dOut, 'utf8')).mstar;
    check(Math.abs(byD - byDCli) <= 1e-3 && Math.abs(byD - native.mstar) <= 2e-3,
      `R_e 5″ at 208.28 Mpc: browser M* ${byD.toFixed(5)} = galmass predict --distance-mpc ${byDCli.toFixed(5)} ≈ at z 0.05`);
    await page.fill('[data-testid="input-distance-mpc"]', '');
    await page.fill('[data-testid="input-redshift"]', '0.05');

    // The gallery's galaxies are ideal ±3 R_hsm maps: the loaded observed model says so.
    await page.locator('[data-testid="gallery"] .tile-button').first().click();
    const tileErr = page.locator('[data-testid="gallery"] .error').first();
    await tileErr.waitFor({ timeout: 60_000 });
    const why = await tileErr.textContent();
    check(/±3 R_hsm/.test(why) && /±3 R_e/.test(why) && /ideal maps/.test(why), `gallery with the observed model: "${why}"`);

    // "ideal maps": the ensemble again, with its warnings and its prediction (R_hsm).
    await page.selectOption('[data-testid="model-choice"]', 'ideal');
    const idealWarn = await page.locator('[data-testid="conditions-warning"] li').allTextContents();
    const rhsm = await page.inputValue('[data-testid="input-rhsm"]');
    const cliIdeal = spawnSync(galmass, ['predict', ...CNN_BUNDLE_ARGS, ...maps, '--rhsm', rhsm,
      '--seeing-re', '0.5', '--snr-re', '20', '--ifu-re', '1.5', '--voronoi-snr', '10', '--out', join(scratch, 'i.csv')]);
    const cliWhy = warnings(cliIdeal.stderr.toString());
    check(cliWhy.length === 4 && idealWarn.length === 4 && cliWhy.every((w, k) => idealWarn[k].startsWith(w)),
      `ideal ensemble on MaNGA-like maps: the page warns as galmass predict (${cliWhy.join(' | ')})`);
    await page.click('[data-testid="predict-button"]');
    await page.waitForSelector('[data-testid="cnn-predict"][data-runs="4"]', { timeout: 60_000 });
    const ideal = Number.parseFloat(await page.getAttribute('[data-testid="prediction-mstar"]', 'data-value'));
    const idealCli = predictedRow(await readFile(join(scratch, 'i.csv'), 'utf8')).mstar;
    check(Math.abs(ideal - idealCli) <= 1e-3, `"ideal maps": browser M* ${ideal} = galmass predict ${idealCli}`);
    check(/ensemble of 3 CNNs/.test(await page.textContent('[data-testid="models"]')), 'models line back to the ensemble');

    // The model card's degradation table is degradation.json's.
    const doc = JSON.parse(await readFile(join(repo, 'www', 'models', 'degradation.json'), 'utf8'));
    const rows = await page.locator('[data-testid="card-degradation"] tbody tr').count();
    const manga = await page.textContent('[data-testid="card-degradation-manga"]');
    const r = doc.rows.find((x) => x.condition === 'manga' && x.model === 'manga' && x.target === 'mstar');
    check(rows === 8 && manga.includes(r.sigma_dex.toFixed(3)),
      `model card: ${rows} conditions; MaNGA-trained on MaNGA-like maps σ(M*) ${r.sigma_dex.toFixed(3)} as in degradation.json`);

    // Its cross-physics limitation is cross_physics.json's: per variant, the default-trained
    // CNN's bias and σ of M* on it beside the variant's own CNN.
    const cross = JSON.parse(await readFile(join(repo, 'www', 'models', 'cross_physics.json'), 'utf8'));
    for (const v of cross.settings.variants.filter((x) => x !== 'default')) {
      const text = await page.textContent(`[data-testid="card-cross-physics-${v}"]`);
      const row = (train, m) => cross.rows.find((x) => x.train === train && x.test === v && x.model === m && x.target === 'mstar');
      const moved = row('default', 'cnn');
      const own = row(v, 'cnn');
      const bias = `${moved.mean_dex >= 0 ? '+' : '-'}${Math.abs(moved.mean_dex).toFixed(3)}`;
      check(text.includes(`${bias} ± ${moved.sigma_dex.toFixed(3)}`) && text.includes(`± ${own.sigma_dex.toFixed(3)}`),
        `model card, cross-physics on ${v}: ${text.trim()}`);
    }
  } finally {
    await close();
    await rm(scratch, { recursive: true, force: true });
  }
}

await run('observed maps browser test', main, 240);
