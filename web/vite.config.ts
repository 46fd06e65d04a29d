import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The built files are embedded in the riziki binary (api/web_assets): hashed names under
// assets/ are cached for a year; index.html is served with no-cache. No inline script or
// style may be emitted (CSP default-src 'self'), hence no modulepreload polyfill and no
// inlined assets.
const api = process.env['RIZIKI_API'] ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [svelte()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    cssCodeSplit: true,
    sourcemap: false,
    reportCompressedSize: true,
  },
  // `npm run dev` and `vite preview` talk to a riziki serving at RIZIKI_API (default the
  // demo's 8080), as the browser would; the e2e harness uses preview before the files are
  // embedded (RIZIKI_E2E_PREVIEW).
  server: { proxy: { '/v1': api } },
  preview: { proxy: { '/v1': api } },
});
