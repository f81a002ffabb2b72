/**
 * The promotion Lambda: every Task state of the promote and rollback state machines invokes it with
 * `{ action, executionName, ... }` (`lambda/promotion/step-contract.ts`) and branches on what it
 * returns. A bad event fails naming the field; any other failure throws, so the Task's retry runs the
 * step again (every step is idempotent). Environment: `lambda/promotion/context.ts`.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { formatZodIssues } from '../core/schema/format-issues';
import { promotionContext, type PromotionContext } from '../promotion/context';
import { runPromotionStep } from '../promotion/run-step';
import { promotionStepSchema } from '../promotion/step-contract';

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'driftwatch-promotion' });

let built: PromotionContext | undefined;
const context = () => (built ??= promotionContext(process.env));

/** Forgets the clients and settings (tests that change the environment). */
export function resetPromotion(): void {
  built = undefined;
}

export const handler = async (event: unknown) => {
  const parsed = promotionStepSchema.safeParse(event ?? {}, { reportInput: true });
  if (!parsed.success) throw new Error(`promotion-step: bad event: ${formatZodIssues(parsed.error.issues).join('; ')}`);
  const step = parsed.data;
  const { ports, settings } = context();
  logger.appendKeys({ model: settings.modelId, action: step.action, execution: step.executionName });
  const out = await runPromotionStep(ports, settings, step);
  logger.info(`promotion ${step.action}`, { output: out as Record<string, unknown> });
  return out;
};
