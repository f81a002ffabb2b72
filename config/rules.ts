/**
 * Rules that look across fields of a config: duplicate ids and names, names that collide with the
 * record contract's own columns, tests that do not fit a feature's kind, thresholds in the wrong
 * order, task-specific fields. They read the raw input defensively, so they run (and report) even
 * when the shape check found problems elsewhere.
 */
import { DRIFT_TESTS, driftTestProblem } from '../lambda/core/schema/drift-test';
import type { DriftTest } from '../lambda/core/types';
import { PREDICTION_ENVELOPE } from '../lambda/core/schema/record-schema';
import type { ConfigProblem } from '../lambda/core/schema/format-issues';
import { formatPath } from '../lambda/core/schema/format-issues';
import { topFeatures, type MonitorModel } from '../lambda/monitor/model';
import { ALERTING_DEFAULTS, ownerSchema } from './schema';
import { greaterIsBetter, parseAssertion } from '../lambda/core/gates';
import { imageProblem } from '../lambda/retraining/image';
import { builtInMetrics } from '../lambda/monitor/model';
import { complianceProblems } from './compliance';

/** Partition columns of every prediction/label table (Hive-style `dt=YYYY-MM-DD/hour=HH`). */
export const PARTITION_COLUMNS = ['dt', 'hour'] as const;

/** Column names a feature or business column may not take: the record envelope, outputs and partitions. */
export const RESERVED_COLUMNS: ReadonlySet<string> = new Set([
  ...PREDICTION_ENVELOPE.map((c) => c.name),
  'prediction',
  'predicted_label',
  'label',
  'label_time',
  ...PARTITION_COLUMNS,
]);

type Path = readonly PropertyKey[];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function arrayAt(value: unknown, key: string): readonly unknown[] {
  if (!isRecord(value)) return [];
  const v = value[key];
  return Array.isArray(v) ? v : [];
}

function stringAt(value: unknown, key: string): string | undefined {
  if (!isRecord(value)) return undefined;
  const v = value[key];
  return typeof v === 'string' ? v : undefined;
}

function numberAt(value: unknown, key: string): number | undefined {
  if (!isRecord(value)) return undefined;
  const v = value[key];
  return typeof v === 'number' ? v : undefined;
}

/** Reports each repeated value of `key` in `items`, pointing back at the first occurrence. */
function duplicates(items: readonly unknown[], key: string, base: Path, what: string, out: ConfigProblem[]): void {
  const first = new Map<string, number>();
  items.forEach((item, i) => {
    const value = stringAt(item, key);
    if (value === undefined) return;
    const j = first.get(value);
    if (j === undefined) first.set(value, i);
    else {
      out.push({
        path: [...base, i, key],
        message: `duplicate ${what} ${JSON.stringify(value)} (first defined at ${formatPath([...base, j, key])})`,
      });
    }
  });
}


const PREDICTION_TYPE_FOR_TASK: Record<string, string> = {
  binary_classification: 'score',
  multiclass_classification: 'score',
  regression: 'value',
  ranking: 'rank_score',
};

function modelRules(model: unknown, base: Path, out: ConfigProblem[]): void {
  const features = arrayAt(model, 'features');
  const business = arrayAt(model, 'businessColumns');
  duplicates(features, 'name', [...base, 'features'], 'feature name', out);
  duplicates(business, 'name', [...base, 'businessColumns'], 'business column', out);

  const featureNames = new Set<string>();
  features.forEach((f, i) => {
    const name = stringAt(f, 'name');
    if (name !== undefined) {
      featureNames.add(name);
      if (RESERVED_COLUMNS.has(name)) {
        out.push({ path: [...base, 'features', i, 'name'], message: `${JSON.stringify(name)} is a reserved column name of the record contract; rename the feature` });
      }
    }
    const kind = stringAt(f, 'kind');
    const test = stringAt(f, 'test');
    const problem =
      (DRIFT_TESTS as readonly string[]).includes(test ?? '') && (kind === 'numeric' || kind === 'categorical')
        ? driftTestProblem(test as DriftTest, kind)
        : null;
    if (problem) out.push({ path: [...base, 'features', i, 'test'], message: problem });
  });
  business.forEach((b, i) => {
    const name = stringAt(b, 'name');
    if (name === undefined) return;
    if (RESERVED_COLUMNS.has(name)) {
      out.push({ path: [...base, 'businessColumns', i, 'name'], message: `${JSON.stringify(name)} is a reserved column name of the record contract` });
    } else if (featureNames.has(name)) {
      out.push({ path: [...base, 'businessColumns', i, 'name'], message: `${JSON.stringify(name)} is also a feature name; a column can be defined once` });
    }
  });

  const task = stringAt(model, 'task');
  if (task === undefined || !(task in PREDICTION_TYPE_FOR_TASK)) return;
  const prediction = isRecord(model) ? model.prediction : undefined;
  const label = isRecord(model) ? model.label : undefined;
  const type = stringAt(prediction, 'type');
  const want = PREDICTION_TYPE_FOR_TASK[task];
  if (type !== undefined && type !== want) {
    out.push({ path: [...base, 'prediction', 'type'], message: `expected ${JSON.stringify(want)} for task ${JSON.stringify(task)}, got ${JSON.stringify(type)}` });
  }
  if (numberAt(prediction, 'decisionThreshold') !== undefined && task !== 'binary_classification') {
    out.push({ path: [...base, 'prediction', 'decisionThreshold'], message: `only binary_classification models have a decision threshold, got task ${JSON.stringify(task)}` });
  }
  const classes = arrayAt(label, 'classes').filter((c): c is string => typeof c === 'string');
  const positive = stringAt(label, 'positiveClass');
  const classification = task === 'binary_classification' || task === 'multiclass_classification';
  if (!classification && isRecord(label) && label.classes !== undefined) {
    out.push({ path: [...base, 'label', 'classes'], message: `only classification models have label classes, got task ${JSON.stringify(task)}` });
  }
  if (task === 'binary_classification') {
    if (positive === undefined) {
      out.push({ path: [...base, 'label', 'positiveClass'], message: 'a binary_classification model needs label.positiveClass (the class the score is the probability of)' });
    }
    if (classes.length > 0 && classes.length !== 2) {
      out.push({ path: [...base, 'label', 'classes'], message: `expected 2 classes for binary_classification, got ${classes.length}` });
    }
  } else if (positive !== undefined) {
    out.push({ path: [...base, 'label', 'positiveClass'], message: `only binary_classification models have a positive class, got task ${JSON.stringify(task)}` });
  }
  if (positive !== undefined && classes.length > 0 && !classes.includes(positive)) {
    out.push({ path: [...base, 'label', 'positiveClass'], message: `expected one of ${classes.map((c) => JSON.stringify(c)).join(' | ')}, got ${JSON.stringify(positive)}` });
  }
  const seen = new Set<string>();
  classes.forEach((c, i) => {
    if (seen.has(c)) out.push({ path: [...base, 'label', 'classes', i], message: `duplicate class ${JSON.stringify(c)}` });
    seen.add(c);
  });
  if (numberAt(label, 'k') !== undefined && task !== 'ranking') {
    out.push({ path: [...base, 'label', 'k'], message: `only ranking models have a cut-off k, got task ${JSON.stringify(task)}` });
  }
}

/** Every cross-field problem in a raw config, in document order of the models. */
export function crossFieldProblems(input: unknown): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const models = arrayAt(input, 'models');
  duplicates(models, 'id', ['models'], 'model id', out);
  models.forEach((m, i) => modelRules(m, ['models', i], out));
  models.forEach((m, i) => alertingRules(m, ['models', i], out));
  models.forEach((m, i) => retrainingRules(m, ['models', i], stringAt(input, 'env'), out));
  models.forEach((m, i) => promotionRules(m, ['models', i], out));
  ownerRules(models, out);
  out.push(...complianceProblems(input));
  return out;
}

/**
 * An owner's slug: its name in lower case, runs of other characters as one '-'. It names the owner's
 * SNS topics (`dw-<env>-<slug>-critical|warning`), so one slug is one owner.
 * @example ownerSlug('Risk ML') // 'risk-ml'
 */
export function ownerSlug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64).replace(/-+$/, '');
}

function recordAt(value: unknown, key: string): Record<string, unknown> {
  if (!isRecord(value)) return {};
  const v = value[key];
  return isRecord(v) ? v : {};
}

/** The feature names of the model's top-K (what gets per-feature metrics), ranked as the engine ranks them. */
function topFeatureNames(model: unknown): Set<string> {
  const features = arrayAt(model, 'features').filter(isRecord).map((f) => ({ id: String(f.name), name: String(f.name), kind: 'numeric' as const, importance: numberAt(f, 'importance') }));
  const topK = numberAt(recordAt(model, 'monitor'), 'topK') ?? 10;
  // topFeatures reads only `features` and `topK`.
  return new Set(topFeatures({ features, topK } as unknown as MonitorModel).map((f) => f.name));
}

function featureRouteRules(model: unknown, base: Path, out: ConfigProblem[]): void {
  const names = arrayAt(model, 'features').map((f) => stringAt(f, 'name')).filter((n): n is string => n !== undefined);
  const top = topFeatureNames(model);
  for (const [name, route] of Object.entries(recordAt(recordAt(model, 'alerting'), 'features'))) {
    const path = [...base, 'alerting', 'features', name];
    if (!names.includes(name)) {
      out.push({ path, message: `no feature named ${JSON.stringify(name)} in this model (features: ${names.join(', ')})` });
    } else if (!top.has(name)) {
      out.push({ path, message: `${JSON.stringify(name)} is not among the model's top ${top.size} features by importance (monitor.topK), so it has no per-feature metric to alarm on; raise its importance or monitor.topK` });
    }
    const kind = stringAt(route, 'route');
    const hasOwner = isRecord(route) && route.owner !== undefined;
    if (kind === 'owner' && !hasOwner) out.push({ path: [...path, 'owner'], message: 'route "owner" needs the owner to route to ({ name, email, pagerDutySecretName, slackWebhookSecretName })' });
    if (kind !== undefined && kind !== 'owner' && hasOwner) out.push({ path: [...path, 'owner'], message: `an owner applies only with route "owner", got route ${JSON.stringify(kind)}` });
  }
}

function alertingRules(model: unknown, base: Path, out: ConfigProblem[]): void {
  featureRouteRules(model, base, out);
  const channels = recordAt(recordAt(model, 'alerting'), 'channels');
  for (const severity of ['critical', 'warning']) {
    const seen = new Set<unknown>();
    arrayAt(channels, severity).forEach((c, i) => {
      if (seen.has(c)) out.push({ path: [...base, 'alerting', 'channels', severity, i], message: `duplicate channel ${JSON.stringify(c)}` });
      seen.add(c);
    });
  }
}

/** A model's channels per severity, the defaults filled in (so left out and spelled out compare equal). */
function channelsOf(model: unknown): Record<string, unknown> {
  const channels = recordAt(recordAt(model, 'alerting'), 'channels');
  return { critical: channels.critical ?? ALERTING_DEFAULTS.channels.critical, warning: channels.warning ?? ALERTING_DEFAULTS.channels.warning };
}

/** Every owner a config names: each model's owner and each feature routed to another owner. */
function ownersOf(models: readonly unknown[]): { path: Path; owner: Record<string, unknown>; channels?: unknown }[] {
  return models.flatMap((m, i) => {
    const own = isRecord(m) && isRecord(m.owner) ? [{ path: ['models', i, 'owner'] as Path, owner: m.owner, channels: channelsOf(m) }] : [];
    const routed = Object.entries(recordAt(recordAt(m, 'alerting'), 'features')).flatMap(([name, r]) =>
      isRecord(r) && isRecord(r.owner) ? [{ path: ['models', i, 'alerting', 'features', name, 'owner'] as Path, owner: r.owner }] : [],
    );
    return [...own, ...routed];
  });
}

/** One slug, one owner: the same email and secrets everywhere, and one set of channels per severity topic. */
function ownerRules(models: readonly unknown[], out: ConfigProblem[]): void {
  const first = new Map<string, { path: Path; identity: string; channels?: string }>();
  for (const { path, owner, channels } of ownersOf(models)) {
    const name = stringAt(owner, 'name');
    // An owner with a shape problem is reported there once, not compared here.
    if (name === undefined || !ownerSchema.safeParse(owner).success) continue;
    const slug = ownerSlug(name);
    if (slug === '') {
      out.push({ path: [...path, 'name'], message: `${JSON.stringify(name)} needs a letter or digit: the owner's name names its SNS topics` });
      continue;
    }
    const identity = JSON.stringify(['email', 'pagerDutySecretName', 'slackWebhookSecretName'].map((k) => owner[k]));
    const channelKey = channels === undefined ? undefined : JSON.stringify(channels);
    const seen = first.get(slug);
    if (!seen) {
      first.set(slug, { path, identity, channels: channelKey });
      continue;
    }
    if (seen.identity !== identity) {
      out.push({ path, message: `owner ${JSON.stringify(name)} differs from the one at ${formatPath(seen.path)}: one owner (by name) has one email and one pair of secrets` });
    }
    if (channelKey !== undefined && seen.channels === undefined) seen.channels = channelKey;
    else if (channelKey !== undefined && seen.channels !== channelKey) {
      out.push({ path: [...path.slice(0, 2), 'alerting', 'channels'], message: `owner ${JSON.stringify(name)} has other channels at ${formatPath(seen.path)}: the models of one owner share its topics, so they share channels` });
    }
  }
}

/**
 * A model's retraining section: images pinned by digest outside dev, assertions that read, gate
 * metrics whose direction is known or stated, trigger metrics the monitor has.
 */
function retrainingRules(model: unknown, base: Path, env: string | undefined, out: ConfigProblem[]): void {
  if (!isRecord(model) || !isRecord(model.retraining)) return;
  const at = [...base, 'retraining'];
  const pipeline = recordAt(model.retraining, 'pipeline');
  for (const field of ['image', 'evaluationImage', 'inferenceImage']) {
    const image = stringAt(pipeline, field);
    const problem = image === undefined || env === undefined ? null : imageProblem(image, env);
    if (problem) out.push({ path: [...at, 'pipeline', field], message: problem });
  }
  const gates = recordAt(model.retraining, 'gates');
  arrayAt(gates, 'assertions').forEach((a, i) => {
    if (typeof a !== 'string') return;
    try {
      parseAssertion(a);
    } catch (error) {
      out.push({ path: [...at, 'gates', 'assertions', i], message: (error as Error).message });
    }
  });
  const unknownDirection = (metric: string) =>
    `${JSON.stringify(metric)} is not one of MLflow's default metric names, so which way is better is not known: say greaterIsBetter`;
  arrayAt(gates, 'metrics').forEach((g, i) => {
    const metric = stringAt(g, 'metric');
    if (metric !== undefined && isRecord(g) && g.greaterIsBetter === undefined && greaterIsBetter(metric) === null) {
      out.push({ path: [...at, 'gates', 'metrics', i, 'greaterIsBetter'], message: unknownDirection(metric) });
    }
  });
  arrayAt(recordAt(gates, 'noRegression'), 'metrics').forEach((m, i) => {
    if (typeof m === 'string' && greaterIsBetter(m) === null) {
      out.push({ path: [...at, 'gates', 'noRegression', 'metrics', i], message: `${unknownDirection(m)} ({ metric: ${JSON.stringify(m)}, greaterIsBetter: true | false })` });
    }
  });
  const task = stringAt(model, 'task');
  if (task === undefined || task === 'ranking' || !(task in PREDICTION_TYPE_FOR_TASK)) return;
  const known = builtInMetrics(task as 'binary_classification' | 'multiclass_classification' | 'regression').map((m) => m.name);
  arrayAt(recordAt(recordAt(model.retraining, 'triggers'), 'performance'), 'metrics').forEach((m, i) => {
    if (typeof m === 'string' && !known.includes(m)) {
      out.push({ path: [...at, 'triggers', 'performance', 'metrics', i], message: `${JSON.stringify(m)} is not a metric the monitor computes for a ${task} (${known.join(', ')})` });
    }
  });
}

/**
 * A model's promotion section: the shadow comparison needs a metric the monitor computes for the task
 * from labelled rows, so ranking models (no per-row paired test here) cannot be promoted through it.
 */
function promotionRules(model: unknown, base: Path, out: ConfigProblem[]): void {
  if (!isRecord(model) || !isRecord(model.promotion)) return;
  const task = stringAt(model, 'task');
  if (task === 'ranking') {
    out.push({ path: [...base, 'promotion'], message: 'a ranking model cannot be promoted through a shadow comparison (no paired test for NDCG); leave promotion out' });
    return;
  }
  if (task === undefined || !(task in PREDICTION_TYPE_FOR_TASK)) return;
  const metric = stringAt(recordAt(model.promotion, 'shadow'), 'metric');
  const known = builtInMetrics(task as 'binary_classification' | 'multiclass_classification' | 'regression').map((m) => m.name);
  if (metric !== undefined && !known.includes(metric)) {
    out.push({ path: [...base, 'promotion', 'shadow', 'metric'], message: `${JSON.stringify(metric)} is not a metric the monitor computes for a ${task} (${known.join(', ')})` });
  }
}
