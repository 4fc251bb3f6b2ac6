import { defineConfig } from 'vite';

// A static app: relative asset paths (host it in any folder), Preact's JSX, and no inline
// script anywhere (the page runs under `script-src 'self'`).
export default defineConfig({
  base: './',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1500,
    reportCompressedSize: true,
  },
});
