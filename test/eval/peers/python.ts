/**
 * Runs a peer's own code: a Python script of test/eval/peers/ in .venv-peers (Evidently, NannyML, river at the
 * versions of test/support/requirements-peers.txt, installed by test/support/setup.sh), with a JSON request on
 * stdin and a JSON answer on stdout. The peers' usage telemetry is switched off (the machines reach only the
 * package registries, and a monitor's comparison run should not phone home).
 */
import { spawn, spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '../../..');
export const PEERS_PYTHON = path.join(ROOT, '.venv-peers/bin/python3');
export const PEERS_DIR = __dirname;

const QUIET_ENV = {
  // NannyML (segment analytics), Evidently (iterative-telemetry), and the generic opt-out.
  NML_DISABLE_USAGE_LOGGING: '1',
  DO_NOT_TRACK: '1',
  EVIDENTLY_DISABLE_TELEMETRY: '1',
  ITERATIVE_DO_NOT_TRACK: '1',
  PYTHONHASHSEED: '0',
  // One thread per numeric library: the machine has 2 shared cores.
  OMP_NUM_THREADS: '1',
  OPENBLAS_NUM_THREADS: '1',
  MKL_NUM_THREADS: '1',
};

function checkInstalled(): void {
  if (!fs.existsSync(PEERS_PYTHON)) {
    throw new Error(`the peers' Python is missing at ${PEERS_PYTHON}: run bash test/support/setup.sh (npm test runs it)`);
  }
}

function scriptPath(script: string): string {
  const file = path.join(PEERS_DIR, script);
  if (!fs.existsSync(file)) throw new Error(`no peer script ${file}`);
  return file;
}

function parseAnswer(script: string, status: number | null, stdout: string, stderr: string): unknown {
  if (status !== 0) throw new Error(`${script} exited with ${status}:\n${stderr.slice(-4000)}`);
  try {
    return JSON.parse(stdout);
  } catch {
    throw new Error(`${script} did not print JSON:\n${stdout.slice(0, 2000)}\n${stderr.slice(-2000)}`);
  }
}

/** Runs `script` with `request` as JSON on stdin, waits, returns its parsed JSON answer. */
export function runPeerSync<T>(script: string, request: unknown): T {
  checkInstalled();
  const result = spawnSync(PEERS_PYTHON, [scriptPath(script)], {
    input: JSON.stringify(request),
    encoding: 'utf8',
    env: { ...process.env, ...QUIET_ENV },
    maxBuffer: 1 << 30,
  });
  if (result.error) throw result.error;
  return parseAnswer(script, result.status, result.stdout, result.stderr) as T;
}

/** As runPeerSync, without blocking the event loop; `args` are passed to the script. */
export function runPeer<T>(script: string, request: unknown, args: readonly string[] = []): Promise<T> {
  checkInstalled();
  return new Promise((resolve, reject) => {
    const child = spawn(PEERS_PYTHON, [scriptPath(script), ...args], { env: { ...process.env, ...QUIET_ENV }, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (status) => {
      try {
        resolve(parseAnswer(script, status, Buffer.concat(out).toString('utf8'), Buffer.concat(err).toString('utf8')) as T);
      } catch (e) {
        reject(e);
      }
    });
    child.stdin.end(JSON.stringify(request));
  });
}

/** Where the peers' answers are kept, per script by request hash (git-ignored with node_modules). */
export const PEER_CACHE = path.join(ROOT, 'node_modules/.cache/driftwatch-peers');

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * `runPeer(script, null, [requestFile])`, reusing the answer of an earlier run on a byte-identical request
 * by the same script: a peer's answer depends only on its script, its pinned packages and the request, and
 * Driftwatch's decision code changes none of them (a full injected run's peers take ~30 min).
 */
export async function runPeerCached<T>(script: string, requestFile: string): Promise<T> {
  const scriptHash = sha256(fs.readFileSync(scriptPath(script)));
  const cached = path.join(PEER_CACHE, script, `${sha256(fs.readFileSync(requestFile))}.json`);
  if (fs.existsSync(cached)) {
    const entry = JSON.parse(fs.readFileSync(cached, 'utf8')) as { script: string; answer: T };
    if (entry.script === scriptHash) return entry.answer;
  }
  const answer = await runPeer<T>(script, null, [requestFile]);
  fs.mkdirSync(path.dirname(cached), { recursive: true });
  fs.writeFileSync(cached, JSON.stringify({ script: scriptHash, answer }));
  return answer;
}
