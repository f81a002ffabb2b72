/**
 * Sends a retraining run's tracking (`tracking.ts` says what and where) through the
 * `ExperimentTracker` port. Safe to repeat for the same execution: the run is found by its execution
 * tag and the model version by its run, so a retried step logs into what the first attempt made.
 */
import type { Evaluation, GateReport } from '../core/gates';
import type { ExperimentTracker, TrackedModelVersion } from './ports';
import { aliasChanges, modelVersionLog, retrainingRunLog, type AliasChange, type RegistryEvent, type RetrainingRunRecord } from './tracking';

export interface TrackedRetraining {
  readonly experimentId: string;
  readonly runId: string;
  /** Where the run's artifacts go (`mlflow-artifacts:/...` on a server that proxies them, `s3://...` on SageMaker managed MLflow). */
  readonly artifactUri: string;
  /** The registered candidate's version (alias `challenger`), or null when the gates did not pass. */
  readonly modelVersion: TrackedModelVersion | null;
}

export async function trackRetrainingRun(tracker: ExperimentTracker, run: RetrainingRunRecord, evaluation: Evaluation | null, report: GateReport | null): Promise<TrackedRetraining> {
  const log = retrainingRunLog(run, evaluation, report);
  const versionLog = modelVersionLog(run, evaluation, report);
  const experimentId = await tracker.ensureExperiment(log.experimentName, log.experimentTags);
  const found = await tracker.findRun(experimentId, log.findBy);
  const tracked = found ?? (await tracker.startRun({ experimentId, runName: log.runName, startTime: log.startTime, tags: log.startTags }));
  await tracker.logBatch(tracked.runId, { params: log.params, metrics: log.metrics, tags: { ...(found ? log.startTags : {}), ...log.endTags }, timestamp: log.endTime });
  await tracker.endRun(tracked.runId, log.status, log.endTime);
  const logged = { experimentId, runId: tracked.runId, artifactUri: tracked.artifactUri };
  if (versionLog === null) return { ...logged, modelVersion: null };
  await tracker.ensureRegisteredModel(versionLog.name, { description: `Driftwatch ${run.env} ${run.modelId}, mirrored from the SageMaker Model Package Group ${versionLog.name}` });
  const existing = await tracker.findModelVersion(versionLog.name, tracked.runId);
  let version: TrackedModelVersion;
  if (existing) {
    await tracker.setModelVersionTags(versionLog.name, existing.version, versionLog.tags);
    version = existing;
  } else {
    version = await tracker.createModelVersion({ ...versionLog, runId: tracked.runId });
  }
  await applyRegistryEvent(tracker, versionLog.name, { kind: 'registered', version: version.version });
  return { ...logged, modelVersion: version };
}

/** Moves the aliases for a registry event (`aliasChanges`) and returns the moves made; `current` saves reading the aliases when the caller just did. */
export async function applyRegistryEvent(tracker: ExperimentTracker, registeredModelName: string, event: RegistryEvent, current?: Readonly<Record<string, string>>): Promise<AliasChange[]> {
  const changes = aliasChanges(current ?? (await tracker.getAliases(registeredModelName)), event);
  for (const change of changes) {
    if (change.op === 'set') await tracker.setAlias(registeredModelName, change.alias, change.version);
    else await tracker.deleteAlias(registeredModelName, change.alias);
  }
  return changes;
}
