/**
 * The retraining pipeline's data pull (its PullData step, a SageMaker Lambda step): event
 * `{ "modelId", "windowEnd", "freshDays", "executionId" }` → the labelled rows of the window unloaded
 * as Parquet (train / holdout), `manifest.json` with every file's SHA-256 and the dataset version,
 * and the step's output parameters `{ datasetVersion, manifestUri, trainUri, holdoutUri, historyUri,
 * trainRows, holdoutRows, historyFiles }` (`lambda/retraining/pull/run-pull.ts`). A failure (too few
 * labelled rows, an Athena failure) throws: the step and the execution fail with its message, which
 * the PipelineOutcome function sends to the owner. Environment: `lambda/retraining/pull/settings.ts`.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { pullInputOf } from '../retraining/pull/pull-event';
import { runPull } from '../retraining/pull/run-pull';
import { pullContext } from '../retraining/pull/settings';

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'driftwatch-retraining' });

let built: ReturnType<typeof pullContext> | undefined;
const context = () => (built ??= pullContext(process.env));

/** Forgets the clients and settings (tests that change the environment). */
export function resetPullData(): void {
  built = undefined;
}

export const handler = async (event: unknown, lambdaContext: Pick<Context, 'awsRequestId'>) => {
  const { ports, settings } = context();
  const input = pullInputOf(event, settings.modelId, lambdaContext.awsRequestId);
  const { output, historyRead } = await runPull(ports, settings, input);
  logger.info('data pulled', { model: settings.modelId, executionId: input.executionId, historyRead, ...output });
  return output;
};
