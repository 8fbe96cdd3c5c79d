/**
 * Bundles the CLI into dist/bin/ with esbuild: one ESM entry plus lazily loaded chunks per
 * command. Loading a few large files instead of hundreds of small modules roughly halves the
 * cold start (see `npm run bench`). better-sqlite3 stays external (native addon).
 */
import { chmodSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { packageRoot } from '../src/config/package-root.js';

/**
 * js-yaml 3 registers `!!js/function` in its full schema, and loading that type `require`s esprima, a
 * whole JavaScript parser (about 15 ms and 2 MiB at every start). We only parse with the core schema,
 * where the type cannot apply; in the bundle it becomes a type that never matches.
 */
const noYamlFunctions: Plugin = {
  name: 'no-yaml-js-functions',
  setup(b) {
    b.onLoad({ filter: /[\\/]js-yaml[\\/]lib[\\/]js-yaml[\\/]type[\\/]js[\\/]function\.js$/ }, () => ({
      contents:
        "var Type = require('../../type'); module.exports = new Type('tag:yaml.org,2002:js/function', { kind: 'scalar', resolve: function () { return false; } });",
      loader: 'js',
    }));
  },
};

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
  plugins: [noYamlFunctions],
  banner: {
    js: "import { createRequire as __icCreateRequire } from 'node:module'; const require = __icCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
chmodSync(join(outdir, 'incident-commander.js'), 0o755);
