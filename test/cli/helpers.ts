/** Temp files and an in-process CLI runner for the CLI tests. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from '../../lambda/cli';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A fresh temp directory; `write` puts a file in it and returns its path. */
export function tempDir(prefix = 'driftwatch-cli-'): { dir: string; write(name: string, text: string | Buffer): string; cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return {
    dir,
    write(name, text) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, text);
      return file;
    },
    cleanup() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs the CLI in-process (same code path as bin/driftwatch.js, minus the process). */
export async function run(argv: string[], cwd?: string): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    cwd,
  });
  return { code, stdout, stderr };
}

/** CSV text from a header and rows. */
export function csvText(header: string[], rows: Array<Array<string | number>>, delimiter = ','): string {
  return [header.join(delimiter), ...rows.map((r) => r.join(delimiter))].join('\n') + '\n';
}

/** `n` rows of a numeric `x` (evenly spread, shifted by `shift`) and a categorical `c` (a/b/c, or a given mix). */
export function sample(n: number, shift = 0, categories = ['a', 'b', 'c']): Array<Array<string | number>> {
  return Array.from({ length: n }, (_, i) => [((i * 7919) % n) / n + shift, categories[i % categories.length]]);
}
