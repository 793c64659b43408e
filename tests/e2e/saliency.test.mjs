// Browser test of "where does the network look" and of a page that never stalls:
// * asked before any prediction, the maps card's saliency says to predict first;
// * the gallery's saliency maps of galaxy 0 (the page's worker, galmass-core's occlusion plan)
//   equal `galmass explain --examples www/examples/gallery.json --index 0` (GALMASS_BIN) to
//   1e-3 dex, pixel by pixel, read from the NPY files each offers;
// * a Classroom saliency run can be cancelled, and a slider moved during a run supersedes it
//   (the newest request wins, nothing breaks);
// * the longest main-thread task (PerformanceObserver 'longtask', which reports tasks over
//   50 ms, and a heartbeat for shorter ones) while the Classroom's sliders move and its
//   galaxies are built is reported against the goal of 50 ms (and a task of 100 ms or more,
//   as 'longtask' measures it, fails the test).
// Writes out/saliency-gallery.png and out/classroom-drag.png.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CNN_BUNDLE_ARGS, check, galmass, openPage, outDir, repo, run } from './harness.mjs';
import { parseNpy } from './npy.mjs';

function observeLongTasks() {
  window.__longtasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longtasks.push({ start: e.startTime, ms: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  // A heartbeat through a MessageChannel (a task each turn, no timer clamping): the largest
  // gap between beats bounds the longest task below 50 ms too, which 'longtask' does not see.
  window.__maxGap = 0;
  const ch = new MessageChannel();
  let last = performance.now();
  ch.port1.onmessage = () => {
    const now = performance.now();
    window.__maxGap = Math.max(window.__maxGap, now - last);
    last = now;
    setTimeout(() => ch.port2.postMessage(0), 0);
  };
  ch.port2.postMessage(0);
}

async function npyOf(page, href) {
  const bytes = await page.evaluate(async (u) =>
    Array.from(new Uint8Array(await (await fetch(u)).arrayBuffer())), href);
  return parseNpy(Buffer.from(bytes));
}

async function main() {
  await mkdir(outDir, { recursive: true });
  const scratch = await mkdtemp(join(tmpdir(), 'galmass-saliency-'));
  const { page, close } = await openPage({ initScript: observeLongTasks, height: 2400 });
  try {
    await page.waitForSelector('[data-testid="backend"][data-ready="true"]', { timeout: 60_000 });
    // Before any prediction.
    await page.click('[data-testid="predict-saliency-button"]');
    const early = await page.textContent('#predict-saliency-status');
    check(/predict a galaxy first/.test(early ?? ''), `saliency before a prediction: "${early}"`);

    // The gallery's galaxy 0 against galmass explain.
    const tile = page.locator('[data-testid="gallery-item"]').first();
    await tile.locator('button').click();
    await tile.locator('[data-testid="gallery-pred-mstar"]').waitFor({ timeout: 60_000 });
    await page.click('[data-testid="gallery-saliency-button"]');
    await page.waitForSelector('[data-testid="gallery-saliency"][data-state="done"]', { timeout: 300_000 });
    const ms = Number(await page.getAttribute('[data-testid="gallery-saliency"]', 'data-ms'));
    console.log(`gallery saliency (4 maps, ${'ensemble of 3'}) took ${(ms / 1000).toFixed(1)} s in the page`);
    const cliDir = join(scratch, 'cli');
    execFileSync(galmass, ['explain', ...CNN_BUNDLE_ARGS, '--examples',
      join(repo, 'www', 'examples', 'gallery.json'), '--index', '0', '--out', cliDir],
      { stdio: ['ignore', 'ignore', 'inherit'] });
    const links = page.locator('[data-testid="gallery-saliency-npy"]');
    const n = await links.count();
    check(n === 4, `${n} saliency maps (rg and vel × M*, Mtot)`);
    for (let k = 0; k < n; k++) {
      const name = await links.nth(k).getAttribute('download');
      const mine = await npyOf(page, await links.nth(k).getAttribute('href'));
      const cli = parseNpy(await readFile(join(cliDir, name)));
      let worst = 0;
      let peak = 0;
      for (let i = 0; i < cli.data.length; i++) {
        worst = Math.max(worst, Math.abs(cli.data[i] - mine.data[i]));
        peak = Math.max(peak, Math.abs(cli.data[i]));
      }
      check(mine.data.length === cli.data.length && worst <= 1e-3,
        `${name}: page = galmass explain to ${worst.toExponential(1)} dex (peak |Δ| ${peak.toFixed(3)} dex)`);
    }
    const words = await page.locator('[data-testid="gallery-saliency-map"] figcaption').first().textContent();
    check(/hiding the \w+ map/.test(words ?? ''), `a sentence in words: "${words?.split('\n').join(' ')}"`);
    await page.locator('[data-testid="gallery-saliency"]').screenshot({ path: join(outDir, 'saliency-gallery.png') });

    // Keyboard and screen readers: every control has a name and takes the focus; results sit
    // in live regions; every image has a text alternative (empty only when decorative).
    const a11y = await page.evaluate(() => {
      const bad = [];
      let n = 0;
      for (const el of document.querySelectorAll('input, button, select, textarea, a[href]')) {
        if (el.closest('[hidden]')) continue;
        n++;
        const name = (el.getAttribute('aria-label') ||
          [...(el.labels ?? [])].map((l) => l.textContent).join(' ') || el.textContent ||
          [...el.querySelectorAll('img')].map((i) => i.alt).join(' ') || el.title || '').trim();
        if (!name) bad.push(`no name: ${el.outerHTML.slice(0, 90)}`);
        if (el.tabIndex < 0) bad.push(`not focusable: ${el.outerHTML.slice(0, 90)}`);
      }
      const noAlt = [...document.querySelectorAll('img')].filter((i) => !i.hasAttribute('alt')).length;
      const live = ['gallery-pred-mstar', 'classroom-cnn-mstar', 'gallery-saliency-map']
        .filter((id) => !document.querySelector(`[data-testid="${id}"]`)?.closest('[aria-live], [role="status"]')
          && id !== 'gallery-saliency-map');
      return { n, bad, noAlt, live };
    });
    check(a11y.bad.length === 0, `${a11y.n} controls, each named and focusable${a11y.bad.length ? ': ' + a11y.bad.join(' | ') : ''}`);
    check(a11y.noAlt === 0, `every image has a text alternative (${a11y.noAlt} without)`);
    check(a11y.live.length === 0, `results are announced (live regions)${a11y.live.length ? '; not: ' + a11y.live.join(', ') : ''}`);

    // Classroom: cancel, then a slider moved during a run.
    await page.waitForSelector('[data-testid="classroom"][data-busy="false"][data-runs="1"]', { timeout: 60_000 });
    await page.click('[data-testid="classroom-saliency-button"]');
    await page.waitForSelector('[data-testid="classroom-saliency"][data-state="running"]');
    await page.click('[data-testid="classroom-saliency-cancel"]');
    check(await page.getAttribute('[data-testid="classroom-saliency"]', 'data-state') === 'idle', 'a cancelled run leaves the panel idle');
    await page.click('[data-testid="classroom-saliency-button"]');
    await page.waitForSelector('[data-testid="classroom-saliency"][data-state="running"]');

    // Drag: the keyboard moves the inclination slider step by step, each step a new galaxy.
    await page.evaluate(() => { window.__longtasks = []; window.__maxGap = 0; });
    const slider = page.locator('[data-testid="classroom-inclination"]');
    await slider.focus();
    const t0 = Date.now();
    for (let k = 0; k < 8; k++) {
      await slider.press('ArrowRight');
      await page.waitForTimeout(60);
    }
    await page.screenshot({ path: join(outDir, 'classroom-drag.png') });
    await page.waitForSelector('[data-testid="classroom"][data-busy="false"]', { timeout: 120_000 });
    const settled = Date.now() - t0;
    const state = await page.getAttribute('[data-testid="classroom-saliency"]', 'data-state');
    check(state === 'idle', `a slider moved during a saliency run supersedes it (panel ${state})`);
    const tasks = await page.evaluate(() => window.__longtasks);
    const gap = await page.evaluate(() => window.__maxGap);
    const longest = tasks.reduce((m, t) => Math.max(m, t.ms), 0);
    const runs = Number(await page.getAttribute('[data-testid="classroom"]', 'data-runs'));
    console.log(`slider drag: 8 steps, settled after ${settled} ms, ${runs} Classroom runs in all; ` +
      `long tasks (> 50 ms) on the main thread: ${tasks.length}` +
      (tasks.length ? `, longest ${longest.toFixed(0)} ms` : ' (every task ≤ 50 ms)') +
      `; largest gap between main-thread heartbeats ${gap.toFixed(0)} ms`);
    // Reported against the goal of 50 ms (the heartbeat bounds tasks below 50 ms too); the
    // test fails on a main-thread task of 100 ms or more as 'longtask' measures it, so a stall
    // (before the worker: 60–190 ms per slider step; with the constructor shims: up to 5 s)
    // fails it. The heartbeat gap is not asserted: it also counts time the OS gave other
    // processes (a build on the same 2 cores made it 104 ms with every task under 50 ms).
    const worst = Math.max(longest, gap);
    console.log(`  goal: longest main-thread task ≤ 50 ms during the drag: ${worst <= 50 ? 'met' : 'NOT met'} (${worst.toFixed(0)} ms)`);
    check(longest < 100, `longest main-thread task ('longtask') during the drag ${longest.toFixed(0)} ms < 100 ms`);
    check(page.workers().length >= 1, `the page runs a Web Worker (${page.workers().length})`);
  } finally {
    await close();
    await rm(scratch, { recursive: true, force: true });
  }
}

await run('saliency browser test', main, 600);
