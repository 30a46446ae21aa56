// Builds the three shipped bundles (dist/) and a plain per-file transpile of sources and tests (out/)
// that the test tiers run. Type checking is `npm run typecheck`; esbuild only strips types.
import * as esbuild from 'esbuild';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const production = process.argv.includes('--production');

function collect(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'node_modules' && name !== 'fixtures') collect(p, out);
    } else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) {
      out.push(p);
    }
  }
  return out;
}

const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: !production, minify: production, logLevel: 'warning' };

const bundles = [
  { entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js' },
  { entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
];
// out/ and dist/ are overwritten in place, not wiped, so concurrent builds never delete each other's output.
await Promise.all(bundles.filter((b) => existsSync(b.entryPoints[0])).map((b) => esbuild.build({ ...common, ...b })));

if (!production) {
  await esbuild.build({
    entryPoints: [...collect('server/src'), ...collect('client/src'), ...collect('test')],
    outdir: 'out', outbase: '.', bundle: false, platform: 'node', format: 'cjs', target: 'node20', sourcemap: 'inline', logLevel: 'warning',
  });
}
