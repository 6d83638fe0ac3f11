import { MAX_JSON_DEPTH } from './json-depth';
import type { Response } from 'express';

/** Answers a body the JSON parser refused, in the API's error format. */
export function sendBodyError(res: Response, err: unknown): void {
  const e = err as { type?: string; status?: number };
  if (e?.type === 'entity.too.large') {
    res.status(413).json({ error: { code: 'PAYLOAD_TOO_LARGE', message: 'the request body is too large' } });
  } else if (e?.type === 'entity.too.deep') {
    res.status(400).json({ error: { code: 'VALIDATION_FAILED', message: `the body nests deeper than ${MAX_JSON_DEPTH} levels` } });
  } else if (e?.type === 'entity.parse.failed') {
    res.status(400).json({ error: { code: 'VALIDATION_FAILED', message: 'the body is not valid JSON' } });
  } else {
    const status = typeof e?.status === 'number' && e.status >= 400 && e.status < 500 ? e.status : 400;
    res.status(status).json({ error: { code: status === 413 ? 'PAYLOAD_TOO_LARGE' : 'VALIDATION_FAILED', message: 'the request body could not be read' } });
  }
}
