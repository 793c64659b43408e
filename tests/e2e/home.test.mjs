// Browser test of the galmass web app's first page.
//
// Serves www/dist (built by scripts/web.sh) on 127.0.0.1, opens it in Debian's Chromium through
// playwright-core (never a downloaded browser), and checks that galmass-core, compiled to
// WebAssembly, computed the Hernquist (1990) numbers the physics says:
//   M(<r) = M r² / (r + a)²,   r½ = (1 + √2) a,   M(<r½) = M / 2,
// for M = 1e11 M☉, a = 2 kpc, and again after moving the scale-length slider to a = 3 kpc.
// Also: no console errors, no page errors, no request to any host but 127.0.0.1.
// Writes tests/e2e/out/home.png (and home-a3.png). Exit code 0 = pass.
import { chromium } from 'playwright-core';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveDir } from './serve.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = join(here, '..', '..');
const dist = process.env.GALMASS_DIST ?? join(repo, 'www', 'dist');
const outDir = join(here, 'out');
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--enable-unsafe-webgpu',
];

const failures = [];
function check(ok, what) {
  if (ok) console.log(`  ok   ${what}`);
  else {
    console.log(`  FAIL ${what}`);
    failures.push(what);
  }
}
function close(actual, expected, rel, what) {
  const good = Number.isFinite(actual) && Math.abs(actual - expected) <= rel * Math.abs(expected);
  check(good, `${what}: ${actual} vs analytic ${expected} (rel tol ${rel})`);
}

async function workspaceVersion() {
  const toml = await readFile(join(repo, 'Cargo.toml'), 'utf8');
  const section = toml.split(/^\[workspace\.package\]\s*$/m)[1] ?? '';
  const m = section.match(/^version\s*=\s*"([^"]+)"/m);
  if (!m) throw new Error('no version in [workspace.package] of Cargo.toml');
  return m[1];
}

async function value(page, testid) {
  const raw = await page.getAttribute(`[data-testid="${testid}"]`, 'data-value');
  return raw === null ? NaN : Number.parseFloat(raw);
}

/** Checks the table, the half-mass radius and M(<r½) for total mass m and scale a. */
async function checkSphere(page, m, a) {
  const radii = [0.5, 1, 2, 5, 10, 30];
  for (const [i, r] of radii.entries()) {
    close(await value(page, `mass-value-${i}`), (m * r * r) / ((r + a) * (r + a)), 1e-12,
      `M(<${r} kpc) for M=${m}, a=${a}`);
  }
  close(await value(page, 'half-mass-radius'), (1 + Math.SQRT2) * a, 1e-9,
    `half-mass radius by bisection, a=${a}`);
  close(await value(page, 'half-mass-radius-exact'), (1 + Math.SQRT2) * a, 1e-14,
    `(1+√2)a, a=${a}`);
  close(await value(page, 'half-mass'), m / 2, 1e-9, `M(<r½), a=${a}`);
}

async function main() {
  if (!(await stat(join(dist, 'index.html')).catch(() => null))) {
    throw new Error(`${dist}/index.html not found: run \`scripts/web.sh build\` first`);
  }
  if (!(await stat(executablePath).catch(() => null))) {
    throw new Error(`${executablePath} not found: install Debian's chromium (apt-get install chromium)`);
  }
  await mkdir(outDir, { recursive: true });
  const { server, url, requests } = await serveDir(dist);
  const profile = await mkdtemp(join(tmpdir(), 'galmass-chromium-'));
  console.log(`browser test: ${url} (dist ${dist}) with ${executablePath}`);

  const consoleErrors = [];
  const foreign = [];
  // launchPersistentContext gives Chromium a fresh --user-data-dir of our own.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: FLAGS,
    viewport: { width: 1200, height: 900 },
  });
  try {
    await context.route('**/*', (route) => {
      const u = new URL(route.request().url());
      if (u.protocol === 'data:' || u.protocol === 'blob:' || u.hostname === '127.0.0.1') {
        return route.continue();
      }
      foreign.push(route.request().url());
      return route.abort();
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(msg.text());
    });
    page.on('pageerror', (err) => consoleErrors.push(`page error: ${err.message}`));

    await page.goto(url, { waitUntil: 'load' });
    await page.waitForSelector('[data-testid="half-mass-radius"]', { timeout: 30_000 });

    const version = await workspaceVersion();
    check((await page.textContent('[data-testid="core-version"]'))?.trim() === version,
      `core version shown is ${version}`);
    const mission = (await page.textContent('[data-testid="mission"]')) ?? '';
    check(/galmass/.test(mission) && /mass/.test(mission) && mission.length > 60, 'mission sentence shown');
    check((await page.textContent('[data-testid="half-mass-radius"]'))?.trim() === '4.8284 kpc',
      'half-mass radius displayed as 4.8284 kpc');
    await checkSphere(page, 1e11, 2);
    await page.screenshot({ path: join(outDir, 'home.png'), fullPage: true });

    // Move the scale-length slider to a = 3 kpc: the reactive page must recompute.
    await page.locator('[data-testid="scale-input"]').fill('3');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="scale-label"]')?.textContent === '3.00 kpc',
      null, { timeout: 10_000 });
    await checkSphere(page, 1e11, 3);
    await page.screenshot({ path: join(outDir, 'home-a3.png'), fullPage: true });

    check(requests.some((p) => p.endsWith('.wasm')), 'the .wasm module was served from 127.0.0.1');
    check(consoleErrors.length === 0, `no console errors${consoleErrors.length ? ': ' + consoleErrors.join(' | ') : ''}`);
    check(foreign.length === 0, `no request to a host other than 127.0.0.1${foreign.length ? ': ' + foreign.join(', ') : ''}`);
  } finally {
    await context.close();
    server.close();
    await rm(profile, { recursive: true, force: true });
  }
  console.log(`screenshots: ${join(outDir, 'home.png')}, ${join(outDir, 'home-a3.png')}`);
}

const timer = setTimeout(() => {
  console.error('browser test: timed out after 120 s');
  process.exit(1);
}, 120_000);
try {
  await main();
} catch (err) {
  failures.push(String(err?.stack ?? err));
  console.error(err);
}
clearTimeout(timer);
if (failures.length) {
  console.error(`browser test FAILED (${failures.length}):\n - ${failures.join('\n - ')}`);
  process.exit(1);
}
console.log('browser test passed');
