import type { z } from 'zod';
import { AppError } from '../errors';

/** Validates request input with its zod schema; the first problem becomes a 400 naming the parameter. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const param = issue.path.join('.') || undefined;
  throw new AppError('parameter_invalid', `${param ? `${param}: ` : ''}${issue.message}`, 400, param);
}
