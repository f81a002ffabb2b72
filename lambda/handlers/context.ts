/**
 * What every monitor handler builds once per container: the AWS ports from the environment and the
 * model from the `model.json` the construct ships beside the bundle (the 4 KB environment limit is
 * too small for a model's features).
 */
import * as path from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import * as z from 'zod';
import { modelSchema, type ModelConfig } from '../../config/schema';
import { awsPorts, type AwsMonitorPorts } from '../adapters/aws';
import { readJsonFile } from '../adapters/local/json-file';
import { formatZodIssues } from '../core/schema/format-issues';
import { failureEvent } from '../monitor/events';
import { monitorModelFromConfig, monitorSettingsFromConfig, type MonitorSettings } from '../monitor/from-config';
import { schemaProblems } from '../monitor/schema-check';
import type { MonitorTables } from '../monitor/profile';
import { DEFAULT_LABEL_LOOKBACK_DAYS } from '../sql/performance-query';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'driftwatch-monitor' });

export interface HandlerContext {
  readonly ports: AwsMonitorPorts;
  readonly env: string;
  readonly config: ModelConfig;
  readonly tables: MonitorTables;
  readonly settings: MonitorSettings;
}

const modelFileSchema = z.object({
  env: z.string().min(1),
  model: modelSchema,
  /** Days after a window its labels are looked for. @default 14 */
  labelLookbackDays: z.number().int().min(0).max(366).optional(),
});

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') throw new Error(`the monitor's environment lacks ${name} (the ModelMonitor construct sets it)`);
  return value;
}

/** Reads and validates the model file. @throws Error naming the file and every problem */
export function loadModelFile(file: string): z.output<typeof modelFileSchema> {
  return readJsonFile(file, modelFileSchema, 'the model file');
}

export function loadHandlerContext(env: NodeJS.ProcessEnv): HandlerContext {
  const file = env.DW_MODEL_FILE ?? path.join(__dirname, 'model.json');
  const { env: envName, model, labelLookbackDays } = loadModelFile(file);
  const database = required(env, 'DW_DATABASE');
  const bins = env.DW_REFERENCE_BINS_TABLE;
  return {
    ports: awsPorts(env),
    env: envName,
    config: model,
    tables: {
      predictions: { database, table: required(env, 'DW_PREDICTIONS_TABLE') },
      labels: { database, table: required(env, 'DW_LABELS_TABLE') },
      ...(bins ? { referenceBins: { database, table: bins } } : {}),
    },
    settings: monitorSettingsFromConfig(model, labelLookbackDays ?? DEFAULT_LABEL_LOOKBACK_DAYS),
  };
}

/** Built on the first invocation and kept for the container's life. */
let cached: HandlerContext | undefined;
export function handlerContext(): HandlerContext {
  cached ??= loadHandlerContext(process.env);
  return cached;
}

/** Forgets the cached context (tests that change the environment between handlers). */
export function resetHandlerContext(): void {
  cached = undefined;
}

/** Parses a handler's event; a bad event fails naming the field and the value. */
export function parseEvent<T>(schema: z.ZodType<T>, event: unknown, handler: string): T {
  const parsed = schema.safeParse(event ?? {}, { reportInput: true });
  if (!parsed.success) throw new Error(`${handler}: bad event: ${formatZodIssues(parsed.error.issues).join('; ')}`);
  return parsed.data;
}

/**
 * Sends the "monitor failed" event for a failed run and returns the error for the caller to throw
 * (so Lambda retries and, after the retries, the event lands in the dead-letter queue with it) —
 * with the table's schema problems in front when its real columns explain the failure. A failure to send
 * is logged, never allowed to hide the original error.
 */
export async function reportFailure(ctx: HandlerContext, step: 'profile' | 'score', window: string | null, error: unknown): Promise<Error> {
  let err = error instanceof Error ? error : new Error(String(error));
  // A failed query is often a schema change: the table's real columns say which one.
  const problems = await tableProblems(ctx);
  if (problems.length > 0) err = Object.assign(new Error(`${problems.join('; ')} (the query failed: ${err.message})`, { cause: err }), { name: err.name });
  logger.error(`${step} failed`, err);
  try {
    await ctx.ports.events.put([failureEvent({ env: ctx.env, modelId: ctx.config.id, window }, step, err, ctx.ports.clock.now())]);
  } catch (sendError) {
    logger.error('could not send the monitor-failed event', sendError as Error);
  }
  return err;
}

/** What the prediction table's real columns (Glue) say is wrong with it; nothing when they cannot be read. */
async function tableProblems(ctx: HandlerContext): Promise<string[]> {
  const { database, table } = ctx.tables.predictions;
  if (database === undefined) return [];
  try {
    return schemaProblems(monitorModelFromConfig(ctx.env, ctx.config), table, await ctx.ports.tableSchema.columns(database, table));
  } catch (error) {
    logger.warn('could not read the table schema', error as Error);
    return [];
  }
}
