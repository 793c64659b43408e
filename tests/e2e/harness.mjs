// Shared by the browser tests: pass/fail bookkeeping, a Debian-Chromium page on a served
// www/dist that refuses (and records) any request leaving 127.0.0.1 and collects console
// and page errors, and the run-with-timeout wrapper that sets the exit code.
import { chromium } from 'playwright-core';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveDir } from './serve.mjs';

export const repo = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
export const outDir = join(repo, 'tests', 'e2e', 'out');
export const dist = process.env.GALMASS_DIST ?? join(repo, 'www', 'dist');
export const galmass = process.env.GALMASS_BIN ?? 'galmass';
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const BASE_FLAGS = ['--headless', '--no-sandbox', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

export const failures = [];
export function check(ok, what) {
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
}

/**
 * Opens www/dist in Chromium (`webgpu`: with --enable-unsafe-webgpu, else --disable-gpu;
 * `query`: appended to the address, e.g. '?backend=webgpu'; `initScript`: a function run in
 * the page before its own scripts, e.g. to observe long tasks).
 */
export async function openPage({ webgpu = false, height = 1400, query = '', initScript = null } = {}) {
  if (!(await stat(join(dist, 'index.html')).catch(() => null))) {
    throw new Error(`${dist}/index.html not found: run \`scripts/web.sh build\` first`);
  }
  const { server, url } = await serveDir(dist);
  const profile = await mkdtemp(join(tmpdir(), 'galmass-chromium-'));
  const args = [...BASE_FLAGS, webgpu ? '--enable-unsafe-webgpu' : '--disable-gpu'];
  const context = await chromium.launchPersistentContext(profile, {
    executablePath, headless: true, args, viewport: { width: 1200, height },
  });
  const errors = [];
  const foreign = [];
  await context.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if (u.protocol === 'data:' || u.protocol === 'blob:' || u.hostname === '127.0.0.1') {
      return route.continue();
    }
    foreign.push(route.request().url());
    return route.abort();
  });
  if (initScript) await context.addInitScript(initScript);
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  await page.goto(url + query, { waitUntil: 'load' });
  return {
    page,
    /** Checks no errors and no foreign requests, then closes everything. */
    async close() {
      check(errors.length === 0, `no console or page errors${errors.length ? ': ' + errors.join(' | ') : ''}`);
      check(foreign.length === 0, `no request to a host other than 127.0.0.1${foreign.length ? ': ' + foreign.join(', ') : ''}`);
      await context.close();
      server.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Runs `main` with a time limit; prints the verdict and sets the exit code. */
export async function run(name, main, seconds = 180) {
  const timer = setTimeout(() => {
    console.error(`${name}: timed out after ${seconds} s`);
    process.exit(1);
  }, seconds * 1000);
  try {
    await main();
  } catch (err) {
    failures.push(String(err?.stack ?? err));
    console.error(err);
  }
  clearTimeout(timer);
  if (failures.length) {
    console.error(`${name} FAILED (${failures.length}):\n - ${failures.join('\n - ')}`);
    process.exit(1);
  }
  console.log(`${name} passed`);
}

/** The `<t>_pred` and `<t>_sigma_dex` columns of a one-row CSV written by `galmass predict`. */
/** The page's CNN ensemble (www/models), as `galmass predict` arguments. */
export const CNN_BUNDLE_ARGS = ['cnn.bundle', 'cnn-2.bundle', 'cnn-3.bundle']
  .flatMap((b) => ['--bundle', join(repo, 'www', 'models', b)]);

export function predictedRow(text) {
  const [head, row] = text.trim().split('\n');
  const vals = row.split(',');
  const res = {};
  head.split(',').forEach((c, i) => {
    if (c.endsWith('_pred')) res[c.slice(0, -5)] = Number.parseFloat(vals[i]);
    if (c.endsWith('_sigma_dex')) res[`sigma_${c.slice(0, -10)}`] = Number.parseFloat(vals[i]);
    if (c.endsWith('_spread_dex')) res[`spread_${c.slice(0, -11)}`] = Number.parseFloat(vals[i]);
  });
  return res;
}
