import { httpStatusOf, type ErrorCode, type Refusal } from '@bitcraps/contracts';
import type { z } from 'zod';

/** An answer in the error format of DESIGN.md section 8. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: unknown[],
  ) {
    super(message);
  }
  get status(): number {
    return httpStatusOf(this.code);
  }
  static fromRefusal(r: Refusal): ApiError {
    return new ApiError(r.code, r.message);
  }
}

/** Parses input with a zod schema, or throws 400 VALIDATION_FAILED with the issues. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what = 'body'): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ApiError(
    'VALIDATION_FAILED',
    `invalid ${what}: ${result.error.issues.map((i) => `${i.path.join('.') || what}: ${i.message}`).join('; ')}`,
    result.error.issues.map((i) => ({ path: i.path, code: i.code, message: i.message })),
  );
}
