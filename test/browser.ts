// End-to-end tests in a real browser: Debian's chromium, headless, driven by playwright-core (no browser download).
// Without chromium the browser tests are skipped and say why — unless KEFU_REQUIRE_SERVICES=1 (CI), which fails
// instead, like the database and Redis do. The front end they load is the real build (web/dist), rebuilt when any
// source under web/ is newer than it — by the integration global setup, before any test file runs (a rebuild empties
// web/dist); the lock directory still keeps two runs at once from building together.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const webDir = path.join(root, 'web');
const dist = path.join(webDir, 'dist');
export const SCREENSHOTS = path.join(root, 'test-artifacts', 'screenshots');

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Why browser tests cannot run here (null: they can). Throws when they must (KEFU_REQUIRE_SERVICES=1). */
export function browserUnavailable(): string | null {
  if (existsSync(CHROMIUM_PATH)) return null;
  const why = `no chromium at ${CHROMIUM_PATH} (install Debian's: apt-get install chromium, or set CHROMIUM_PATH)`;
  if (process.env.KEFU_REQUIRE_SERVICES === '1') throw new Error(`KEFU_REQUIRE_SERVICES=1 but the browser tests cannot run: ${why}. .ci/run installs it.`);
  process.stdout.write(`\n[kefu tests] Skipping the browser tests: ${why}.\n\n`);
  return why;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

const newestSource = (dir: string): number => {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
};
const builtAt = () => {
  const outputs = ['widget.js', 'demo/index.html', 'console/index.html'].map((f) => path.join(dist, f));
  return outputs.every((f) => existsSync(f)) ? Math.min(...outputs.map((f) => statSync(f).mtimeMs)) : 0;
};

/** Builds web/dist (`node web/build.ts`) unless it is newer than every source file under web/. */
export async function ensureWebBuild(): Promise<void> {
  const lock = path.join(webDir, '.build-lock');
  for (const deadline = Date.now() + 120_000; ; ) {
    if (builtAt() > newestSource(webDir)) return;
    try {
      mkdirSync(lock);
      break;
    } catch {
      // another test file is building: wait for it (a lock left by a killed run expires after two minutes)
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`web/dist is still being built after 2 minutes (lock ${lock}); remove the lock if no build runs`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    if (builtAt() <= newestSource(webDir)) await promisify(execFile)(process.execPath, [path.join(webDir, 'build.ts')], { cwd: root });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Saves a full-page screenshot as test-artifacts/screenshots/<name>.png (look at them: they are the UI review): the
 * whole scrollable page, so what sits below the fold (charts, long lists) is in it too.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** A plain page on another origin that embeds the widget for `slug` from the API at `apiUrl`; close it when done. */
export async function startWidgetSite(apiUrl: string, slug: string): Promise<{ url: string; close: () => Promise<void> }> {
  const { createServer } = await import('node:http');
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop help</title><link rel="icon" href="data:,"></head>
<body><h1>Shop help</h1><script src="${apiUrl}/widget.js" data-workspace="${slug}" data-lang="en" defer></script></body></html>`;
  const server = createServer((_req, res) => void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}
