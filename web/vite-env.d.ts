// Vite's `?inline` imports: the file's processed CSS as a string (the widget puts it in its shadow root).
declare module '*.css?inline' {
  const css: string;
  export default css;
}

// Plain CSS imports in the console's pages: Vite bundles them into the page's stylesheet.
declare module '*.css';
