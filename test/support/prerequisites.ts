/**
 * Jest global setup: checks, before any test runs, that the real components the tests start are
 * installed, and says how to install what is missing (rather than letting 30 tests fail one by one).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const CHECKS: { what: string; ok: () => boolean; install: string }[] = [
  { what: 'moto_server (the AWS API for the SDK tests)', ok: () => onPath('moto_server'), install: "pip install 'moto[server]'" },
  { what: 'cfn-lint (lints synthesized templates)', ok: () => onPath('cfn-lint'), install: 'pip install cfn-lint' },
  {
    what: 'python3 with numpy and scipy (fixture checks)',
    ok: () => spawnSync('python3', ['-c', 'import numpy, scipy'], { stdio: 'ignore' }).status === 0,
    install: 'pip install numpy scipy',
  },
  { what: 'Chromium at /usr/bin/chromium (HTML report checks)', ok: () => fs.existsSync('/usr/bin/chromium'), install: 'apt-get install chromium' },
  {
    what: 'the shared datasets in ../shared/datasets (real-data tests)',
    ok: () => fs.existsSync(path.join(__dirname, '../../../shared/datasets/bank-additional-full.csv')),
    install: 'put the shared/ folder beside this clone',
  },
];

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

export default function checkPrerequisites(): void {
  const missing = CHECKS.filter((check) => !check.ok());
  if (missing.length === 0) return;
  const lines = missing.map((m) => `  - ${m.what}: ${m.install}`);
  throw new Error(`The tests need components that are not installed:\n${lines.join('\n')}`);
}
