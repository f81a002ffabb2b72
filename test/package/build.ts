/**
 * The package test packs what `npm run build` wrote. When part of dist/ is missing or older than
 * a source (`npm test` on a fresh clone, or after an edit), it first runs the build step that makes
 * it: `npm run compile` (JavaScript and declarations) or `npm run bundle` (the Lambda bundles), so
 * the tarball is never a stale one.
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

/** Why each build step must run before dist/ is packed (`compile`, `bundle`); empty when none must. */
export function staleBuild(): { compile?: string; bundle?: string } {
  const out: { compile?: string; bundle?: string } = {};
  const stamp = path.join(ROOT, 'dist', '.compiled');
  const newest = newestSource();
  if (!fs.existsSync(stamp)) out.compile = 'dist/ has not been compiled';
  else if (newest.mtimeMs > fs.statSync(stamp).mtimeMs) out.compile = `${path.relative(ROOT, newest.file)} changed after the last compile`;
  for (const name of handlerEntries()) {
    const dir = path.join(HANDLER_DIST_DIR, name);
    const stale = fs.existsSync(path.join(dir, BUNDLE_FILE)) ? staleSources(dir) : ['(missing)'];
    if (stale.length > 0) {
      out.bundle = `the ${name} bundle is older than ${stale[0]}`;
      break;
    }
  }
  return out;
}

/**
 * Runs the build steps `staleBuild` names, and only those (a current dist/ is never rewritten under
 * tests that read it); returns what it ran, for the test's log.
 */
export function ensurePackageBuilt(): string[] {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const ran: string[] = [];
  for (const [script, reason] of Object.entries(staleBuild())) {
    const result = spawnSync(npm, ['run', '--silent', script], { cwd: ROOT, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`npm run ${script} failed (${reason}):\n${result.stdout}\n${result.stderr}`.slice(0, 6000));
    ran.push(`npm run ${script} (${reason})`);
  }
  return ran;
}
