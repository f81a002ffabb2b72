/**
 * Where Driftwatch's own files are: the directory of its package.json. In a clone that is the
 * repository; installed, `node_modules/driftwatch`. The compiled JavaScript runs from `dist/`, one
 * level deeper than the TypeScript sources, so files shipped beside the code (the demo's dataset,
 * its backtest config, the prebuilt Lambda bundles in `dist/handlers`) are found from here and not
 * from `__dirname`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const PACKAGE_NAME = 'driftwatch';

let cached: string | undefined;

/**
 * The nearest directory at or above `from` whose package.json is named `driftwatch`.
 * @throws when there is none (the package's files were copied without their package.json)
 */
export function packageRoot(from: string = __dirname): string {
  if (from === __dirname && cached !== undefined) return cached;
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file) && readName(file) === PACKAGE_NAME) {
      if (from === __dirname) cached = dir;
      return dir;
    }
    if (path.dirname(dir) === dir) throw new Error(`no package.json named ${JSON.stringify(PACKAGE_NAME)} at or above ${from}: Driftwatch's files must stay inside its package`);
  }
}

function readName(file: string): unknown {
  try {
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: unknown }).name;
  } catch {
    return undefined;
  }
}
