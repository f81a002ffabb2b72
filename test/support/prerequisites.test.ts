/**
 * The tests spawn the pinned tools from .venv (test/support/setup.sh), not whatever else is on PATH:
 * the jest global setup puts .venv/bin first before the workers start.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { useVenv, VENV_BIN } from './prerequisites';

const resolved = (command: string): string =>
  spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).stdout.trim();

describe('the tools a test spawns', () => {
  it.each(['moto_server', 'cfn-lint', 'python3'])('%s comes from .venv/bin', (command) => {
    expect(fs.existsSync(VENV_BIN)).toBe(true);
    expect(path.dirname(resolved(command))).toBe(VENV_BIN);
  });

  it('.venv/bin is put first on PATH once, whatever was there', () => {
    const env: NodeJS.ProcessEnv = { PATH: `/usr/bin:${VENV_BIN}:/bin` };
    useVenv(env);
    useVenv(env);
    expect(env.PATH).toBe(`${VENV_BIN}:/usr/bin:/bin`);
  });
});
