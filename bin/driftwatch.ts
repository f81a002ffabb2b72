/** The `driftwatch` CLI entry (started by bin/driftwatch.js, which registers tsx). */
import { runCli } from '../lambda/cli';

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    // exitCode, not process.exit(): stdout may still be flushing a large report to a pipe.
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`driftwatch: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 2;
  },
);
