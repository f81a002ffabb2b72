/**
 * MLflow's REST API (`/api/2.0/mlflow/...`) as the retraining's `ExperimentTracker`, over `fetch`.
 *
 * - **Retries**: every call goes through the notifier's rule (`sendWithRetry` in
 *   `adapters/aws/http-sender.ts`): 429 and 5xx (and no answer) are retried with `Retry-After` or a
 *   jittered backoff, within `maxAttempts` and `deadlineMs`; any other 4xx is not. A create whose answer
 *   was lost may be retried into a second run or version: the callers look first (`findRun`,
 *   `findModelVersion`), and `ensure*` treats RESOURCE_ALREADY_EXISTS as found.
 * - **Errors** (`MlflowCallFailed`) name the call, its method and path, MLflow's `error_code` and
 *   `message` and the HTTP status: `MLflow runs/log-batch (POST /api/2.0/mlflow/runs/log-batch):
 *   INVALID_PARAMETER_VALUE: Changing param values is not allowed ... (HTTP 400)`.
 * - **Limits**: `runs/log-batch` takes at most 1000 metrics, 100 params and 100 tags (1000 entities in
 *   all, 1 MB of request); `logBatch` splits into as many batches as needed. Keys over 250 characters,
 *   param values over 6000 and tag values over 8000 are refused before anything is sent, naming the key.
 * - **Auth**: `fetch` is injectable, so a signer is a fetch wrapper. SageMaker managed MLflow wants
 *   SigV4 (service `sagemaker-mlflow`, the region of the tracking server, an `X-Amz-Content-SHA256`
 *   header) at `https://<region>.experiments.sagemaker.aws` with the header
 *   `x-mlflow-sm-tracking-server-arn: <tracking server ARN>`:
 *
 * ```ts
 * // an untested sketch: @smithy/signature-v4 and @aws-crypto/sha256-js, credentials from the Lambda's role
 * const signer = new SignatureV4({ service: 'sagemaker-mlflow', region, credentials: fromNodeProviderChain(), sha256: Sha256 });
 * const signedFetch: typeof fetch = async (input, init) => {
 *   const url = new URL(String(input));
 *   const signed = await signer.sign({ method: init?.method ?? 'GET', protocol: url.protocol, hostname: url.hostname, path: url.pathname,
 *     query: Object.fromEntries(url.searchParams), headers: { ...(init?.headers as Record<string, string>), host: url.hostname }, body: init?.body });
 *   return fetch(url, { ...init, headers: signed.headers });
 * };
 * new MlflowRestTracker({ trackingUri: `https://${region}.experiments.sagemaker.aws`, fetch: signedFetch,
 *   headers: { 'x-mlflow-sm-tracking-server-arn': trackingServerArn } });
 * ```
 */
import { DeliveryFailed, sendWithRetry, type HttpPostOptions } from '../../adapters/aws/http-sender';
import type { ExperimentTracker, ModelAlias, TrackedModelVersion, TrackedRun, TrackedRunStatus } from '../ports';

/** MLflow's `runs/log-batch` limits (mlflow/utils/validation.py). */
export const MLFLOW_LIMITS = {
  metricsPerBatch: 1000,
  paramsPerBatch: 100,
  tagsPerBatch: 100,
  entitiesPerBatch: 1000,
  /** Bytes of one log-batch request; kept under with a margin for the JSON around the entries. */
  batchRequestBytes: 1_000_000,
  keyLength: 250,
  paramValueLength: 6000,
  tagValueLength: 8000,
} as const;

export interface MlflowRestTrackerOptions {
  /** The server's base URL, e.g. `http://127.0.0.1:5000` or `https://eu-west-1.experiments.sagemaker.aws`. */
  readonly trackingUri: string;
  /** Every request goes through it: a SigV4 signer wraps `fetch`. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Sent with every request (SageMaker: `x-mlflow-sm-tracking-server-arn`). @default {} */
  readonly headers?: Readonly<Record<string, string>>;
  /** The retry rule's bounds. @default 4 attempts, 60 s in all, 20 s each, backoff 500 ms to 8 s */
  readonly retry?: Omit<HttpPostOptions, 'name'>;
}

/** An MLflow call that failed: what was called, and what MLflow answered. */
export class MlflowCallFailed extends Error {
  constructor(
    /** `runs/log-batch` */
    readonly call: string,
    /** MLflow's `error_code` (`INVALID_PARAMETER_VALUE`, `RESOURCE_DOES_NOT_EXIST`), or null when it sent none. */
    readonly errorCode: string | null,
    readonly status: number | null,
    message: string,
  ) {
    super(message);
    this.name = 'MlflowCallFailed';
  }
}

type Method = 'GET' | 'POST' | 'DELETE';
type KeyValue = { key: string; value: string };

interface RawRun {
  info: { run_id: string; experiment_id: string; status: TrackedRunStatus; artifact_uri?: string };
}
interface RawModelVersion {
  name: string;
  version: string;
  source?: string;
  run_id?: string;
  tags?: KeyValue[];
  aliases?: string[];
}

const API = '/api/2.0/mlflow/';

function pairs(record: Readonly<Record<string, string>> | undefined): KeyValue[] {
  return Object.entries(record ?? {}).map(([key, value]) => ({ key, value }));
}

/** A string literal in an MLflow search filter. */
function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function toRun(raw: RawRun): TrackedRun {
  return { runId: raw.info.run_id, experimentId: raw.info.experiment_id, status: raw.info.status, artifactUri: raw.info.artifact_uri ?? '' };
}

function toVersion(raw: RawModelVersion): TrackedModelVersion {
  return {
    name: raw.name,
    version: raw.version,
    source: raw.source ?? '',
    runId: raw.run_id ? raw.run_id : null,
    tags: Object.fromEntries((raw.tags ?? []).map((t) => [t.key, t.value])),
    aliases: raw.aliases ?? [],
  };
}

/** Refuses what MLflow would refuse, before anything is sent. @throws MlflowCallFailed naming the key */
function checkEntries(call: string, what: 'param' | 'tag' | 'metric', entries: readonly { key: string; value: string | number }[], valueLimit: number | null): void {
  for (const { key, value } of entries) {
    if (key.length === 0 || key.length > MLFLOW_LIMITS.keyLength) {
      throw new MlflowCallFailed(call, null, null, `MLflow ${call}: the ${what} key ${JSON.stringify(key.slice(0, 80))}${key.length > 80 ? '…' : ''} has ${key.length} characters; MLflow allows 1 to ${MLFLOW_LIMITS.keyLength}`);
    }
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new MlflowCallFailed(call, null, null, `MLflow ${call}: the metric ${key} is ${value}; only finite numbers can be logged`);
    }
    if (valueLimit !== null && typeof value === 'string' && value.length > valueLimit) {
      throw new MlflowCallFailed(call, null, null, `MLflow ${call}: the ${what} ${key} has a value of ${value.length} characters; MLflow allows at most ${valueLimit}`);
    }
  }
}

export interface LogBatchBody {
  readonly params: KeyValue[];
  readonly tags: KeyValue[];
  readonly metrics: { key: string; value: number; timestamp: number; step: number }[];
}

/**
 * Splits params, tags and metrics into `runs/log-batch` bodies within MLflow's limits: at most 100
 * params, 100 tags and 1000 entities per batch, and under 1 MB of JSON. Params come first (a run's
 * params are what a failed later batch must not lose), then tags, then metrics. Pure.
 *
 * @example logBatches({ params: 250 params }, ...) // 3 batches: 100, 100 and 50 params
 */
export function logBatches(params: readonly KeyValue[], tags: readonly KeyValue[], metrics: LogBatchBody['metrics']): LogBatchBody[] {
  const out: LogBatchBody[] = [];
  const budget = MLFLOW_LIMITS.batchRequestBytes - 10_000;
  let p = 0;
  let t = 0;
  let m = 0;
  while (p < params.length || t < tags.length || m < metrics.length) {
    const batch: LogBatchBody = { params: [], tags: [], metrics: [] };
    let bytes = 0;
    const fits = (entry: unknown) => {
      const size = Buffer.byteLength(JSON.stringify(entry)) + 1;
      const entities = batch.params.length + batch.tags.length + batch.metrics.length;
      if (entities >= MLFLOW_LIMITS.entitiesPerBatch || (entities > 0 && bytes + size > budget)) return false;
      bytes += size;
      return true;
    };
    while (p < params.length && batch.params.length < MLFLOW_LIMITS.paramsPerBatch && fits(params[p])) batch.params.push(params[p++]);
    while (t < tags.length && batch.tags.length < MLFLOW_LIMITS.tagsPerBatch && fits(tags[t])) batch.tags.push(tags[t++]);
    while (m < metrics.length && batch.metrics.length < MLFLOW_LIMITS.metricsPerBatch && fits(metrics[m])) batch.metrics.push(metrics[m++]);
    out.push(batch);
  }
  return out;
}

export class MlflowRestTracker implements ExperimentTracker {
  private readonly base: string;
  private readonly fetchImpl: typeof fetch;
  private readonly retry: Omit<HttpPostOptions, 'name'>;

  constructor(private readonly options: MlflowRestTrackerOptions) {
    this.base = options.trackingUri.replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.retry = options.retry ?? { maxAttempts: 4, deadlineMs: 60_000, timeoutMs: 20_000, backoff: { baseDelayMs: 500, maxDelayMs: 8000 } };
  }

  /**
   * One REST call through the retry rule. GET sends `body` as the query string, the others as JSON
   * (MLflow 3 reads a DELETE's parameters from its JSON body too).
   * @throws MlflowCallFailed with MLflow's error_code and message
   */
  private async call<T>(method: Method, call: string, body: Record<string, unknown>): Promise<T> {
    const query = method === 'GET';
    const url = new URL(`${this.base}${API}${call}`);
    if (query) {
      for (const [k, v] of Object.entries(body)) if (v !== undefined) url.searchParams.set(k, String(v));
    }
    const headers: Record<string, string> = { accept: 'application/json', ...(query ? {} : { 'content-type': 'application/json' }) };
    const answer = await this.send(call, `MLflow ${call} (${method} ${API}${call})`, url, { method, headers, body: query ? undefined : JSON.stringify(body) });
    return (answer.trim() === '' ? {} : JSON.parse(answer)) as T;
  }

  /** One request through the retry rule, with the configured headers. @throws MlflowCallFailed with MLflow's error_code and message */
  private async send(call: string, name: string, url: URL, init: { method: string; headers: Record<string, string>; body: string | undefined }): Promise<string> {
    try {
      const headers = { ...init.headers, ...this.options.headers };
      const answer = await sendWithRetry((signal) => this.fetchImpl(url, { ...init, headers, redirect: 'manual', signal }), { ...this.retry, name });
      return answer.body;
    } catch (error) {
      if (!(error instanceof DeliveryFailed)) throw error;
      const doc = parseErrorDocument(error.body);
      if (doc) {
        const tries = error.attempts > 1 ? ` after ${error.attempts} attempts` : '';
        throw new MlflowCallFailed(call, doc.errorCode, error.status, `${name}: ${doc.errorCode}: ${doc.message} (HTTP ${error.status}${tries})`);
      }
      throw new MlflowCallFailed(call, null, error.status, error.message);
    }
  }

  /**
   * Uploads one file into a run's artifacts through the server's artifact proxy (a run whose
   * artifact URI is `mlflow-artifacts:/...`, `mlflow server`'s default since MLflow 2). A run whose
   * artifacts go straight to S3 (SageMaker managed MLflow) is written by the caller with S3.
   * @throws MlflowCallFailed for an artifact URI the proxy does not serve, or MLflow's answer
   */
  async logArtifact(artifactUri: string, artifactPath: string, body: string, contentType = 'application/json'): Promise<void> {
    const proxied = /^mlflow-artifacts:(?:\/\/[^/]*)?\/(.*)$/.exec(artifactUri);
    const call = 'mlflow-artifacts/artifacts';
    if (!proxied) throw new MlflowCallFailed(call, null, null, `MLflow ${call}: the run's artifact URI ${JSON.stringify(artifactUri)} is not served by the tracking server (mlflow-artifacts:/...); write ${artifactPath} to the artifact store directly`);
    const parts = [...proxied[1].split('/'), ...artifactPath.split('/')].filter((p) => p !== '');
    if (parts.some((p) => p === '..')) throw new MlflowCallFailed(call, null, null, `MLflow ${call}: the artifact path ${JSON.stringify(artifactPath)} may not contain ..`);
    const path = `/api/2.0/${call}/${parts.map(encodeURIComponent).join('/')}`;
    await this.send(call, `MLflow ${call} (PUT ${path})`, new URL(`${this.base}${path}`), { method: 'PUT', headers: { 'content-type': contentType }, body });
  }

  async ensureExperiment(name: string, tags?: Readonly<Record<string, string>>): Promise<string> {
    const found = await this.experimentId(name);
    if (found !== null) return found;
    try {
      const res = await this.call<{ experiment_id: string }>('POST', 'experiments/create', { name, tags: pairs(tags) });
      return res.experiment_id;
    } catch (error) {
      // Another writer (or a retried create) made it first.
      if (error instanceof MlflowCallFailed && error.errorCode === 'RESOURCE_ALREADY_EXISTS') {
        const again = await this.experimentId(name);
        if (again !== null) return again;
      }
      throw error;
    }
  }

  private async experimentId(name: string): Promise<string | null> {
    try {
      const res = await this.call<{ experiment: { experiment_id: string; lifecycle_stage?: string } }>('GET', 'experiments/get-by-name', { experiment_name: name });
      if (res.experiment.lifecycle_stage === 'deleted') {
        throw new MlflowCallFailed('experiments/get-by-name', null, null, `MLflow experiment ${JSON.stringify(name)} (id ${res.experiment.experiment_id}) is deleted: restore it (mlflow experiments restore) or delete it for good`);
      }
      return res.experiment.experiment_id;
    } catch (error) {
      if (error instanceof MlflowCallFailed && error.errorCode === 'RESOURCE_DOES_NOT_EXIST') return null;
      throw error;
    }
  }

  async findRun(experimentId: string, tag: { readonly key: string; readonly value: string }): Promise<TrackedRun | null> {
    const res = await this.call<{ runs?: RawRun[] }>('POST', 'runs/search', {
      experiment_ids: [experimentId],
      filter: `tags.\`${tag.key}\` = ${quote(tag.value)}`,
      max_results: 1,
      order_by: ['attributes.start_time DESC'],
    });
    const run = res.runs?.[0];
    return run ? toRun(run) : null;
  }

  async startRun(input: { readonly experimentId: string; readonly runName: string; readonly startTime: Date; readonly tags: Readonly<Record<string, string>> }): Promise<TrackedRun> {
    const tags = pairs(input.tags);
    checkEntries('runs/create', 'tag', tags, MLFLOW_LIMITS.tagValueLength);
    const res = await this.call<{ run: RawRun }>('POST', 'runs/create', { experiment_id: input.experimentId, run_name: input.runName, start_time: input.startTime.getTime(), tags });
    return toRun(res.run);
  }

  async logBatch(
    runId: string,
    input: { readonly params?: Readonly<Record<string, string>>; readonly metrics?: Readonly<Record<string, number>>; readonly tags?: Readonly<Record<string, string>>; readonly timestamp: Date; readonly step?: number },
  ): Promise<void> {
    const params = pairs(input.params);
    const tags = pairs(input.tags);
    const metrics = Object.entries(input.metrics ?? {}).map(([key, value]) => ({ key, value, timestamp: input.timestamp.getTime(), step: input.step ?? 0 }));
    checkEntries('runs/log-batch', 'param', params, MLFLOW_LIMITS.paramValueLength);
    checkEntries('runs/log-batch', 'tag', tags, MLFLOW_LIMITS.tagValueLength);
    checkEntries('runs/log-batch', 'metric', metrics, null);
    for (const batch of logBatches(params, tags, metrics)) {
      await this.call('POST', 'runs/log-batch', { run_id: runId, ...batch });
    }
  }

  async endRun(runId: string, status: Exclude<TrackedRunStatus, 'RUNNING'>, endTime: Date): Promise<void> {
    await this.call('POST', 'runs/update', { run_id: runId, status, end_time: endTime.getTime() });
  }

  async ensureRegisteredModel(name: string, input: { readonly description?: string; readonly tags?: Readonly<Record<string, string>> } = {}): Promise<void> {
    try {
      await this.call('POST', 'registered-models/create', { name, description: input.description, tags: pairs(input.tags) });
    } catch (error) {
      if (error instanceof MlflowCallFailed && error.errorCode === 'RESOURCE_ALREADY_EXISTS') return;
      throw error;
    }
  }

  async findModelVersion(name: string, runId: string): Promise<TrackedModelVersion | null> {
    const res = await this.call<{ model_versions?: RawModelVersion[] }>('GET', 'model-versions/search', {
      filter: `name = ${quote(name)} and run_id = ${quote(runId)}`,
      max_results: 10,
    });
    const versions = (res.model_versions ?? []).sort((a, b) => Number(b.version) - Number(a.version));
    return versions[0] ? toVersion(versions[0]) : null;
  }

  async findModelVersionByTag(name: string, tag: { readonly key: string; readonly value: string }): Promise<TrackedModelVersion | null> {
    const res = await this.call<{ model_versions?: RawModelVersion[] }>('GET', 'model-versions/search', {
      filter: `name = ${quote(name)} and tags.\`${tag.key}\` = ${quote(tag.value)}`,
      max_results: 10,
    });
    const versions = (res.model_versions ?? []).sort((a, b) => Number(b.version) - Number(a.version));
    return versions[0] ? toVersion(versions[0]) : null;
  }

  async createModelVersion(input: { readonly name: string; readonly source: string; readonly runId: string; readonly description?: string; readonly tags?: Readonly<Record<string, string>> }): Promise<TrackedModelVersion> {
    const tags = pairs(input.tags);
    const res = await this.call<{ model_version: RawModelVersion }>('POST', 'model-versions/create', {
      name: input.name,
      source: input.source,
      run_id: input.runId,
      description: input.description,
      tags,
    });
    return toVersion(res.model_version);
  }

  async setModelVersionTags(name: string, version: string, tags: Readonly<Record<string, string>>): Promise<void> {
    // MLflow has no batch call for model version tags: one set-tag per tag.
    for (const { key, value } of pairs(tags)) {
      await this.call('POST', 'model-versions/set-tag', { name, version, key, value });
    }
  }

  async getAliases(name: string): Promise<Readonly<Record<string, string>>> {
    const res = await this.call<{ registered_model: { aliases?: { alias: string; version: string }[] } }>('GET', 'registered-models/get', { name });
    return Object.fromEntries((res.registered_model.aliases ?? []).map((a) => [a.alias, a.version]));
  }

  async setAlias(name: string, alias: ModelAlias, version: string): Promise<void> {
    await this.call('POST', 'registered-models/alias', { name, alias, version });
  }

  async deleteAlias(name: string, alias: ModelAlias): Promise<void> {
    await this.call('DELETE', 'registered-models/alias', { name, alias });
  }
}

/** MLflow's error document `{"error_code": "...", "message": "..."}`, or null when the body is not one. */
export function parseErrorDocument(body: string | null): { errorCode: string; message: string } | null {
  if (body === null) return null;
  try {
    const doc = JSON.parse(body) as { error_code?: unknown; message?: unknown };
    if (typeof doc.error_code !== 'string') return null;
    return { errorCode: doc.error_code, message: typeof doc.message === 'string' ? doc.message : '' };
  } catch {
    return null;
  }
}
