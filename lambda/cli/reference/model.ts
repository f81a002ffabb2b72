/**
 * The model `driftwatch reference` fits for: from a features.json (compare's format plus `modelId`
 * and `driftBands`, feature names mapped to SQL ids as the backtest maps them) or from a registered
 * environment's platform config (validated as the CDK app does, mapped by `monitorModelFromConfig`).
 */
import { loadEnvironment, UnknownEnvironmentError } from '../../../config/environments';
import { identifier, MAX_MODEL_ID_LENGTH } from '../../../config/schema';
import { ConfigValidationError } from '../../../config/validate';
import { InputError } from '../../adapters/local/errors';
import { BacktestConfigError, DEFAULT_BASELINE_WINDOWS } from '../../backtest/config';
import { featureIdentifiers } from '../../backtest/columns';
import { MIN_ROWS } from '../../core/defaults';
import { driftBandsSchema } from '../../core/schema/drift-bands';
import type { FeatureKind } from '../../core/types';
import { monitorModelFromConfig } from '../../monitor/from-config';
import type { MonitorFeature, MonitorModel } from '../../monitor/model';
import { featureConfigSchema, parseFeatureConfig, readJsonConfig } from '../config';
import type { ModelSource } from './args';

/** A feature before the data is read: its kind may still be unknown (features.json may leave it out). */
export type DraftFeature = Omit<MonitorFeature, 'kind'> & { readonly kind?: FeatureKind };

export interface ModelDraft {
  readonly modelId: string;
  /** Whether features.json named the model (a push needs a name); always true for a platform model. */
  readonly named: boolean;
  /** The platform environment, null for a features.json. */
  readonly env: string | null;
  /** How messages name where the model came from (`features.json`, `config/dev.ts`). */
  readonly configName: string;
  readonly features: readonly DraftFeature[];
  /** The window span the drift bands default to over a time column (`1d`, `6h`). */
  readonly defaultEvery: string;
  /** The fewest rows the monitor judges (a platform model's `monitor.minRows`, else MIN_ROWS): a reference needs as many. */
  readonly minRows: number;
  /** The engine's model once every feature's kind is known. */
  build(features: readonly MonitorFeature[]): MonitorModel;
}

/** The model id of a features.json that does not name one (it cannot be pushed). */
export const UNNAMED_MODEL_ID = 'model';

const referenceConfigSchema = featureConfigSchema.extend({
  modelId: identifier(MAX_MODEL_ID_LENGTH).optional(),
  driftBands: driftBandsSchema.optional(),
});

/** features.json → a draft whose feature ids are the names' SQL identifiers (as in the backtest). */
function draftFromFeatureConfig(file: string, name: string): ModelDraft {
  const json = readJsonConfig(file, name);
  // Read as compare reads features.json: every problem at once, `__proto__` a feature like any other.
  const features = parseFeatureConfig(json, name, referenceConfigSchema);
  const { modelId, driftBands } = referenceConfigSchema.parse(json);
  const entries = Object.entries(features);
  if (entries.length === 0) throw new InputError(`${name}: "features" lists no feature; name each feature column of the model`, { file: name });
  let ids: string[];
  try {
    ids = featureIdentifiers(entries.map(([n]) => n), name);
  } catch (error) {
    if (error instanceof BacktestConfigError) throw new InputError(error.message.replace('backtest config', 'feature config'), { file: name });
    throw error;
  }
  const id = modelId ?? UNNAMED_MODEL_ID;
  return {
    modelId: id,
    named: modelId !== undefined,
    env: null,
    configName: name,
    features: entries.map(([n, spec], i) => ({ id: ids[i], name: n, ...spec })),
    defaultEvery: '1d',
    minRows: MIN_ROWS,
    build: (features) => ({
      env: 'local',
      modelId: id,
      task: null,
      features,
      columns: { prediction: false, predictedLabel: false, label: false },
      businessMetrics: [],
      baseline: { windows: DEFAULT_BASELINE_WINDOWS },
      driftBands,
      topK: features.length,
      minRows: 1,
    }),
  };
}

/** A span of whole days as `Nd`, else `Nh`. */
function spanOf(hours: number): string {
  return hours % 24 === 0 ? `${hours / 24}d` : `${hours}h`;
}

/** A platform model: features are identifiers, windows default to its first monitor window. */
function draftFromEnvironment(env: string, modelId: string): ModelDraft {
  const configName = `config/${env}.ts`;
  let config;
  try {
    config = loadEnvironment(env);
  } catch (error) {
    if (error instanceof UnknownEnvironmentError) throw new InputError(`--env: ${error.message} (each is a config/<env>.ts listed in config/environments.ts)`);
    if (error instanceof ConfigValidationError) throw new InputError(error.message, { file: configName });
    throw new InputError(`${configName}: ${(error as Error).message}`, { file: configName });
  }
  const entry = config.models.find((m) => m.id === modelId);
  if (!entry) {
    throw new InputError(`--model ${JSON.stringify(modelId)}: no such model in ${configName} (models: ${config.models.map((m) => m.id).join(', ')})`, { file: configName });
  }
  const hours = entry.monitor.windows[0].hours;
  const model = monitorModelFromConfig(config.env, entry, hours);
  return {
    modelId: model.modelId,
    named: true,
    env: config.env,
    configName,
    features: model.features,
    defaultEvery: spanOf(hours),
    minRows: model.minRows,
    build: (features) => ({ ...model, features }),
  };
}

/**
 * The draft model of a `--config` or `--env/--model` source.
 * @throws InputError naming the file and every problem, the unknown environment or model
 */
export function loadModelDraft(source: ModelSource, resolve: (file: string) => string): ModelDraft {
  return source.kind === 'config' ? draftFromFeatureConfig(resolve(source.file), source.file) : draftFromEnvironment(source.env, source.model);
}
