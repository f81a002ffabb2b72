#!/usr/bin/env node
// `npm run compile`: the package's JavaScript into dist/, beside the Lambda bundles in dist/handlers
// (npm run bundle): the API with its declarations (tsconfig.build.json), then the CLI
// (tsconfig.build-cli.json, JavaScript only). Old output is removed first, so a
// deleted source leaves nothing behind in the package; dist/.compiled is written last and tells
// bin/driftwatch.js that the compiled CLI is complete and newer than the sources.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const dist = path.join(root, 'dist');
const STAMP = path.join(dist, '.compiled');

fs.rmSync(STAMP, { force: true });
for (const entry of fs.existsSync(dist) ? fs.readdirSync(dist) : []) {
  if (entry !== 'handlers') fs.rmSync(path.join(dist, entry), { recursive: true, force: true });
}
const tsc = require.resolve('typescript/bin/tsc');
for (const project of ['tsconfig.build.json', 'tsconfig.build-cli.json']) {
  const result = spawnSync(process.execPath, [tsc, '-p', path.join(root, project)], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
fs.writeFileSync(STAMP, `${new Date().toISOString()}\n`);
