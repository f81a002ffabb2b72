/**
 * The pipeline-outcome Lambda: EventBridge → SageMaker's "Model Building Pipeline Execution Status
 * Change" of this model's retraining pipeline → an `execution` entry (and a `registered` one for a
 * registered candidate) in the promotion ledger, an owner alert of a failure and, when the
 * environment has MLflow, the execution's run in MLflow (`lambda/retraining/record-outcome.ts`). A failure throws so Lambda retries the event; after the
 * retries it lands in the model's retraining dead-letter queue. Environment:
 * `lambda/retraining/outcome-settings.ts`; permissions: `lib/retraining/pipeline-outcome.ts`.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { pipelineOutcomeContext, type OutcomeContext } from '../retraining/outcome-settings';
import { recordPipelineOutcome } from '../retraining/record-outcome';

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'driftwatch-retraining' });

let built: OutcomeContext | undefined;

/** Forgets the clients and settings (tests that change the environment). */
export function resetPipelineOutcome(): void {
  built = undefined;
}

export const handler = async (event: unknown) => {
  built ??= pipelineOutcomeContext(process.env);
  const out = await recordPipelineOutcome(built.ports, built.settings, event);
  logger.info(`pipeline outcome ${out.outcome}`, { model: built.settings.modelId, ...out });
  return out;
};
