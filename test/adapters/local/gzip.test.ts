/**
 * gzip-compressed CSV through `readDataset`: recognised by its magic bytes, decompressed as a stream,
 * parsed with the same messages (line numbers count the decompressed text); a damaged file is an
 * InputError naming it.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { gzipSync } from 'zlib';
import { parseCsv } from '../../../lambda/adapters/local/csv';
import { InputError } from '../../../lambda/adapters/local/errors';
import { readDataset, readFileBytes } from '../../../lambda/adapters/local/read-dataset';
import type { NumericColumn } from '../../../lambda/core/types';
import { BANK, CENSUS_REFERENCE } from '../../support/datasets';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'driftwatch-gzip-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const write = (name: string, bytes: Buffer | string): string => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
};
const rejection = async (promise: Promise<unknown>): Promise<InputError> => {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected an InputError');
};
const TEXT = 'amount;country\n1.5;PT\n2;ES\n;PT\n';

describe('readDataset on gzip-compressed CSV', () => {
  it('reads the shipped bank file: the same bytes as the UCI original (its sha256 in the source note)', async () => {
    const bytes = await readFileBytes(BANK);
    expect(bytes.length).toBe(5_834_924);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe('74adfc578bf77a7ff4bb1ba4a9f8709d9e3c6907342959c2c8416847e0afb4d8');
    const bank = await readDataset(BANK, { delimiter: ';' });
    expect(bank.rowCount).toBe(41_188);
    expect(bank.columns).toHaveLength(21);
  });

  it('gives the same dataset as the plain file, with any extension: the magic bytes decide', async () => {
    const plain = await readDataset(write('plain.csv', TEXT), { delimiter: ';' });
    const named = await readDataset(write('data.csv.gz', gzipSync(TEXT)), { delimiter: ';' });
    const unnamed = await readDataset(write('data.csv', gzipSync(TEXT)), { delimiter: ';' });
    expect(named).toEqual(plain);
    expect(unnamed).toEqual(plain);
    expect(Array.from((plain.columns[0] as NumericColumn).values)).toEqual([1.5, 2, NaN]);
  });

  it('reads a file named .gz that is not compressed as the plain CSV it is', async () => {
    const d = await readDataset(write('already-decompressed.csv.gz', TEXT), { delimiter: ';' });
    expect(d.rowCount).toBe(3);
  });

  it('reads concatenated gzip members as one file, as gunzip does', async () => {
    const d = await readDataset(write('members.csv.gz', Buffer.concat([gzipSync('a,b\n1,x\n'), gzipSync('2,y\n')])));
    expect(d.rowCount).toBe(2);
  });

  it('names the file and the line of the decompressed text in a parse error', async () => {
    const file = write('ragged.csv.gz', gzipSync('a,b\n1,2\n3,4,5\n'));
    const error = await rejection(readDataset(file));
    expect(error.message).toBe(`${file}: line 3: expected 2 fields (as in the header), found 3`);
    expect(error.details).toEqual({ file, line: 3 });
  });

  it('says a truncated gzip file is truncated, naming it', async () => {
    const whole = fs.readFileSync(BANK);
    const file = write('truncated.csv.gz', whole.subarray(0, whole.length >> 1));
    const error = await rejection(readDataset(file, { delimiter: ';' }));
    expect(error.message).toContain(`${file}: the gzip data ends early (unexpected end of file): the file is truncated`);
    expect(error.details.file).toBe(file);
  });

  it('says corrupt gzip data is corrupt, with what zlib found', async () => {
    const bytes = Buffer.from(gzipSync('a,b\n1,2\n'.repeat(100)));
    bytes[bytes.length - 6] ^= 0xff; // the CRC-32 in the trailer
    const file = write('corrupt.csv.gz', bytes);
    const error = await rejection(readDataset(file));
    expect(error.message).toContain(`${file}: corrupt gzip data (incorrect data check)`);
  });

  it('is an empty file when the gzip holds nothing', async () => {
    const file = write('empty.csv.gz', gzipSync(''));
    await expect(readDataset(file)).rejects.toThrow(`${file}: the file is empty (expected a header row)`);
  });

  it('refuses gzip-compressed Parquet, saying to decompress it', async () => {
    const file = write('census.pq.gz', gzipSync(fs.readFileSync(CENSUS_REFERENCE)));
    const error = await rejection(readDataset(file));
    expect(error.message).toContain(`${file}: a gzip-compressed Parquet file is not read`);
  });
});

describe('readFileBytes and parseCsv', () => {
  it('returns a plain file as it is and a gzip file decompressed', async () => {
    expect((await readFileBytes(write('p.csv', TEXT))).toString()).toBe(TEXT);
    expect((await readFileBytes(write('g.csv.gz', gzipSync(TEXT)))).toString()).toBe(TEXT);
  });

  it('parseCsv refuses gzip bytes instead of reading them as text', () => {
    expect(() => parseCsv(gzipSync(TEXT), { fileName: 'x.csv.gz' })).toThrow(
      'x.csv.gz: the data is gzip-compressed (it starts with the gzip magic bytes)',
    );
  });
});
