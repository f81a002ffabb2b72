#!/usr/bin/env node
// The `driftwatch` CLI. Runs the compiled JavaScript (dist/bin/driftwatch.js, written by
// `npm run build` and shipped in the package), so an installed package needs no TypeScript tooling.
// In a clone, the TypeScript sources run through tsx instead when there is no build yet or when a
// source changed after it (a stale dist/ never answers for code that was edited since).
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const compiled = path.join(root, 'dist', 'bin', 'driftwatch.js');
// Written by npm run compile once dist/ is complete (bin/compile.js).
const stamp = path.join(root, 'dist', '.compiled');

/** The newest modification time of the TypeScript in the CLI's source folders. */
function newestSource() {
  let newest = 0;
  const walk = (dir) => {
    let entries;
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(file).mtimeMs);
    }
  };
  for (const dir of ['bin', 'lambda', 'config', 'lib']) walk(path.join(root, dir));
  return newest;
}

/** In a clone: whether npm run compile finished after the last source change (about 20 ms to find out). */
function compiledIsCurrent() {
  let builtAt;
  try {
    builtAt = fs.statSync(stamp).mtimeMs;
  } catch {
    return false;
  }
  return newestSource() <= builtAt;
}

// The installed package ships the compiled CLI and not its TypeScript.
const isClone = fs.existsSync(path.join(__dirname, 'driftwatch.ts'));
if (!isClone || compiledIsCurrent()) {
  require(compiled);
} else {
  require('tsx/cjs');
  require('./driftwatch.ts');
}
