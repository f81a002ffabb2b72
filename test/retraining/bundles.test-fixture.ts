/** Stand-in bundles of the retraining constructs' handlers, so construct tests synthesize without esbuild. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DATA_PULL_HANDLER, PIPELINE_OUTCOME_HANDLER, RETRAINING_HANDLER } from '../../lib/retraining';

/** Writes `<dir>/<handler>/index.js` (and its map) for the trigger/gate, data-pull and pipeline-outcome bundles; returns `dir`. */
export function stubRetrainingBundles(dir: string): string {
  for (const handler of [RETRAINING_HANDLER, DATA_PULL_HANDLER, PIPELINE_OUTCOME_HANDLER]) {
    fs.mkdirSync(path.join(dir, handler), { recursive: true });
    fs.writeFileSync(path.join(dir, handler, 'index.js'), 'exports.handler = async () => 1; exports.checkGates = async () => 2;\n');
    fs.writeFileSync(path.join(dir, handler, 'index.js.map'), '{"version":3,"sources":[],"mappings":""}\n');
  }
  return dir;
}
