import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The console talks only to the public HTTP APIs of its own origin: the standalone process, or the
// distributed gateway. For live editing: FENGQIAO_API=http://127.0.0.1:3000 npx vite services/console
const api = process.env.FENGQIAO_API ?? 'http://127.0.0.1:3000';
const apiPrefixes = [
  '/auth',
  '/.well-known',
  '/directory',
  '/intake',
  '/grid-dispatch',
  '/open311',
  '/mediation',
  '/petitions',
  '/analytics',
  '/audit',
  '/health',
];

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  server: { proxy: Object.fromEntries(apiPrefixes.map((p) => [p, api])) },
});
