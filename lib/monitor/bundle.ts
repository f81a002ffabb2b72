/**
 * The monitor's Lambda bundles: esbuild (never Docker) turns each handler in `lambda/handlers/` into
 * one minified CommonJS file with its source map, `dist/handlers/<name>/index.js`. `npm run bundle`
 * (bin/bundle-handlers.ts, part of `npm run build`) writes them ahead of time, so synthesis only
 * copies files; the construct falls back to bundling in-process when they are missing, or older
 * than a source file their source map lists (see `handlerBundle`).
 *
 * Choices, measured on the real handlers (README "The monitor per model"):
 * - CommonJS, with `mainFields: ['module', 'main']`: esbuild then reads the ES-module builds of the
 *   AWS SDK and Powertools and tree-shakes them as well as an ESM output would (the `main` builds
 *   alone made the bundle ~25% larger), and the handler needs no `.mjs` / `import.meta` care.
 * - The AWS SDK v3 is bundled, not taken from the Node.js 22 runtime: the handlers then run the SDK
 *   version the tests ran (the runtime's copy changes under us with runtime updates), at the price of
 *   a larger bundle (the SDK clients are most of it) and a slightly longer cold start; both bundles
 *   stay under the 1 MB goal (`MAX_BUNDLE_BYTES`), which the build enforces.
 * - `@duckdb/node-api` (the local query engine, a native module) must never reach a handler: the
 *   build fails when the metafile shows any DuckDB input or import.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BuildOptions, Metafile } from 'esbuild';
import { packageRoot } from '../../lambda/adapters/local/package-root';

/**
 * The package root: the repository in a clone, `node_modules/driftwatch` when installed (this file
 * runs from lib/monitor/ as TypeScript and from dist/lib/monitor/ compiled).
 */
const ROOT = packageRoot();

/** Where the handler sources live: one file per handler, `export const handler`. */
export const HANDLER_SOURCE_DIR = path.join(ROOT, 'lambda', 'handlers');

/**
 * Whether the handlers' TypeScript is here (a clone). The installed package ships only the prebuilt
 * bundles: they are used as they are, never judged stale against sources it does not have, and
 * synthesis needs neither esbuild nor the sources.
 */
const SOURCES_PRESENT = fs.existsSync(HANDLER_SOURCE_DIR);

/** Where `npm run bundle` writes `<name>/index.js` and `<name>/index.js.map` (gitignored). */
export const HANDLER_DIST_DIR = path.join(ROOT, 'dist', 'handlers');

/** The monitor's two handlers (file names in `lambda/handlers/` without `.ts`). */
export const MONITOR_HANDLERS = { profile: 'profile-hour', score: 'score-window' } as const;
export type MonitorHandlerName = (typeof MONITOR_HANDLERS)[keyof typeof MONITOR_HANDLERS];

/** The file a bundle directory holds; the Lambda handler setting is `index.handler`. */
export const BUNDLE_FILE = 'index.js';

/** The issue's goal for each handler bundle (the minified JavaScript, without its source map). */
export const MAX_BUNDLE_BYTES = 1024 * 1024;

/** Packages that must never be bundled into a handler. */
export const FORBIDDEN_PACKAGES: readonly string[] = ['@duckdb/node-api', '@duckdb/node-bindings', 'duckdb'];

/** How a handler file exports its entry point (`export const handler = ...` or `export async function handler`). */
const EXPORTS_HANDLER = /^export\s+(?:const|let|async\s+function|function)\s+handler\b/m;

/**
 * The handler entries in a source directory: the `*.ts` files directly in it that export `handler`
 * (shared modules beside them, such as `context.ts`, are bundled into the handlers that import them).
 */
export function handlerEntries(sourceDir: string = HANDLER_SOURCE_DIR): string[] {
  if (!fs.existsSync(sourceDir)) return [];
  return fs
    .readdirSync(sourceDir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.endsWith('.test.ts'))
    .filter((f) => EXPORTS_HANDLER.test(fs.readFileSync(path.join(sourceDir, f), 'utf8')))
    .map((f) => f.slice(0, -3))
    .sort();
}

/** esbuild options for one handler entry, written to `outdir/index.js`. */
export function bundleOptions(entryFile: string, outdir: string): BuildOptions {
  return {
    entryPoints: [entryFile],
    outfile: path.join(outdir, BUNDLE_FILE),
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    mainFields: ['module', 'main'],
    minify: true,
    // Stack traces map back to the TypeScript (NODE_OPTIONS=--enable-source-maps); the map lists
    // the sources (how a stale bundle is noticed) without their text, which keeps the asset small.
    sourcemap: true,
    sourcesContent: false,
    legalComments: 'external',
    // Left as imports only so that checkMetafile can name who imports DuckDB and fail the build
    // (bundling its native loader would fail with errors about .node files instead).
    external: FORBIDDEN_PACKAGES.map((p) => `${p}*`),
    metafile: true,
    absWorkingDir: ROOT,
    // Entries outside the repository (a test's throwaway handler) resolve packages from here too.
    nodePaths: [path.join(ROOT, 'node_modules')],
    logLevel: 'silent',
  };
}

/** What a bundle holds: its size and the inputs that went in. */
export interface BundleReport {
  readonly name: string;
  readonly outdir: string;
  /** Bytes of `index.js`. */
  readonly bytes: number;
  /** The largest packages in the bundle with their bytes in the output, largest first. */
  readonly packages: readonly { readonly name: string; readonly bytes: number }[];
}

/** The npm package a bundled input path belongs to (`node_modules/@aws-sdk/client-s3/...` → `@aws-sdk/client-s3`). */
function packageOf(input: string): string {
  const at = input.lastIndexOf('node_modules/');
  if (at < 0) return '(project)';
  const rest = input.slice(at + 'node_modules/'.length).split('/');
  return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
}

/**
 * Fails when a forbidden package (DuckDB) is among the bundle's inputs or left as an import.
 * @throws naming the handler, the package and the input that pulled it in
 */
export function checkMetafile(name: string, metafile: Metafile): void {
  const forbidden = (spec: string | undefined) => spec !== undefined && FORBIDDEN_PACKAGES.some((p) => spec === p || spec.startsWith(`${p}/`));
  const hits: string[] = [];
  for (const [file, input] of Object.entries(metafile.inputs)) {
    if (FORBIDDEN_PACKAGES.includes(packageOf(file))) hits.push(file);
    for (const imp of input.imports) if (forbidden(imp.original) || forbidden(imp.path)) hits.push(`${imp.original ?? imp.path} imported by ${file}`);
  }
  for (const output of Object.values(metafile.outputs)) for (const imp of output.imports) if (forbidden(imp.path)) hits.push(`${imp.path} left as an import`);
  if (hits.length > 0) {
    throw new Error(
      `handler ${name}: DuckDB must not be in a Lambda bundle (it is the local query engine; handlers use the Athena adapter), ` +
        `but the bundle has ${[...new Set(hits)].slice(0, 5).join('; ')}`,
    );
  }
}

/**
 * Bundles one handler synchronously into `outdir` (index.js, index.js.map) and checks it.
 * @throws when esbuild fails, DuckDB is in the bundle, or the bundle passes `maxBytes`
 */
export function bundleHandler(name: string, outdir: string, options: { sourceDir?: string; maxBytes?: number } = {}): BundleReport {
  const sourceDir = options.sourceDir ?? HANDLER_SOURCE_DIR;
  const entryFile = path.join(sourceDir, `${name}.ts`);
  if (!fs.existsSync(entryFile)) throw new Error(`handler ${name}: no entry ${entryFile}`);
  // Loaded here, not at the top: synthesis with prebuilt bundles never needs esbuild.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  fs.rmSync(outdir, { recursive: true, force: true });
  const result = esbuild.buildSync(bundleOptions(entryFile, outdir));
  rootRelativeSources(outdir);
  const byPackage = new Map<string, number>();
  const output = Object.entries(result.metafile!.outputs).find(([file]) => file.endsWith(`/${BUNDLE_FILE}`) || file === BUNDLE_FILE)?.[1];
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    byPackage.set(packageOf(input), (byPackage.get(packageOf(input)) ?? 0) + bytesInOutput);
  }
  const packages = [...byPackage].map(([pkg, n]) => ({ name: pkg, bytes: n })).sort((a, b) => b.bytes - a.bytes);
  const bytes = fs.statSync(path.join(outdir, BUNDLE_FILE)).size;
  const maxBytes = options.maxBytes ?? MAX_BUNDLE_BYTES;
  const problem = bytes > maxBytes ? `the bundle is ${bytes} bytes, above the limit of ${maxBytes}; ${sizeHint(packages)}` : undefined;
  try {
    checkMetafile(name, result.metafile!);
  } catch (error) {
    fs.rmSync(outdir, { recursive: true, force: true });
    throw error;
  }
  if (problem) {
    // A failed build leaves no bundle behind for synthesis to pick up.
    fs.rmSync(outdir, { recursive: true, force: true });
    throw new Error(`handler ${name}: ${problem}`);
  }
  return { name, outdir, bytes, packages };
}

/**
 * Rewrites the source map's `sources` from paths relative to the output directory to paths relative
 * to the repository (`lambda/monitor/score.ts`): stack traces read better, and a bundle built in a
 * temporary directory is byte-for-byte the one `npm run bundle` writes (same asset hash, no redeploy).
 */
function rootRelativeSources(outdir: string): void {
  const mapFile = path.join(outdir, `${BUNDLE_FILE}.map`);
  const map = JSON.parse(fs.readFileSync(mapFile, 'utf8')) as { sources: string[] };
  map.sources = map.sources.map((s) => path.relative(ROOT, path.resolve(outdir, s)).split(path.sep).join('/'));
  fs.writeFileSync(mapFile, JSON.stringify(map));
}

/** `zod 444 KiB, @smithy/core 139 KiB, ...`: the largest packages of a bundle. */
export function describePackages(packages: BundleReport['packages'], count = 6): string {
  return packages
    .slice(0, count)
    .map((p) => `${p.name} ${(p.bytes / 1024).toFixed(0)} KiB`)
    .join(', ');
}

/**
 * What makes a bundle big: its largest packages, and the known cure when zod is one of them. zod's
 * root module exports its API as the namespace object `z`; `import * as z from 'zod'` uses that object
 * as a value, so esbuild keeps all of it, every locale included (~440 KiB), whereas
 * `import * as z from 'zod'` lets it keep only what the code calls (~100 KiB).
 */
export function sizeHint(packages: BundleReport['packages']): string {
  const zod = packages.find((p) => p.name === 'zod');
  const cure = zod && zod.bytes > 200 * 1024 ? `; zod is ${(zod.bytes / 1024).toFixed(0)} KiB: write \`import * as z from 'zod'\` instead of \`import { z } from 'zod'\` in the modules the handler reaches` : '';
  return `largest: ${describePackages(packages)}${cure}`;
}

/**
 * The sources of a prebuilt bundle that changed after it was built (or are gone), read from its
 * source map (paths relative to the repository): the bundle is stale when any is listed. A bundle
 * without a map is taken as it is.
 */
export function staleSources(bundleDir: string): string[] {
  const file = path.join(bundleDir, BUNDLE_FILE);
  const map = `${file}.map`;
  if (!fs.existsSync(map)) return [];
  const builtAt = fs.statSync(file).mtimeMs;
  let sources: string[];
  try {
    sources = (JSON.parse(fs.readFileSync(map, 'utf8')) as { sources?: string[] }).sources ?? [];
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const source of sources) {
    const abs = path.resolve(ROOT, source);
    if (!fs.existsSync(abs) || fs.statSync(abs).mtimeMs > builtAt) out.push(path.relative(ROOT, abs));
  }
  return out;
}

/** Where a handler's bundle came from, for the construct to report. */
export interface ResolvedBundle {
  /** Directory with index.js and index.js.map. */
  readonly dir: string;
  /**
   * `prebuilt`: found under the bundle directory; `bundled`: built in this process from the sources
   * (no prebuilt bundle, or a stale one).
   */
  readonly origin: 'prebuilt' | 'bundled';
  /** Bytes of index.js. */
  readonly bytes: number;
  /** Says why a prebuilt bundle was not used as it is: it is older than some of its sources. */
  readonly stale?: string;
}

const resolved = new Map<string, ResolvedBundle>();

/**
 * The bundle of one handler: `<bundleDir>/<name>/index.js` when it exists and none of its sources
 * changed since (what `npm run bundle` wrote), otherwise bundled from `<sourceDir>/<name>.ts` into a
 * temporary directory. The fallback keeps `npx cdk synth -c env=dev` working on a fresh clone that
 * only ran `npm ci` (dist/ is not in git), and never deploys a handler older than its sources; it
 * costs a second or two of esbuild per handler. Either way the answer is kept for the
 * process, so thirty models cost one look-up (or one bundle) per handler.
 *
 * @param sourceDir where to bundle from when the prebuilt bundle is missing or stale; by default
 *   `lambda/handlers/` for the default bundle directory, and none for a bundle directory of your
 *   own (a missing bundle throws, a stale one is used as it is and `stale` says so)
 */
export function handlerBundle(
  name: string,
  bundleDir: string = HANDLER_DIST_DIR,
  sourceDir: string | undefined = bundleDir === HANDLER_DIST_DIR && SOURCES_PRESENT ? HANDLER_SOURCE_DIR : undefined,
): ResolvedBundle {
  const cacheKey = [bundleDir, sourceDir ?? '', name].join('\u0000');
  const known = resolved.get(cacheKey);
  if (known) return known;
  let bundle: ResolvedBundle;
  const prebuilt = path.join(bundleDir, name);
  const prebuiltFile = path.join(prebuilt, BUNDLE_FILE);
  const exists = fs.existsSync(prebuiltFile);
  // The installed package's own bundles have no sources beside them to be stale against.
  const changed = exists && (SOURCES_PRESENT || bundleDir !== HANDLER_DIST_DIR) ? staleSources(prebuilt) : [];
  const stale =
    changed.length > 0
      ? `${path.relative(ROOT, prebuiltFile)} is older than ${changed.slice(0, 3).join(', ')}${changed.length > 3 ? ` and ${changed.length - 3} more` : ''}` +
        (sourceDir === undefined ? '; deploying it as it is' : '; bundled from the sources instead') +
        ' (npm run bundle rebuilds it)'
      : undefined;
  if (exists && (changed.length === 0 || sourceDir === undefined)) {
    bundle = { dir: prebuilt, origin: 'prebuilt', bytes: fs.statSync(prebuiltFile).size, stale };
  } else if (sourceDir === undefined) {
    throw new Error(
      bundleDir === HANDLER_DIST_DIR
        ? `no bundle ${prebuiltFile}: this copy of driftwatch has no prebuilt ${name} bundle and no sources to build it from (the package was built without npm run bundle)`
        : `no bundle ${prebuiltFile}: the bundle directory must hold ${name}/${BUNDLE_FILE} (run npm run bundle, or build your own)`,
    );
  } else {
    const dir = fs.mkdtempSync(path.join(tempRoot(), `bundle-${name}-`));
    // The size goal is enforced by `npm run bundle` (the build); synthesis only warns about it.
    const report = bundleHandler(name, dir, { sourceDir, maxBytes: Number.POSITIVE_INFINITY });
    bundle = { dir, origin: 'bundled', bytes: report.bytes, stale };
  }
  resolved.set(cacheKey, bundle);
  return bundle;
}

let tempDir: string | undefined;

/** One temporary directory per process for bundles and model assets, removed when the process exits. */
function tempRoot(): string {
  if (!tempDir) {
    tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'driftwatch-assets-'));
    // CDK copies each asset into the cloud assembly when the construct is created, so nothing
    // reads these files after synthesis.
    process.once('exit', removeTemporaryAssets);
  }
  return tempDir;
}

/**
 * Removes the temporary bundles and model assets of this process now (they are removed at exit
 * anyway; Jest does not run exit handlers, so tests that synthesize monitors call this in afterAll).
 */
export function removeTemporaryAssets(): void {
  if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
  tempDir = undefined;
  resolved.clear();
}

/** What each function's model.json holds: the environment and the validated config of its model. */
export interface ModelFile {
  readonly env: string;
  readonly model: unknown;
  /** Days after a window its labels are looked for (the handlers' default when absent: 14). */
  readonly labelLookbackDays?: number;
}

/** The file name the handlers read beside their bundle (`DW_MODEL_FILE` overrides it). */
export const MODEL_FILE = 'model.json';

/**
 * A fresh directory with the bundle (index.js and its map) and `model.json`: one function's code
 * asset. The model's config travels in the asset because Lambda's 4 KB of environment variables
 * cannot hold a model's features.
 */
export function modelAssetDirectory(bundle: string, modelFile: ModelFile): string {
  const dir = fs.mkdtempSync(path.join(tempRoot(), 'model-'));
  for (const file of fs.readdirSync(bundle)) {
    if (file === MODEL_FILE) continue;
    const from = path.join(bundle, file);
    if (fs.statSync(from).isFile()) fs.copyFileSync(from, path.join(dir, file));
  }
  fs.writeFileSync(path.join(dir, MODEL_FILE), `${JSON.stringify(modelFile, null, 2)}\n`);
  return dir;
}
