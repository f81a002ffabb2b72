/**
 * Starts a real `moto_server` (the AWS API stand-in installed on every machine here) for one test file.
 * The SDK v3 clients talk HTTP to it exactly as they would to AWS.
 *
 * @example
 *   let moto: MotoServer;
 *   beforeAll(async () => { moto = await startMoto(); });
 *   afterAll(() => moto.stop());
 *   const s3 = new S3Client(motoClientConfig(moto.endpoint, { forcePathStyle: true }));
 */
import { spawn } from 'node:child_process';
import * as http from 'node:http';
import * as net from 'node:net';
import { watchChild } from './watch-child';

export interface MotoServer {
  /** e.g. http://127.0.0.1:41234 */
  readonly endpoint: string;
  readonly pid: number;
  /** Kills this server (by pid) and waits for it to exit. */
  stop(): Promise<void>;
}

/** Asks the OS for a free TCP port on 127.0.0.1 (closed again before moto binds it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error(`unexpected server address ${JSON.stringify(address)}`));
        return;
      }
      const { port } = address;
      server.close(() => resolve(port));
    });
  });
}

function answers(endpoint: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(`${endpoint}/moto-api/`, { agent: false }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('error', () => resolve(false));
    req.setTimeout(1000, () => {
      req.destroy();
      resolve(false);
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Spawns `moto_server -H 127.0.0.1 -p <free port>` and resolves once it answers HTTP. */
export async function startMoto(options: { readonly startupTimeoutMs?: number } = {}): Promise<MotoServer> {
  const timeout = options.startupTimeoutMs ?? 30_000;
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  // MOTO_PORT: where moto's Step Functions interpreter sends a Task's Lambda invoke (its own server).
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, MOTO_PORT: String(port) } });
  const watched = watchChild(child);

  const stop = async (): Promise<void> => {
    if (watched.exitCode() !== undefined) return;
    if (child.pid !== undefined) {
      try {
        process.kill(child.pid, 'SIGTERM');
      } catch {
        return; // already gone
      }
    }
    let timer: NodeJS.Timeout | undefined;
    const killed = await Promise.race([
      watched.exit.then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 5000))),
    ]);
    clearTimeout(timer);
    if (!killed && child.pid !== undefined && watched.exitCode() === undefined) {
      process.kill(child.pid, 'SIGKILL');
      await watched.exit;
    }
  };

  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    const failure = watched.failure();
    if (failure) throw new Error(`could not start moto_server: ${failure.message}`);
    if (watched.exitCode() !== undefined) throw new Error(`moto_server exited with code ${watched.exitCode()} before answering: ${watched.stderr()}`);
    if (await answers(endpoint)) {
      return { endpoint, pid: child.pid as number, stop };
    }
    await sleep(100);
  }
  await stop();
  throw new Error(`moto_server did not answer on ${endpoint} within ${timeout} ms: ${watched.stderr()}`);
}

/** Client config for SDK v3 clients pointed at moto: fixed test credentials, us-east-1. */
export function motoClientConfig<T extends object = object>(endpoint: string, extra?: T) {
  return {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    ...(extra ?? ({} as T)),
  };
}
