import { httpStatusOf, type ErrorCode, type Refusal } from '@bitcraps/contracts';
import { z } from 'zod';

/** An answer in the error format of DESIGN.md section 8. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: unknown[],
  ) {
    super(message);
  }
  /**
   * The refusal says nothing happened and nothing will (a saga undone): not final, so an
   * Idempotency-Key is given up with fresh ids for its retry. TRY_AGAIN always is.
   */
  private undone = false;

  get nothingDone(): boolean {
    return this.undone || this.code === 'TRY_AGAIN';
  }

  /** An error whose request had no effect (see `nothingDone`). */
  static undone(code: ErrorCode, message: string): ApiError {
    const e = new ApiError(code, message);
    e.undone = true;
    return e;
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

/** The body of a route that takes none: absent, or `{}` (anything in it is refused, not ignored). */
export const NoBodySchema = z.strictObject({});

/** Checks that a route that takes no body got none (or `{}`); 400 VALIDATION_FAILED otherwise. */
export function parseNoBody(body: unknown): void {
  if (body !== undefined) parseInput(NoBodySchema, body);
}
