import type { Refusal } from '@bitcraps/contracts';
import { ApiError } from './api-error';

/** The success of a reply, or its refusal as an HTTP error. */
export function okOrThrow<R extends { ok: true } | Refusal>(reply: R): Extract<R, { ok: true }> {
  if (reply.ok) return reply as Extract<R, { ok: true }>;
  throw ApiError.fromRefusal(reply as Refusal);
}
