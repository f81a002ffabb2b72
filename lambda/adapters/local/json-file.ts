/** A JSON file validated with a zod schema: what the handlers read their `model.json` with. */
import * as fs from 'node:fs';
import type * as z from 'zod';
import { formatZodIssues } from '../../core/schema/format-issues';

/**
 * Reads `file` as JSON and validates it.
 * @throws Error naming the file, and every problem with its path
 * @example readJsonFile('model.json', modelFileSchema, 'the model file')
 */
export function readJsonFile<S extends z.ZodType>(file: string, schema: S, what: string): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read ${what} ${file}: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(json, { reportInput: true });
  if (!parsed.success) throw new Error(`${what} ${file} is not valid: ${formatZodIssues(parsed.error.issues).join('; ')}`);
  return parsed.data;
}
