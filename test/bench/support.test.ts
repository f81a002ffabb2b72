/** The benchmark harness: repeated runs are interleaved and summarised by their median. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { exitsWith, measureInterleaved, runsFlag, timingTable } from './support';

describe('measureInterleaved', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-bench-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const log = path.join(dir, 'order.txt');
  const append = (name: string) => ['-e', `require('fs').appendFileSync(${JSON.stringify(log)}, ${JSON.stringify(name)})`];

  it('alternates the tools run by run and reports each one median and every run', () => {
    const results = measureInterleaved(
      [
        { tool: 'a', command: process.execPath, args: append('a'), check: exitsWith('a', [0]) },
        { tool: 'b', command: process.execPath, args: append('b'), check: exitsWith('b', [0]) },
      ],
      3,
    );
    expect(fs.readFileSync(log, 'utf8')).toBe('ababab');
    for (const r of results) {
      expect(r.runs).toHaveLength(3);
      const sorted = [...(r.runs as number[])].sort((x, y) => x - y);
      expect(r.seconds).toBe(sorted[1]);
    }
    const table = timingTable(results);
    expect(table.split('\n')[0]).toMatch(/^tool\s+median wall s\s+peak MB\s+driftwatch speed-up\s+runs \(s\)$/);
  });

  it('stops at a failed run, naming the tool and the exit status', () => {
    expect(() => measureInterleaved([{ tool: 'x', command: process.execPath, args: ['-e', 'process.exit(3)'], check: exitsWith('the peer', [0]) }], 2)).toThrow(
      /the peer failed \(exit 3\)/,
    );
  });
});

describe('runsFlag', () => {
  it('defaults to 1 and refuses anything but a positive integer', () => {
    expect(runsFlag([])).toBe(1);
    expect(runsFlag(['--runs', '5'])).toBe(5);
    expect(() => runsFlag(['--runs', '0'])).toThrow('--runs must be an integer >= 1, got 0');
    expect(() => runsFlag(['--runs', 'x'])).toThrow('--runs must be an integer >= 1, got x');
  });
});
