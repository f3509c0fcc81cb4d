// Builds the front end into web/dist with Vite's JS API (`npm run build:web`; `npm start` runs it first):
//   - the pages (demo/ and console/), a multi-page app with hashed assets under dist/assets/;
//   - the widget, one self-contained script dist/widget.js (IIFE, Preact and its CSS inlined: the CSS goes into the
//     widget's shadow root, never into the host page).
// Vite is a dev dependency: an install without dev dependencies keeps an existing build instead of failing.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.join(webDir, 'dist');

async function loadTools() {
  try {
    const [vite, preset] = await Promise.all([import('vite'), import('@preact/preset-vite')]);
    return { build: vite.build, createLogger: vite.createLogger, preact: preset.default };
  } catch (err) {
    if (existsSync(path.join(outDir, 'widget.js'))) {
      process.stderr.write(`[build:web] Vite is not installed (dev dependencies omitted?); keeping the existing build in ${outDir}.\n`);
      process.exit(0);
    }
    process.stderr.write(`[build:web] Vite is not installed, so the front end cannot be built. Run "npm install" (with dev dependencies), then "npm run build:web".\n${(err as Error).message}\n`);
    process.exit(1);
  }
}

const { build, createLogger, preact } = await loadTools();
const started = Date.now();

// The demo page's <script src="/widget.js"> is meant to stay as written (it is how customers embed the widget);
// Vite warns that it cannot bundle it.
const logger = createLogger('warn');
const warn = logger.warn.bind(logger);
logger.warn = (msg, opts) => (/widget\.js.*can't be bundled without type="module"/.test(msg) ? undefined : warn(msg, opts));

// The pages. Each HTML file is an entry; the demo page has no module of its own, only the widget's script tag.
await build({
  configFile: false,
  root: webDir,
  base: '/',
  logLevel: 'warn',
  customLogger: logger,
  plugins: [preact()],
  build: {
    outDir,
    emptyOutDir: true,
    rolldownOptions: {
      input: {
        demo: path.join(webDir, 'demo/index.html'),
        console: path.join(webDir, 'console/index.html'),
      },
    },
  },
});

// The widget: one classic script any site can include. No code splitting, CSS as a string (`?inline`).
await build({
  configFile: false,
  root: webDir,
  logLevel: 'warn',
  customLogger: logger,
  plugins: [preact()],
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  build: {
    outDir,
    emptyOutDir: false,
    copyPublicDir: false,
    target: 'es2020',
    lib: {
      entry: path.join(webDir, 'widget/main.tsx'),
      formats: ['iife'],
      name: 'KefuWidget',
      fileName: () => 'widget.js',
    },
  },
});

process.stdout.write(`[build:web] built ${path.relative(process.cwd(), outDir) || outDir} (widget.js, demo/, console/) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
