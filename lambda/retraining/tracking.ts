/**
 * What a retraining run leaves in MLflow, and where: pure (no I/O), so a test of what is logged needs
 * no server. `track-run.ts` sends it through the `ExperimentTracker` port.
 *
 * | where | what |
 * |---|---|
 * | experiment `driftwatch/<env>/<model>` | one run per pipeline execution, named by the execution id |
 * | run tags | `driftwatch.env`, `driftwatch.model`, `driftwatch.dataset_version` (the manifest's SHA-256), `driftwatch.code.image` and `.image_digest`, `driftwatch.code.git_commit` (also `mlflow.source.git.commit`, which the UI shows), `driftwatch.code_version` (`<git commit>+sha256:<digest>`), `driftwatch.trigger.event` / `.signal` / `.dedup_key` / `.window_end`, `driftwatch.pipeline_execution_arn` (how a retried step finds its run), `driftwatch.gates.verdict` / `.summary` |
 * | run params | the hyperparameters as the training job got them, and the pipeline settings as `pipeline.<name>` |
 * | run metrics | `evaluation.json`'s metrics by name; `segment/<segment>/<metric>` (and `/rows`); `champion/<metric>` and `champion/segment/<segment>/<metric>`; `holdout/rows`; `edge_cases/total`, `/passed`, `/pass_rate`; `gates/checks`, `gates/failed` |
 * | run status | FINISHED when the execution succeeded, KILLED when it was stopped, FAILED otherwise |
 * | run tags of an end that is not a success | `driftwatch.execution.outcome` (`failed`, `stopped`), `driftwatch.execution.failed_step`, `driftwatch.execution.failure_reason` |
 * | run tags and metrics per gate check | `driftwatch.gate.<check id>` (`fail: recall_score on segment high_risk is 0.87, needs >= 0.9 (delta -0.03)`), `gate/<check id>/value` and `/delta` |
 * | run artifact | `gates/gate-report.json`: the gate step's report (`outcome-tracking.ts` uploads it) |
 * | registered model (the Model Package Group's name) | a version per registered candidate: source = the model artifact URI, run = the run above, description = the gates' summary |
 * | version tags | the lineage (dataset, code, trigger, execution, model package ARN) and the gates: `driftwatch.gates.verdict`, `.summary`, `.champion`, and one `driftwatch.gate.<check id>` per check: `pass: roc_auc is 0.93, needs >= 0.9 (delta 0.03)` |
 *
 * Aliases (`aliasChanges`): a registered candidate is `challenger`; in shadow it is `shadow`; promoted,
 * it becomes `champion` and the champion it replaces `previous` (the last known good); a rollback puts
 * `champion` back on `previous` (or the version asked for) and clears `previous`. MLflow keeps no history
 * of its aliases (mlflow#2169): the ledger does.
 */
import { createHash } from 'node:crypto';
import type { Evaluation, GateReport } from '../core/gates';
import type { ModelAlias, TrackedRunStatus } from './ports';

/** The version tag naming the SageMaker model package a version mirrors (how the promotion finds it). */
export const MODEL_PACKAGE_TAG = 'driftwatch.sagemaker.model_package_arn';
/** The tag a retried step finds its run by. */
export const EXECUTION_TAG = 'driftwatch.pipeline_execution_arn';
/** MLflow's longest key (metrics, params and tags). */
const MAX_KEY = 250;

/** One pipeline execution, as the tracking step knows it. */
export interface RetrainingRunRecord {
  readonly env: string;
  readonly modelId: string;
  /** The Model Package Group the pipeline registers into; the MLflow registered model has the same name. */
  readonly registeredModelName: string;
  readonly executionArn: string;
  /** The training image, `<repository>[:tag]@sha256:<digest>`. */
  readonly trainingImage: string;
  /** The git commit given at deploy time (`CodeVersion`), or `unknown`. */
  readonly gitCommit: string;
  /** The data pull manifest's SHA-256. */
  readonly datasetVersion: string;
  readonly trigger: { readonly eventKey: string; readonly signal: string; readonly dedupKey?: string; readonly windowEnd?: string };
  /** As the training job got them (strings). */
  readonly hyperparameters: Readonly<Record<string, string>>;
  /** Instance type and count, fresh days, ... (logged as `pipeline.<name>`). */
  readonly settings?: Readonly<Record<string, string>>;
  readonly startedAt: Date;
  readonly endedAt: Date;
  readonly succeeded: boolean;
  /** The execution was stopped (by a person or a pipeline timeout): the run is KILLED, not FAILED. */
  readonly stopped?: boolean;
  /** Why a failed execution failed: the step that failed first and SageMaker's FailureReason. */
  readonly failure?: { readonly step: string | null; readonly reason: string | null };
  /** The trained model's artifact (`s3://.../model.tar.gz`); the model version's source. */
  readonly modelArtifactUri: string;
  /** The registered model package, when the candidate was registered. */
  readonly modelPackageArn?: string;
}

export interface RunLog {
  readonly experimentName: string;
  readonly experimentTags: Readonly<Record<string, string>>;
  readonly runName: string;
  /** The tag a retried step finds this run by. */
  readonly findBy: { readonly key: string; readonly value: string };
  readonly startTime: Date;
  readonly endTime: Date;
  /** Set when the run is created. */
  readonly startTags: Readonly<Record<string, string>>;
  readonly params: Readonly<Record<string, string>>;
  readonly metrics: Readonly<Record<string, number>>;
  /** Set once evaluation and gates are known. */
  readonly endTags: Readonly<Record<string, string>>;
  readonly status: Exclude<TrackedRunStatus, 'RUNNING'>;
}

export interface ModelVersionLog {
  readonly name: string;
  readonly source: string;
  readonly description: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** @example experimentName('prod', 'fraud_detector') // 'driftwatch/prod/fraud_detector' */
export function experimentName(env: string, modelId: string): string {
  return `driftwatch/${env}/${modelId}`;
}

/** The 64 hex digits of an image reference's `@sha256:`, or null. */
export function imageDigest(image: string): string | null {
  return /@sha256:([a-f0-9]{64})$/.exec(image)?.[1] ?? null;
}

/** The execution id at the end of a pipeline execution ARN (`.../execution/<id>`). */
export function executionId(arn: string): string {
  return /\/execution\/([^/]+)$/.exec(arn)?.[1] ?? arn;
}

/** @throws Error naming the key when it is longer than MLflow allows */
function key(k: string): string {
  if (k.length > MAX_KEY) throw new Error(`the MLflow key ${JSON.stringify(k.slice(0, 80))}… has ${k.length} characters; MLflow allows at most ${MAX_KEY} (shorten the metric or segment name in evaluation.json)`);
  return k;
}

function lineageTags(run: RetrainingRunRecord): Record<string, string> {
  const digest = imageDigest(run.trainingImage);
  return {
    'driftwatch.env': run.env,
    'driftwatch.model': run.modelId,
    'driftwatch.dataset_version': run.datasetVersion,
    'driftwatch.code.image': run.trainingImage,
    'driftwatch.code.image_digest': digest === null ? 'none' : `sha256:${digest}`,
    'driftwatch.code.git_commit': run.gitCommit,
    'driftwatch.code_version': `${run.gitCommit}+${digest === null ? 'undigested' : `sha256:${digest}`}`,
    'driftwatch.trigger.event': run.trigger.eventKey,
    'driftwatch.trigger.signal': run.trigger.signal,
    ...(run.trigger.dedupKey !== undefined ? { 'driftwatch.trigger.dedup_key': run.trigger.dedupKey } : {}),
    ...(run.trigger.windowEnd !== undefined ? { 'driftwatch.trigger.window_end': run.trigger.windowEnd } : {}),
    [EXECUTION_TAG]: run.executionArn,
  };
}

/** A gate check id as an MLflow tag key (`assertion:recall_score@high_risk` → `driftwatch.gate.assertion:recall_score/high_risk`), hashed short past 250 characters. */
export function gateTagKey(id: string): string {
  return gateKey('driftwatch.gate.', id, '');
}

/** A gate check's metric key (`gate/assertion:recall_score/high_risk/delta`), hashed short past 250 characters. */
export function gateMetricKey(id: string, what: 'value' | 'delta'): string {
  return gateKey('gate/', id, `/${what}`);
}

/** `<prefix><id with the characters MLflow refuses replaced><suffix>`, the id hashed short past 250 characters. */
function gateKey(prefix: string, id: string, suffix: string): string {
  const k = `${prefix}${id.replace(/@/g, '/').replace(/[^/\w.\- :]/g, '_')}${suffix}`;
  if (k.length <= MAX_KEY) return k;
  return `${k.slice(0, MAX_KEY - 13 - suffix.length)}~${createHash('sha256').update(id).digest('hex').slice(0, 12)}${suffix}`;
}

/** Each check's verdict as a tag and its value and delta as metrics (a failed run has no model version to carry them). */
function gateCheckLog(report: GateReport): { tags: Record<string, string>; metrics: Record<string, number> } {
  const tags: Record<string, string> = {};
  const metrics: Record<string, number> = {};
  for (const r of report.results) {
    tags[gateTagKey(r.id)] = `${r.status}: ${r.message}`;
    if (r.value !== null && Number.isFinite(r.value)) metrics[gateMetricKey(r.id, 'value')] = r.value;
    if (r.delta !== null && Number.isFinite(r.delta)) metrics[gateMetricKey(r.id, 'delta')] = r.delta;
  }
  return { tags, metrics };
}

/** What a run that did not succeed says of its end. */
function endOfExecutionTags(run: RetrainingRunRecord): Record<string, string> {
  if (run.succeeded) return {};
  const tags: Record<string, string> = { 'driftwatch.execution.outcome': run.stopped ? 'stopped' : 'failed' };
  if (run.failure?.step) tags['driftwatch.execution.failed_step'] = run.failure.step;
  if (run.failure?.reason) tags['driftwatch.execution.failure_reason'] = run.failure.reason.slice(0, 5000);
  return tags;
}

/** The gate report as model version tags: the verdict, the summary, the champion and one tag per check. */
export function gateTags(report: GateReport, champion: string): Record<string, string> {
  const tags: Record<string, string> = {
    'driftwatch.gates.verdict': report.verdict,
    'driftwatch.gates.summary': report.summary,
    'driftwatch.gates.champion': champion,
    ...gateCheckLog(report).tags,
  };
  return tags;
}

function evaluationMetrics(evaluation: Evaluation): Record<string, number> {
  const m: Record<string, number> = {};
  const put = (k: string, v: number) => (m[key(k)] = v);
  for (const [k, v] of Object.entries(evaluation.metrics)) put(k, v);
  for (const [segment, s] of Object.entries(evaluation.segments)) {
    for (const [k, v] of Object.entries(s.metrics)) put(`segment/${segment}/${k}`, v);
    if (s.rows !== undefined) put(`segment/${segment}/rows`, s.rows);
  }
  if (evaluation.champion) {
    for (const [k, v] of Object.entries(evaluation.champion.metrics)) put(`champion/${k}`, v);
    for (const [segment, s] of Object.entries(evaluation.champion.segments)) for (const [k, v] of Object.entries(s.metrics)) put(`champion/segment/${segment}/${k}`, v);
  }
  if (evaluation.holdout) put('holdout/rows', evaluation.holdout.rows);
  if (evaluation.edgeCases.length > 0) {
    const passed = evaluation.edgeCases.filter((c) => c.passed).length;
    put('edge_cases/total', evaluation.edgeCases.length);
    put('edge_cases/passed', passed);
    put('edge_cases/pass_rate', passed / evaluation.edgeCases.length);
  }
  return m;
}

/** The champion the gates compared with, as the gate step names it. */
export function championName(evaluation: Evaluation | null): string {
  return evaluation?.champion?.modelPackageArn ?? evaluation?.champion?.version ?? 'none';
}

/**
 * The run of one pipeline execution: experiment, tags, params, metrics and status. `evaluation` and
 * `report` are null when the execution ended before them (a failed training): the run then carries the
 * lineage and the params, and FAILED.
 *
 * @throws Error naming a metric key longer than MLflow's 250 characters
 */
export function retrainingRunLog(run: RetrainingRunRecord, evaluation: Evaluation | null, report: GateReport | null): RunLog {
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(run.hyperparameters)) params[key(k)] = v;
  for (const [k, v] of Object.entries(run.settings ?? {})) params[key(`pipeline.${k}`)] = v;
  const metrics = evaluation ? evaluationMetrics(evaluation) : {};
  if (report) {
    metrics['gates/checks'] = report.results.length;
    metrics['gates/failed'] = report.failures.length;
    Object.assign(metrics, gateCheckLog(report).metrics);
  }
  const endTags: Record<string, string> = { ...(report ? gateTags(report, championName(evaluation)) : {}), ...endOfExecutionTags(run) };
  if (run.modelPackageArn !== undefined) endTags[MODEL_PACKAGE_TAG] = run.modelPackageArn;
  return {
    experimentName: experimentName(run.env, run.modelId),
    experimentTags: { 'driftwatch.env': run.env, 'driftwatch.model': run.modelId },
    runName: executionId(run.executionArn),
    findBy: { key: EXECUTION_TAG, value: run.executionArn },
    startTime: run.startedAt,
    endTime: run.endedAt,
    startTags: {
      ...lineageTags(run),
      'mlflow.source.type': 'JOB',
      'mlflow.source.name': run.trainingImage,
      ...(run.gitCommit !== 'unknown' ? { 'mlflow.source.git.commit': run.gitCommit } : {}),
    },
    params,
    metrics,
    endTags,
    status: run.succeeded ? 'FINISHED' : run.stopped ? 'KILLED' : 'FAILED',
  };
}

/**
 * The model version of a registered candidate: source = the model artifact, the lineage and the gate
 * results as tags. Null when there is nothing to register (the gates failed or never ran).
 */
export function modelVersionLog(run: RetrainingRunRecord, evaluation: Evaluation | null, report: GateReport | null): ModelVersionLog | null {
  if (report === null || report.verdict !== 'pass') return null;
  return {
    name: run.registeredModelName,
    source: run.modelArtifactUri,
    description: `Retrained by ${executionId(run.executionArn)} (trigger ${run.trigger.signal}): ${report.summary}`,
    tags: {
      ...lineageTags(run),
      ...(run.modelPackageArn !== undefined ? { [MODEL_PACKAGE_TAG]: run.modelPackageArn } : {}),
      ...gateTags(report, championName(evaluation)),
    },
  };
}

/** What happened to a version in the registry. */
export type RegistryEvent =
  | { readonly kind: 'registered'; readonly version: string }
  | { readonly kind: 'shadowed'; readonly version: string }
  | { readonly kind: 'promoted'; readonly version: string }
  | { readonly kind: 'rolled-back'; readonly to?: string };

export type AliasChange = { readonly op: 'set'; readonly alias: ModelAlias; readonly version: string } | { readonly op: 'delete'; readonly alias: ModelAlias };

/**
 * The alias moves an event makes, given the aliases now (alias → version). Pure; sets come before
 * deletes, so a reader never sees a model without a champion once it had one.
 *
 * - registered v → `challenger` = v
 * - shadowed v → `shadow` = v; `challenger` cleared when it was v
 * - promoted v → `previous` = the champion (when there is one and it is not v), `champion` = v;
 *   `challenger` and `shadow` cleared when they were v
 * - rolled back [to t] → `champion` = t, by default `previous`; `previous` cleared when it was used
 *
 * @throws Error for a rollback with no `previous` and no version asked for, or to the champion itself
 * @example aliasChanges({ champion: '1' }, { kind: 'promoted', version: '2' })
 * // [{ op: 'set', alias: 'previous', version: '1' }, { op: 'set', alias: 'champion', version: '2' }]
 */
export function aliasChanges(current: Readonly<Record<string, string>>, event: RegistryEvent): AliasChange[] {
  const clearIf = (alias: ModelAlias, version: string): AliasChange[] => (current[alias] === version ? [{ op: 'delete', alias }] : []);
  switch (event.kind) {
    case 'registered':
      return [{ op: 'set', alias: 'challenger', version: event.version }];
    case 'shadowed':
      return [{ op: 'set', alias: 'shadow', version: event.version }, ...clearIf('challenger', event.version)];
    case 'promoted': {
      const champion = current.champion;
      return [
        ...(champion !== undefined && champion !== event.version ? [{ op: 'set' as const, alias: 'previous' as const, version: champion }] : []),
        { op: 'set', alias: 'champion', version: event.version },
        ...clearIf('challenger', event.version),
        ...clearIf('shadow', event.version),
      ];
    }
    case 'rolled-back': {
      const to = event.to ?? current.previous;
      if (to === undefined) throw new Error('cannot roll back: the model has no previous version (alias previous is not set); name the version to roll back to');
      if (to === current.champion) throw new Error(`cannot roll back to version ${to}: it is the champion already`);
      return [{ op: 'set', alias: 'champion', version: to }, ...clearIf('previous', to)];
    }
  }
}
