import { z } from 'zod';
import { ErrorBodySchema } from '@bitcraps/contracts';

/** One operation of the HTTP API, with the zod schemas of what goes in and out. */
export interface RouteDoc {
  method: 'get' | 'post';
  /** Express style, as Nest registers it: `/v1/games/:gameId`. */
  path: string;
  summary: string;
  description?: string;
  /** Who may call it: anyone, a player (bearer token) or an operator (admin token). */
  auth: 'none' | 'player' | 'admin';
  /** Tag that groups it in the document. */
  tag: string;
  body?: { name: string; schema: z.ZodType; required?: boolean };
  success: Answer;
  /** Other successful answers (e.g. 202 while a saga still runs). */
  alsoAnswers?: Answer[];
  /** Statuses it may answer besides the generic ones (400, 401, 429, 503). */
  errors?: number[];
}

export interface Answer {
  status: number;
  description: string;
  /** Component name of the schema (shared by the routes that answer it). */
  name?: string;
  schema?: z.ZodType;
  contentType?: string;
}

type Json = Record<string, unknown>;

/** zod → JSON Schema 2020-12 (what OpenAPI 3.1 speaks), without the `$schema` line. */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  return rest;
}

/** `/v1/games/:gameId` → `/v1/games/{gameId}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

const ERROR_TEXT: Record<number, string> = {
  400: 'VALIDATION_FAILED: the body, a parameter or the Idempotency-Key is malformed (zod issues attached)',
  401: 'UNAUTHORIZED: missing, malformed, forged or expired bearer token',
  403: 'FORBIDDEN, NOT_SHOOTER, WRONG_PASSWORD',
  404: 'GAME_NOT_FOUND, SAGA_NOT_FOUND, …',
  409: 'a conflict with the state of the game, or IDEMPOTENCY_KEY_REUSED / CONFLICT (same key still in progress)',
  413: 'PAYLOAD_TOO_LARGE: the body is over MAX_BODY_BYTES',
  415: 'UNSUPPORTED_MEDIA_TYPE: a body that is not application/json',
  422: 'INSUFFICIENT_BALANCE, INSUFFICIENT_STACK, BET_LIMIT, HOUSE_CANNOT_COVER, FAUCET_DISABLED',
  429: 'RATE_LIMITED: wait Retry-After seconds',
  503: 'SERVICE_UNAVAILABLE: a service or the idempotency cache did not answer; retry shortly',
};

/**
 * The OpenAPI 3.1 document of `routes`: operations, path parameters, the
 * Idempotency-Key header on every POST, bodies and answers as JSON Schema generated
 * from the zod schemas of libs/contracts, and the error body.
 */
export function buildOpenApi(routes: readonly RouteDoc[], info: { title: string; version: string }): Json {
  const schemas: Record<string, Json> = { ErrorBody: jsonSchemaOf(ErrorBodySchema, 'output') };
  const named = (name: string, schema: z.ZodType, io: 'input' | 'output'): Json => {
    schemas[name] ??= jsonSchemaOf(schema, io);
    return { $ref: `#/components/schemas/${name}` };
  };
  const errorAnswer = (status: number) => ({
    description: ERROR_TEXT[status] ?? 'an error',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
    ...(status === 429 ? { headers: { 'Retry-After': { description: 'seconds to wait', schema: { type: 'integer', minimum: 1 } } } } : {}),
  });

  const paths: Record<string, Record<string, Json>> = {};
  for (const r of routes) {
    const parameters: Json[] = [...r.path.matchAll(/:([A-Za-z0-9_]+)/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
    if (r.method === 'post') {
      parameters.push({
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description: 'The same key with the same body within 24 h answers the first answer and has no second effect; with another body: 409 IDEMPOTENCY_KEY_REUSED.',
        schema: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[\\x20-\\x7e]+$' },
      });
    }
    const answer = (a: Answer): Json => {
      const out: Json = { description: a.description };
      if (a.schema) {
        const schema = a.name ? named(a.name, a.schema, 'output') : jsonSchemaOf(a.schema, 'output');
        out.content = { [a.contentType ?? 'application/json']: { schema } };
      } else if (a.contentType) {
        out.content = { [a.contentType]: { schema: { type: 'string' } } };
      }
      return out;
    };
    const statuses = new Set<number>([...(r.path.startsWith('/v1/') ? [429, 503] : []), ...(r.errors ?? [])]);
    if (r.body || parameters.some((p) => p.in === 'header')) statuses.add(400);
    // every POST reads its body the same way: too large, or not JSON, is refused before the route
    if (r.method === 'post') {
      statuses.add(413);
      statuses.add(415);
    }
    if (r.auth !== 'none') statuses.add(401);
    if (r.auth === 'admin') statuses.add(403);
    const responses: Record<string, Json> = {};
    for (const a of [r.success, ...(r.alsoAnswers ?? [])]) responses[String(a.status)] = answer(a);
    for (const s of [...statuses].sort()) responses[String(s)] = errorAnswer(s);

    const op: Json = {
      operationId: `${r.method}${openApiPath(r.path).replace(/[{}]/g, '').split('/').map((s) => s.charAt(0).toUpperCase() + s.slice(1).replace(/[^A-Za-z0-9]/g, '')).join('')}`,
      summary: r.summary,
      ...(r.description ? { description: r.description } : {}),
      tags: [r.tag],
      ...(parameters.length ? { parameters } : {}),
      ...(r.body
        ? { requestBody: { required: r.body.required ?? true, content: { 'application/json': { schema: named(r.body.name, r.body.schema, 'input') } } } }
        : {}),
      responses,
      ...(r.auth === 'player' ? { security: [{ bearerToken: [] }] } : r.auth === 'admin' ? { security: [{ adminToken: [] }] } : {}),
    };
    (paths[openApiPath(r.path)] ??= {})[r.method] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      ...info,
      description:
        'BitCraps gateway HTTP API v1 (DESIGN.md section 8). Errors are {"error":{"code","message"}}. Every POST accepts an Idempotency-Key header. Requests are rate limited per player (or per IP without a token): 429 RATE_LIMITED with Retry-After.',
    },
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearerToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'the token of POST /v1/players (HS256, expires)' },
        adminToken: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN of the gateway' },
      },
    },
  };
}
