import type { NextFunction, Request, Response } from 'express';

/** The body types the API reads; everything else is refused, never ignored. */
export const JSON_TYPES = ['application/json', 'application/*+json'];

/** True when the request carries a body: a positive Content-Length, or a chunked one. */
export function carriesBody(req: Request): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = Number(req.headers['content-length'] ?? 0);
  return Number.isFinite(length) && length > 0;
}

/**
 * Express middleware: a body that is not JSON gets 415 UNSUPPORTED_MEDIA_TYPE. The
 * JSON parser leaves any other body unread (`req.body` undefined), which a handler
 * cannot tell from no body at all: `POST /v1/games` with a text/plain body would
 * create a game with default settings.
 */
export function jsonBodiesOnly(req: Request, res: Response, next: NextFunction): void {
  if (!carriesBody(req) || req.is(JSON_TYPES)) return next();
  const given = String(req.headers['content-type'] ?? 'none').slice(0, 80);
  res.status(415).json({ error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: `the body must be JSON (Content-Type: application/json), not ${given}` } });
}
