import { z } from 'zod';
import { LOG_LEVELS } from '@bitcraps/telemetry';

/** Settings every service reads from the environment (DESIGN.md section 9 and 11). */
export const BaseConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  NATS_URL: z.string().regex(/^nats:\/\/[^\s]+$/, 'must look like nats://host:port').default('nats://127.0.0.1:4222'),
  REDIS_URL: z.string().regex(/^rediss?:\/\/[^\s]+$/, 'must look like redis://host:port').default('redis://127.0.0.1:6379'),
  HTTP_PORT: z.coerce.number().int().min(0).max(65535),
  HTTP_HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  /** Commands one replica handles at once. */
  CONCURRENCY: z.coerce.number().int().min(1).max(10_000).default(32),
  /** JetStream replicas of the streams and buckets this service creates. */
  STREAM_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
});
export type BaseConfig = z.infer<typeof BaseConfigSchema>;

/** A configuration that cannot start the service; the message names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly service: string, readonly problems: string[]) {
    super(`${service}: invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment with the service's schema. Empty strings count as unset, so
 * `FOO=` falls back to the default instead of failing in a confusing way.
 */
export function loadConfig<S extends z.ZodType>(service: string, schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const cleaned: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') cleaned[k] = v;
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => {
    const name = i.path.join('.') || '(environment)';
    const got = typeof i.path[0] === 'string' && cleaned[i.path[0]] !== undefined ? ` (got "${cleaned[i.path[0]]}")` : '';
    return `${name}: ${i.message}${got}`;
  });
  throw new ConfigError(service, problems);
}
