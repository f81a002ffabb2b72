/**
 * Jest global setup: puts the project's Python tools (.venv/bin, installed by test/support/setup.sh,
 * which `npm test` runs first) at the front of PATH, then checks, before any test runs, that the
 * real components the tests start are there, and says how to install what is missing (rather than
 * letting 30 tests fail one by one).
 *
 * PATH is set here, in jest's parent process, before the test workers start: they inherit it, so
 * every `moto_server`, `cfn-lint` and `python3` a test spawns is the pinned one from .venv.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export const VENV_BIN = path.join(__dirname, '../../.venv/bin');
const SETUP = 'bash test/support/setup.sh (npm test runs it)';

const CHECKS: { what: string; ok: () => boolean; install: string }[] = [
  { what: 'moto_server (the AWS API for the SDK tests)', ok: () => onPath('moto_server'), install: SETUP },
  { what: 'cfn-lint (lints synthesized templates)', ok: () => onPath('cfn-lint'), install: SETUP },
  {
    what: 'python3 with numpy and scipy (fixture checks)',
    ok: () => spawnSync('python3', ['-c', 'import numpy, scipy'], { stdio: 'ignore' }).status === 0,
    install: SETUP,
  },
  {
    what: 'Chromium at /usr/bin/chromium (HTML report checks)',
    ok: () => fs.existsSync('/usr/bin/chromium'),
    install: `${SETUP} as root, or: sudo apt-get install chromium`,
  },
];

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** `.venv/bin` first on PATH (once), when setup.sh has created it. */
export function useVenv(env: NodeJS.ProcessEnv = process.env): void {
  if (!fs.existsSync(VENV_BIN)) return;
  const entries = (env.PATH ?? '').split(path.delimiter).filter((entry) => entry !== '' && path.resolve(entry) !== VENV_BIN);
  env.PATH = [VENV_BIN, ...entries].join(path.delimiter);
}

export default function checkPrerequisites(): void {
  useVenv();
  // The tests run on the Node 20 of this machine while the Lambdas run Node 22: the SDK's notice that
  // its 2027 releases need Node 22 would repeat in every suite that makes an AWS client.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const missing = CHECKS.filter((check) => !check.ok());
  if (missing.length === 0) return;
  const lines = missing.map((m) => `  - ${m.what}: ${m.install}`);
  throw new Error(`The tests need components that are not installed:\n${lines.join('\n')}`);
}
