/**
 * The retraining Lambdas (one bundle, two entry points; the RetrainTrigger construct makes one function of each):
 * - `index.handler`: the trigger. EventBridge → the monitor's Drift / Performance Status Changed
 *   events of this model → the policy → StartPipelineExecution (ClientRequestToken from the event) or
 *   a skip, every decision in the ledger (`lambda/retraining/ledger.ts`). A failure throws so Lambda
 *   retries the event (the retry resumes a claimed start with the same token).
 * - `index.checkGates`: the pipeline's gate step (a SageMaker Lambda step), event
 *   `{ "evaluationUri": "s3://...", "executionId": "..." }` → `{ verdict, failed, summary, champion, gateReportUri }`;
 *   a failed verdict alerts the owner through `DW_ALERT_TOPIC_ARN` (the owner's warning topic) when set.
 * Environment and permissions: `lambda/retraining/settings.ts`, `lib/retraining/retrain-trigger.ts`.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import * as z from 'zod';
import { runGateStep } from '../retraining/check-gates';
import { gatesFromConfig } from '../retraining/policy';
import { runTrigger } from '../retraining/run-trigger';
import { retrainingContext, type RetrainingContext } from '../retraining/settings';
import { formatZodIssues } from '../core/schema/format-issues';

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'driftwatch-retraining' });

let built: RetrainingContext | undefined;
const context = () => (built ??= retrainingContext(process.env));

/** Forgets the clients and settings (tests that change the environment). */
export function resetRetraining(): void {
  built = undefined;
}

export const handler = async (event: unknown) => {
  const { ports, settings } = context();
  const out = await runTrigger(ports, settings, event);
  logger.info(`retraining ${out.outcome}`, { model: settings.modelId, reason: out.entry.reason, message: out.entry.message, ledger: out.key, execution: out.entry.execution?.executionArn });
  return { outcome: out.outcome, reason: out.entry.reason, executionArn: out.entry.execution?.executionArn ?? null, ledgerKey: out.key };
};

const gateEventSchema = z.object({ evaluationUri: z.string().min(1), executionId: z.string().min(1) });

export const checkGates = async (event: unknown) => {
  const { ports, settings, model, alerts } = context();
  const parsed = gateEventSchema.safeParse(event ?? {}, { reportInput: true });
  if (!parsed.success) throw new Error(`check-gates: bad event: ${formatZodIssues(parsed.error.issues).join('; ')}`);
  const input = parsed.data;
  const bucket = process.env.DW_BUCKET as string;
  const region = process.env.AWS_REGION as string;
  const out = await runGateStep({ store: ports.store, clock: ports.clock, ...(ports.ledger ? { ledger: ports.ledger } : {}), ...(alerts ? { alerts } : {}) }, { env: settings.env, modelId: settings.modelId, task: model.task, bucket, region, gates: gatesFromConfig(model.retraining.gates) }, input);
  logger.info(`gates ${out.verdict}`, { model: settings.modelId, ...out });
  return out;
};
