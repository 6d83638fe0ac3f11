import { z } from 'zod';

/**
 * Every error code a client or a service can see, with the HTTP status the gateway
 * answers it with (DESIGN.md section 8). Expected refusals travel as values
 * (`{ok: false, code}`), never as exceptions.
 */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_SHOOTER: 403,
  NOT_FOUND: 404,
  GAME_NOT_FOUND: 404,
  PLAYER_NOT_FOUND: 404,
  SAGA_NOT_FOUND: 404,
  BET_NOT_FOUND: 404,
  ACCOUNT_NOT_FOUND: 404,
  WRONG_PASSWORD: 403,
  GAME_FULL: 409,
  GAME_SUSPENDED: 409,
  TOO_MANY_TABLES: 409,
  BET_NOT_REMOVABLE: 409,
  CONFLICT: 409,
  /**
   * Not now: the state will change by itself shortly (the dice are rolling, a roll is
   * being paid, the player's join or bet is under way). Saga steps retry it with backoff;
   * every other refusal is final. A service never remembers it as an operation's answer.
   */
  TRY_AGAIN: 409,
  ALREADY_SEATED: 409,
  NOT_SEATED: 409,
  BET_NOT_ALLOWED: 409,
  BETS_ON_LAYOUT: 409,
  GAME_CLOSED: 409,
  TOO_MANY_GAMES: 409,
  ALREADY_EXISTS: 409,
  IDEMPOTENCY_KEY_REUSED: 409,
  PAYLOAD_TOO_LARGE: 413,
  /** A request body that is not JSON (the API reads nothing else). */
  UNSUPPORTED_MEDIA_TYPE: 415,
  INSUFFICIENT_BALANCE: 422,
  INSUFFICIENT_STACK: 422,
  BET_LIMIT: 422,
  HOUSE_CANNOT_COVER: 422,
  FAUCET_DISABLED: 422,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export const ERROR_CODES = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];
export const ErrorCodeSchema = z.enum(ERROR_CODES);

export function httpStatusOf(code: ErrorCode): number {
  return ERROR_STATUS[code];
}

/** The body of every HTTP error: `{"error":{"code","message","issues?"}}`. */
export const ErrorBodySchema = z.object({
  error: z.object({
    code: ErrorCodeSchema,
    message: z.string(),
    issues: z.array(z.unknown()).optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** A refusal as a reply value. */
export const RefusalSchema = z.object({
  ok: z.literal(false),
  code: ErrorCodeSchema,
  message: z.string(),
});
export type Refusal = z.infer<typeof RefusalSchema>;

export function refuse(code: ErrorCode, message: string): Refusal {
  return { ok: false, code, message };
}
