// The widget's entry, built into one script (web/dist/widget.js) that any site includes with one tag:
//   <script src="https://kefu.example.com/widget.js" data-workspace="demo" defer></script>
// data-workspace (required) the workspace's slug; data-lang "en" or "zh" (default: the browser's language);
// data-api the Kefu server (default: where widget.js came from); data-color the accent colour (any CSS colour).
// It renders into a shadow root on a host element of its own, so the page's styles and the widget's never mix.
import { render } from 'preact';
import { createClient } from './api.ts';
import { pickLang, STRINGS } from './i18n.ts';
import { createStore } from './storage.ts';
import { Widget } from './Widget.tsx';
import css from './widget.css?inline';

// Read while the script runs: currentScript is null in callbacks.
const script = (document.currentScript as HTMLScriptElement | null) ?? document.querySelector<HTMLScriptElement>('script[src*="widget.js"][data-workspace]');

function boot(): void {
  const w = window as Window & { __kefuWidget?: boolean };
  if (w.__kefuWidget) return; // included twice: one widget
  const workspace = script?.dataset.workspace?.trim();
  if (!script || !workspace) {
    console.error('[Kefu] The widget needs its workspace: <script src=".../widget.js" data-workspace="your-workspace" defer></script>');
    return;
  }
  w.__kefuWidget = true;
  const base = (script.dataset.api ?? new URL(script.src, location.href).origin).replace(/\/+$/, '');
  const lang = pickLang(script.dataset.lang, navigator.language);

  // A custom element, not a div: the site's rules for div (or any element it has) do not reach the host either.
  const host = document.createElement('kefu-widget');
  host.id = 'kefu-widget';
  const color = script.dataset.color;
  if (color && CSS.supports('color', color)) host.style.setProperty('--kefu-accent', color);
  const root = host.attachShadow({ mode: 'open' });
  // A constructed stylesheet is not inline CSS, so a host page's Content-Security-Policy (style-src) allows it.
  if ('adoptedStyleSheets' in root && typeof CSSStyleSheet.prototype.replaceSync === 'function') {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
  } else {
    const style = document.createElement('style');
    style.textContent = css;
    (root as ShadowRoot).append(style);
  }
  const mount = document.createElement('div');
  root.append(mount);
  document.body.append(host);

  render(<Widget client={createClient(base)} store={createStore(`kefu:${base}:${workspace}`)} workspace={workspace} lang={lang} t={STRINGS[lang]} />, mount);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot, { once: true });
else boot();
