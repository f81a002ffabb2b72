/**
 * `npm run bundle`: bundles every handler in lambda/handlers/ with esbuild (never Docker) into
 * dist/handlers/<name>/index.js (+ source map), so `cdk synth` only copies files. Fails when a
 * bundle pulls in DuckDB or does not build, or when one of the monitor's handlers is missing.
 * Prints each bundle's size and its largest packages, with a warning above the 1 MB goal (a larger
 * bundle still deploys; test/lib/model-monitor.test.ts asserts the goal).
 *
 * Run: npx tsx bin/bundle-handlers.ts
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HANDLER_DIST_DIR, HANDLER_SOURCE_DIR, MAX_BUNDLE_BYTES, MONITOR_HANDLERS, bundleHandler, describePackages, handlerEntries, sizeHint } from '../lib/monitor/bundle';

const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

function main(): number {
  const entries = handlerEntries();
  const missing = Object.values(MONITOR_HANDLERS).filter((name) => !entries.includes(name));
  if (missing.length > 0) {
    console.error(`bundle: the monitor's handlers are missing: ${missing.map((m) => path.join(path.relative(process.cwd(), HANDLER_SOURCE_DIR), `${m}.ts`)).join(', ')}`);
    return 1;
  }
  fs.rmSync(HANDLER_DIST_DIR, { recursive: true, force: true });
  let failed = 0;
  for (const name of entries) {
    try {
      const started = process.hrtime.bigint();
      const report = bundleHandler(name, path.join(HANDLER_DIST_DIR, name), { maxBytes: Number.POSITIVE_INFINITY });
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      console.log(`${name.padEnd(16)} ${kib(report.bytes).padStart(9)}  (${ms.toFixed(0)} ms)  ${describePackages(report.packages)}`);
      if (report.bytes > MAX_BUNDLE_BYTES) {
        console.warn(`WARNING ${name}: ${report.bytes} bytes, above the ${MAX_BUNDLE_BYTES}-byte goal; ${sizeHint(report.packages)}`);
      }
    } catch (error) {
      failed += 1;
      console.error(`${name}: ${(error as Error).message}`);
    }
  }
  console.log(`→ ${path.relative(process.cwd(), HANDLER_DIST_DIR)}/<name>/index.js`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = main();
