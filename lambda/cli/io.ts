/** Where the CLI writes; the real process streams in `bin/driftwatch.ts`, string buffers in tests. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  /** Directory relative paths are resolved against. @default process.cwd() */
  readonly cwd?: string;
}

/** A command-line mistake (unknown option, missing argument); exit code 2 with usage help. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Exit codes: 0 nothing critical, 1 at least one critical feature (a CI gate), 2 usage or input error. */
export const EXIT_OK = 0;
export const EXIT_CRITICAL = 1;
export const EXIT_ERROR = 2;
