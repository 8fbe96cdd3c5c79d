/**
 * Bundles the CLI into dist/bin/ with esbuild: one ESM entry plus lazily loaded chunks per
 * command. Loading a few large files instead of hundreds of small modules roughly halves the
 * cold start (see `npm run bench`). better-sqlite3 stays external (native addon).
 */
import { chmodSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { packageRoot } from '../src/config/package-root.js';

const root = packageRoot();
const outdir = join(root, 'dist', 'bin');
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: { 'incident-commander': join(root, 'src', 'cli', 'main.ts') },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  keepNames: true,
  sourcemap: true,
  legalComments: 'none',
  external: ['better-sqlite3'],
  banner: { js: "import { createRequire as __icCreateRequire } from 'node:module'; const require = __icCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
chmodSync(join(outdir, 'incident-commander.js'), 0o755);
