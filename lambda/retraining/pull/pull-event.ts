/**
 * The PullData step's event: the Lambda step's inputs as the pipeline definition passes them
 * (`lambda/retraining/pipeline/pull-step.ts`), `{ modelId, windowEnd, freshDays, executionId }`.
 */
import * as z from 'zod';
import { formatZodIssues } from '../../core/schema/format-issues';
import type { PullInput } from './run-pull';

// Pipeline parameters arrive as their JSON values; an Integer may come as a string.
const pullEventSchema = z.object({ modelId: z.string().min(1), windowEnd: z.string().min(1), freshDays: z.coerce.number().int(), executionId: z.string().min(1) });

/**
 * The pull's input from the step's event and the attempt's id (the Lambda request id).
 * @throws Error naming the bad fields, or a model other than the function's
 */
export function pullInputOf(event: unknown, modelId: string, attemptId: string): PullInput {
  const parsed = pullEventSchema.safeParse(event ?? {}, { reportInput: true });
  if (!parsed.success) throw new Error(`pull-data: bad event: ${formatZodIssues(parsed.error.issues).join('; ')}`);
  if (parsed.data.modelId !== modelId) throw new Error(`pull-data: the event's modelId ${JSON.stringify(parsed.data.modelId)} is not this function's model ${modelId}`);
  const { windowEnd, freshDays, executionId } = parsed.data;
  return { windowEnd, freshDays, executionId, attemptId };
}
