/**
 * The package test packs what `npm run build` wrote. When dist/ is missing or older than a source
 * (`npm test` on a fresh clone, or after an edit), it runs the two build steps that make the
 * package first: `npm run compile` (JavaScript and declarations) and `npm run bundle` (the Lambda
 * bundles), so the tarball is never a stale one.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HANDLER_DIST_DIR, BUNDLE_FILE, handlerEntries, staleSources } from '../../lib/monitor/bundle';

export const ROOT = path.join(__dirname, '../..');

function newestSource(): { file: string; mtimeMs: number } {
  let newest = { file: '', mtimeMs: 0 };
  const visit = (file: string) => {
    const stat = fs.statSync(file);
    if (stat.isDirectory()) for (const entry of fs.readdirSync(file)) visit(path.join(file, entry));
    else if (file.endsWith('.ts') && stat.mtimeMs > newest.mtimeMs) newest = { file, mtimeMs: stat.mtimeMs };
  };
  for (const entry of ['index.ts', 'bin', 'lib', 'lambda', 'config']) visit(path.join(ROOT, entry));
  return newest;
}

/** Why dist/ cannot be packed as it is, or undefined when it can. */
export function staleBuild(): string | undefined {
  const stamp = path.join(ROOT, 'dist', '.compiled');
  if (!fs.existsSync(stamp)) return 'dist/ has not been compiled';
  const newest = newestSource();
  if (newest.mtimeMs > fs.statSync(stamp).mtimeMs) return `${path.relative(ROOT, newest.file)} changed after the last compile`;
  for (const name of handlerEntries()) {
    const dir = path.join(HANDLER_DIST_DIR, name);
    if (!fs.existsSync(path.join(dir, BUNDLE_FILE))) return `no bundle of ${name}`;
    const stale = staleSources(dir);
    if (stale.length > 0) return `the ${name} bundle is older than ${stale[0]}`;
  }
  return undefined;
}

/** Builds the package when `staleBuild` says so; returns what it ran (for the test's log). */
export function ensurePackageBuilt(): string[] {
  const reason = staleBuild();
  if (reason === undefined) return [];
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  for (const script of ['compile', 'bundle']) {
    const result = spawnSync(npm, ['run', '--silent', script], { cwd: ROOT, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`npm run ${script} failed (${reason}):\n${result.stdout}\n${result.stderr}`.slice(0, 6000));
  }
  return [`built the package (${reason}): npm run compile, npm run bundle`];
}
