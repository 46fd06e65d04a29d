import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The built files are embedded in the riziki binary (api/web_assets): hashed names under
// assets/ are cached for a year; index.html is served with no-cache. No inline script or
// style may be emitted (CSP default-src 'self'), hence no modulepreload polyfill and no
// inlined assets.
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
  server: {
    // `npm run dev` talks to a riziki serving on 8080, like the browser would.
    proxy: { '/v1': 'http://127.0.0.1:8080' },
  },
});
