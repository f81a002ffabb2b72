/**
 * Starts a real `mlflow server` (from .venv-mlflow, which test/support/setup.sh installs) for one test
 * file: loopback only, a free port, a fresh sqlite backend and artifact root in a temp directory, one
 * worker. The REST API answers exactly as a team's tracking server does.
 *
 * @example
 *   let mlflow: MlflowServer;
 *   beforeAll(async () => { mlflow = await startMlflow(); }, 240_000);
 *   afterAll(() => mlflow.stop());
 *   const tracker = new MlflowRestTracker({ trackingUri: mlflow.endpoint });
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from './moto';
import { watchChild } from './watch-child';

const ROOT = path.resolve(__dirname, '../..');
/** The venv setup.sh creates from test/support/requirements-mlflow.txt. */
export const MLFLOW_VENV = path.join(ROOT, '.venv-mlflow');
export const MLFLOW_PYTHON = path.join(MLFLOW_VENV, 'bin', 'python3');

export interface MlflowServer {
  /** e.g. http://127.0.0.1:41234 (the tracking URI) */
  readonly endpoint: string;
  readonly pid: number;
  /** The temp directory holding mlflow.db and artifacts/ (removed by stop). */
  readonly dir: string;
  /** Stops the server's process group (by the pid of the process this helper started) and removes its directory. */
  stop(): Promise<void>;
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    const res = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(2000) });
    await res.text();
    return res.status === 200;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Spawns `mlflow server --host 127.0.0.1 --port <free> --backend-store-uri sqlite:///<tmp>/mlflow.db
 * --artifacts-destination <tmp>/artifacts --workers 1` (runs' artifacts are `mlflow-artifacts:/...`,
 * uploaded through the server's proxy, MLflow's default) and resolves once `/health` answers 200. The
 * first start creates the database (its migrations): about 90 s on this busy machine, hence the
 * generous default timeout.
 */
export async function startMlflow(options: { readonly startupTimeoutMs?: number } = {}): Promise<MlflowServer> {
  const timeout = options.startupTimeoutMs ?? 200_000;
  const mlflowBin = path.join(MLFLOW_VENV, 'bin', 'mlflow');
  if (!fs.existsSync(mlflowBin)) {
    throw new Error(`${mlflowBin} is missing: run test/support/setup.sh (it installs test/support/requirements-mlflow.txt into .venv-mlflow)`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-mlflow-'));
  const artifacts = path.join(dir, 'artifacts');
  fs.mkdirSync(artifacts);
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const args = ['server', '--host', '127.0.0.1', '--port', String(port), '--workers', '1', '--backend-store-uri', `sqlite:///${path.join(dir, 'mlflow.db')}`, '--artifacts-destination', artifacts];
  // detached: its own process group, so stop() ends the server and the uvicorn worker it spawns.
  const child = spawn(mlflowBin, args, { cwd: dir, detached: true, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, MLFLOW_TRACKING_URI: '' } });
  const watched = watchChild(child);

  const signalGroup = (signal: NodeJS.Signals): void => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const stop = async (): Promise<void> => {
    if (watched.exitCode() === undefined) {
      signalGroup('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const ended = await Promise.race([watched.exit.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 10_000)))]);
      clearTimeout(timer);
      if (!ended) {
        signalGroup('SIGKILL');
        await watched.exit;
      }
    }
    signalGroup('SIGKILL'); // a worker that outlived its parent
    fs.rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    const failure = watched.failure();
    if (failure) {
      await stop();
      throw new Error(`could not start ${mlflowBin}: ${failure.message}`);
    }
    if (watched.exitCode() !== undefined) {
      await stop();
      throw new Error(`mlflow server exited with code ${watched.exitCode()} before answering: ${watched.stderr()}`);
    }
    if (await answers(endpoint)) return { endpoint, pid: child.pid as number, dir, stop };
    await sleep(250);
  }
  await stop();
  throw new Error(`mlflow server did not answer on ${endpoint}/health within ${timeout} ms: ${watched.stderr()}`);
}
