/**
 * The retraining pipeline's data pull (its first step, a SageMaker Lambda step):
 *
 * 1. counts the window's labelled rows per side (`pullCountQuery`) and refuses a window with fewer
 *    than the minimum, before anything is written;
 * 2. unloads them as Parquet to `runs/<execution>/data/fresh/<attempt>/split=train|holdout/`
 *    (Athena's UNLOAD writes only into an empty prefix, so each attempt of the step has its own);
 * 3. lists those files and the team's history, hashes every file (history through the cache);
 * 4. writes `history.manifest` (the SageMaker manifest of the history files hashed, which Train's
 *    history channel reads) and then `runs/<execution>/data/manifest/manifest.json` last, in one PUT: a failed pull leaves
 *    no manifest, only unreferenced Parquet files of its attempt.
 */
import type { ModelRecordSpec } from '../../core/schema/record-schema';
import type { Clock } from '../../ports/clock';
import type { ObjectStore } from '../../ports/object-store';
import type { UnloadEngine } from '../../ports/query-engine';
import type { TableRef } from '../../sql/table';
import { runArtifactKeys } from '../run-record';
import { channelManifest } from './channel-manifest';
import { digestAll, digestHistory } from './history-cache';
import { buildManifest, type DatasetManifest, type ManifestFile } from './manifest';
import type { DatasetFiles, FileDigest, ListedFile } from './ports';
import { parseSplitCounts, pullCountQuery, pullSelect, SPLIT_COLUMN, type Split } from './pull-query';
import { pullWindow, PullInputError, type PullWindow } from './window';

export interface PullPorts {
  readonly query: UnloadEngine;
  readonly files: DatasetFiles;
  /** The data bucket (the manifest, the history-hash cache). */
  readonly store: ObjectStore;
  readonly clock: Clock;
}

export interface PullSettings {
  readonly modelId: string;
  readonly bucket: string;
  readonly spec: ModelRecordSpec;
  readonly predictionTable: TableRef;
  readonly labelTable: TableRef;
  /** `retraining.pipeline.trainingData.s3Uri` */
  readonly historyUri: string;
  readonly holdoutPercent: number;
  readonly minLabelledRows: number;
  readonly labelLookbackDays: number;
}

export interface PullInput {
  /** The pipeline's WindowEnd parameter (ISO, or `latest`). */
  readonly windowEnd: string;
  readonly freshDays: number;
  readonly executionId: string;
  /** Unique per attempt of the step (the Lambda request id): names the attempt's unload prefix. */
  readonly attemptId: string;
}

/** The step's output parameters. */
export interface PullOutput {
  readonly datasetVersion: string;
  readonly manifestUri: string;
  readonly trainUri: string;
  readonly holdoutUri: string;
  readonly historyUri: string;
  /** The SageMaker manifest of the history files hashed (Train's `history` channel, ManifestFile). */
  readonly historyManifestUri: string;
  readonly trainRows: number;
  readonly holdoutRows: number;
  readonly historyFiles: number;
}

/** The history-hash cache of a model. */
export const historyCacheKey = (modelId: string) => `retraining/${modelId}/pull/history-sha256.json`;

/**
 * @throws PullInputError naming the field and value (window, freshDays, too few rows, empty history)
 * @throws QueryFailed when Athena fails the count or the unload
 */
export async function runPull(ports: PullPorts, settings: PullSettings, input: PullInput): Promise<{ output: PullOutput; manifest: DatasetManifest; historyRead: number }> {
  if (!/^[A-Za-z0-9][A-Za-z0-9-]{0,127}$/.test(input.attemptId)) throw new PullInputError(`the data pull's attemptId must be letters, digits and '-', got ${JSON.stringify(input.attemptId)}`);
  const window = pullWindow(input.windowEnd, input.freshDays, ports.clock.now());
  const select = pullSelect({ ...settings, window });
  const rows = parseSplitCounts(await ports.query.query(pullCountQuery(select)));
  checkLabelledRows(rows, settings, window);

  const keys = runArtifactKeys(settings.modelId, input.executionId);
  const fresh = `s3://${settings.bucket}/${keys.run}/data/fresh/${input.attemptId}/`;
  await ports.query.unload(select, { location: fresh, partitionBy: [SPLIT_COLUMN] });
  const locations = { train: `${fresh}${SPLIT_COLUMN}=train/`, holdout: `${fresh}${SPLIT_COLUMN}=holdout/`, history: settings.historyUri };
  const [train, holdout, history] = await Promise.all([locations.train, locations.holdout, locations.history].map((uri) => ports.files.list(uri)));
  for (const [side, listed] of [['train', train], ['holdout', holdout]] as const) {
    if (listed.length === 0) throw new Error(`the data pull counted ${rows[side]} ${side} rows but the unload wrote no file under ${locations[side]}`);
  }
  if (history.length === 0) throw new PullInputError(`no training history under retraining.pipeline.trainingData.s3Uri = ${settings.historyUri}: the Train step's history channel would be empty`);

  const cached = await digestHistory(ports, historyCacheKey(settings.modelId), history);
  const [trainDigests, holdoutDigests] = await Promise.all([digestAll(ports.files, train), digestAll(ports.files, holdout)]);
  const files = [...entries('history', history, cached.digests), ...entries('train', train, trainDigests), ...entries('holdout', holdout, holdoutDigests)];
  const manifest = buildManifest({ ...settings, ...input, createdAt: ports.clock.now(), window, rows, locations, query: select, files });
  // The channel's manifest first: manifest.json stays the last write, so a failed pull leaves none.
  const historyManifestKey = `${keys.run}/data/manifest/history.manifest`;
  await ports.store.putText(historyManifestKey, JSON.stringify(channelManifest(settings.historyUri, history)), 'application/json');
  await ports.store.putJson(keys.manifest, manifest);
  return {
    output: { datasetVersion: manifest.datasetVersion, manifestUri: ports.store.uri(keys.manifest), trainUri: locations.train, holdoutUri: locations.holdout, historyUri: settings.historyUri, historyManifestUri: ports.store.uri(historyManifestKey), trainRows: rows.train, holdoutRows: rows.holdout, historyFiles: history.length },
    manifest,
    historyRead: cached.read,
  };
}

/** @throws PullInputError naming the window, the counts and the minimum when a side is empty or the total below it */
export function checkLabelledRows(rows: Readonly<Record<Split, number>>, settings: Pick<PullSettings, 'minLabelledRows' | 'holdoutPercent' | 'labelLookbackDays'>, window: PullWindow): void {
  const total = rows.train + rows.holdout;
  const span = `[${window.start.toISOString()}, ${window.end.toISOString()})`;
  if (total < settings.minLabelledRows) {
    throw new PullInputError(
      `the data pull found ${total} labelled rows in the window ${span} (labels read ${settings.labelLookbackDays} days beyond), fewer than ` +
        `retraining.pipeline.dataPull.minLabelledRows = ${settings.minLabelledRows}: widen FreshDays, wait for labels, or lower the minimum`,
    );
  }
  for (const side of ['train', 'holdout'] as const) {
    if (rows[side] === 0) throw new PullInputError(`the data pull's ${side} side is empty (${total} labelled rows in the window ${span}, holdoutPercent = ${settings.holdoutPercent})`);
  }
}

function entries(role: ManifestFile['role'], listed: readonly ListedFile[], digests: readonly FileDigest[]): ManifestFile[] {
  return listed.map((f, i) => ({ role, uri: f.uri, bytes: f.bytes, sha256: digests[i].sha256, etag: f.etag, ...(digests[i].versionId ? { versionId: digests[i].versionId } : {}) }));
}
