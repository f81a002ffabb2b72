/**
 * The dataset manifest: every file a retraining run trains and evaluates on, with its size and
 * SHA-256, and the dataset version, the SHA-256 of the canonical file list. Two pulls whose files
 * hold the same bytes in the same roles have the same version, wherever the files are stored; a
 * changed, added or removed file gives another. Names are left out of the hash on purpose: the
 * fresh files' names are the engine's (Athena names them per query), the bytes are the data.
 *
 * Canonical file list: one line per file, `<role>\t<bytes>\t<sha256>\n`, sorted (byte order).
 */
import { createHash } from 'node:crypto';
import type { PullWindow } from './window';
import type { Split } from './pull-query';

export const MANIFEST_FORMAT = 'driftwatch.dataset-manifest/v1';

/** `history`: the team's training data (config); `train` / `holdout`: the fresh labelled rows, split by id hash. */
export type FileRole = 'history' | Split;

export interface ManifestFile {
  readonly role: FileRole;
  readonly uri: string;
  readonly bytes: number;
  readonly sha256: string;
  readonly etag: string;
  /** The S3 version read, when the bucket is versioned: `GetObject` with it returns exactly these bytes. */
  readonly versionId?: string;
}

export interface DatasetManifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly modelId: string;
  readonly executionId: string;
  /** SHA-256 (hex) of the canonical file list. */
  readonly datasetVersion: string;
  readonly createdAt: string;
  /** Predictions whose hour is in [start, end). */
  readonly window: { readonly start: string; readonly end: string };
  readonly freshDays: number;
  readonly holdoutPercent: number;
  readonly labelLookbackDays: number;
  /** Fresh rows per side, counted by the query before the unload. */
  readonly rows: Readonly<Record<Split, number>>;
  readonly locations: { readonly train: string; readonly holdout: string; readonly history: string };
  /** The SELECT the rows came from (the same text Athena unloaded). */
  readonly query: string;
  readonly files: readonly ManifestFile[];
}

/** The lines the dataset version hashes, sorted. */
export function canonicalFileList(files: readonly Pick<ManifestFile, 'role' | 'bytes' | 'sha256'>[]): string {
  for (const f of files) {
    if (!/^[0-9a-f]{64}$/.test(f.sha256)) throw new Error(`manifest: ${JSON.stringify(f.sha256)} is not a SHA-256 in lower-case hex`);
    if (!Number.isSafeInteger(f.bytes) || f.bytes < 0) throw new Error(`manifest: ${f.bytes} is not a file size`);
  }
  const lines = files.map((f) => `${f.role}\t${f.bytes}\t${f.sha256}\n`);
  return lines.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).join('');
}

/**
 * The dataset version of a file list.
 * @example datasetVersion([{ role: 'train', bytes: 3, sha256: 'ba7816bf…' }]) // 64 hex characters
 */
export function datasetVersion(files: readonly Pick<ManifestFile, 'role' | 'bytes' | 'sha256'>[]): string {
  return createHash('sha256').update(canonicalFileList(files), 'utf8').digest('hex');
}

export interface ManifestFacts {
  readonly modelId: string;
  readonly executionId: string;
  readonly createdAt: Date;
  readonly window: PullWindow;
  readonly freshDays: number;
  readonly holdoutPercent: number;
  readonly labelLookbackDays: number;
  readonly rows: Readonly<Record<Split, number>>;
  readonly locations: DatasetManifest['locations'];
  readonly query: string;
  readonly files: readonly ManifestFile[];
}

/** The manifest, files in role then URI order, with its dataset version. */
export function buildManifest(facts: ManifestFacts): DatasetManifest {
  const order: Record<FileRole, number> = { history: 0, train: 1, holdout: 2 };
  const files = [...facts.files].sort((a, b) => order[a.role] - order[b.role] || (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
  return {
    format: MANIFEST_FORMAT,
    modelId: facts.modelId,
    executionId: facts.executionId,
    datasetVersion: datasetVersion(files),
    createdAt: facts.createdAt.toISOString(),
    window: { start: facts.window.start.toISOString(), end: facts.window.end.toISOString() },
    freshDays: facts.freshDays,
    holdoutPercent: facts.holdoutPercent,
    labelLookbackDays: facts.labelLookbackDays,
    rows: { train: facts.rows.train, holdout: facts.rows.holdout },
    locations: facts.locations,
    query: facts.query,
    files,
  };
}
