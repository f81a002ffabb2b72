/** What the server helpers (moto.ts, mlflow.ts) watch of the process they spawned: its exit, its spawn error and the tail of its stderr. */
import type { ChildProcess } from 'node:child_process';

export interface WatchedChild {
  /** Resolves when the process exits. */
  readonly exit: Promise<void>;
  /** undefined while it runs; its exit code (null when killed by a signal) after. */
  exitCode(): number | null | undefined;
  /** The error spawning it gave (a missing executable), if any. */
  failure(): Error | undefined;
  /** The last 4000 characters it wrote to stderr. */
  stderr(): string;
}

export function watchChild(child: ChildProcess): WatchedChild {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  let exited: number | null | undefined;
  const exit = new Promise<void>((resolve) => {
    child.on('exit', (code) => {
      exited = code;
      resolve();
    });
  });
  let failure: Error | undefined;
  child.on('error', (e) => (failure = e));
  return { exit, exitCode: () => exited, failure: () => failure, stderr: () => stderr };
}
