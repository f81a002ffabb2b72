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
  return out;
}
