/**
 * A package-lock.json for the consumer app the package test installs, cut from this repository's
 * own lock: the consumer's dependencies (Driftwatch's tarball among them) and everything they need,
 * at the versions and paths our lock has. `npm ci --offline` then installs it from the npm cache
 * that our own `npm ci` filled, with no registry look-up: fast, and no network to fail.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
  peer?: boolean;
  bin?: Record<string, string> | string;
  [key: string]: unknown;
}

interface Lock {
  lockfileVersion: number;
  packages: Record<string, LockEntry>;
}

export interface ConsumerManifest {
  name: string;
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

/** Where `name` resolves from the lock path `from` (`node_modules/a/node_modules/b`), as Node would. */
function resolveIn(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = dir === '' ? `node_modules/${name}` : `${dir}/node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (dir === '') return undefined;
    const at = dir.lastIndexOf('/node_modules/');
    dir = at < 0 ? '' : dir.slice(0, at);
  }
}

/**
 * The consumer's lock. `tarball` is Driftwatch's packed file, referenced relative to the consumer
 * directory; its dependencies are read from the tarball's own package.json (`packed`).
 * @throws naming a dependency our lock does not have (the consumer test cannot then be offline)
 */
export function consumerLock(repoLockFile: string, manifest: ConsumerManifest, tarball: { file: string; relative: string; packed: LockEntry & { name: string } }): object {
  const ours = JSON.parse(fs.readFileSync(repoLockFile, 'utf8')) as Lock;
  const source = ours.packages;
  const out: Record<string, LockEntry> = {
    '': { name: manifest.name, version: manifest.version, dependencies: manifest.dependencies, devDependencies: manifest.devDependencies },
  };
  const integrity = `sha512-${crypto.createHash('sha512').update(fs.readFileSync(tarball.file)).digest('base64')}`;
  const { name, version, dependencies, peerDependencies, bin, engines } = tarball.packed;
  out['node_modules/driftwatch'] = { version, resolved: `file:${tarball.relative}`, integrity, dependencies, peerDependencies, bin, engines };
  void name;

  const queue: [string, LockEntry][] = [['', out['']], ['node_modules/driftwatch', out['node_modules/driftwatch']]];
  const missing: string[] = [];
  while (queue.length > 0) {
    const [at, entry] = queue.shift()!;
    const wanted = { ...entry.dependencies, ...entry.optionalDependencies, ...(at === '' ? entry.devDependencies : {}), ...entry.peerDependencies };
    for (const dep of Object.keys(wanted)) {
      if (at === '' && dep === 'driftwatch') continue;
      // The repository's own lock has the consumer-side packages at the top, Driftwatch's from the root too.
      const found = resolveIn(source, at === 'node_modules/driftwatch' ? '' : at, dep);
      if (!found) {
        const optional = entry.optionalDependencies?.[dep] !== undefined || entry.peerDependenciesMeta?.[dep]?.optional;
        if (!optional) missing.push(`${dep} (needed by ${at || 'the consumer'})`);
        continue;
      }
      if (out[found]) continue;
      const copy: LockEntry = { ...source[found] };
      // Every package here is installed: dev/peer flags describe our tree, not the consumer's.
      delete copy.dev;
      delete copy.devOptional;
      delete copy.peer;
      out[found] = copy;
      queue.push([found, copy]);
    }
  }
  if (missing.length > 0) throw new Error(`the repository's package-lock.json has no entry for ${missing.join(', ')}: run npm ci`);
  return { name: manifest.name, version: manifest.version, lockfileVersion: 3, requires: true, packages: sortKeys(out) };
}

function sortKeys(o: Record<string, LockEntry>): Record<string, LockEntry> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
}

export const repoLock = (root: string) => path.join(root, 'package-lock.json');
