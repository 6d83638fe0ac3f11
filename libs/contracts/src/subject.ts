import { z } from 'zod';
import { RefusalSchema } from './errors';

/**
 * Every subject is defined once, as a typed constant that carries its payload schema
 * and (for commands) its reply subject and schema. Senders and handlers import the same
 * constant, so no subject string is written twice.
 */
export interface CommandDef<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  readonly kind: 'command';
  /** `cmd.<service>.<verb>`: the owning service's consumer picks it up. */
  readonly subject: string;
  readonly service: string;
  readonly payload: P;
  /** `evt.<service>.<fact>`: where the reply event is published. */
  readonly replySubject: string;
  /** A tagged union: `{ok: true, …}` or a refusal. */
  readonly reply: R;
}

export interface EventDef<P extends z.ZodType = z.ZodType> {
  readonly kind: 'event';
  /** `evt.<service>.<fact>` */
  readonly subject: string;
  readonly service: string;
  readonly payload: P;
}

const SERVICE = /^[a-z]+$/;
const VERB = /^[a-z][a-z0-9-]*$/;

/**
 * A command and its reply. `ok` is the shape of a success; the reply schema is that
 * shape tagged `ok: true`, or a refusal.
 */
export function defineCommand<P extends z.ZodType, O extends z.ZodRawShape>(spec: {
  service: string;
  verb: string;
  fact: string;
  payload: P;
  ok: O;
}) {
  if (!SERVICE.test(spec.service) || !VERB.test(spec.verb) || !VERB.test(spec.fact)) {
    throw new Error(`bad subject parts: ${spec.service}.${spec.verb}/${spec.fact}`);
  }
  const okSchema = z.object({ ok: z.literal(true), ...spec.ok });
  const reply = z.discriminatedUnion('ok', [okSchema, RefusalSchema]);
  return Object.freeze({
    kind: 'command' as const,
    subject: `cmd.${spec.service}.${spec.verb}`,
    service: spec.service,
    payload: spec.payload,
    replySubject: `evt.${spec.service}.${spec.fact}`,
    reply,
  });
}

/**
 * A read: core NATS request/reply on `qry.<service>.<verb>`, served by any replica (a
 * queue group). Not durable and not logged: a read that finds the service down fails
 * fast instead of waiting for it.
 */
export interface QueryDef<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  readonly kind: 'query';
  readonly subject: string;
  readonly service: string;
  readonly payload: P;
  readonly reply: R;
}

export function defineQuery<P extends z.ZodType, O extends z.ZodRawShape>(spec: {
  service: string;
  verb: string;
  payload: P;
  ok: O;
}) {
  if (!SERVICE.test(spec.service) || !VERB.test(spec.verb)) throw new Error(`bad query subject: ${spec.verb}`);
  const reply = z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), ...spec.ok }), RefusalSchema]);
  return Object.freeze({
    kind: 'query' as const,
    subject: `qry.${spec.service}.${spec.verb}`,
    service: spec.service,
    payload: spec.payload,
    reply,
  });
}

export function defineEvent<P extends z.ZodType>(spec: { service: string; fact: string; payload: P }): EventDef<P> {
  if (!SERVICE.test(spec.service) || !VERB.test(spec.fact)) throw new Error(`bad event subject: ${spec.fact}`);
  return Object.freeze({ kind: 'event' as const, subject: `evt.${spec.service}.${spec.fact}`, service: spec.service, payload: spec.payload });
}

export type PayloadOf<D extends { payload: z.ZodType }> = z.infer<D['payload']>;
export type ReplyOf<D extends CommandDef | QueryDef> = z.infer<D['reply']>;
export type OkReplyOf<D extends CommandDef | QueryDef> = Extract<ReplyOf<D>, { ok: true }>;

/** Subject names shared by the transport. */
export const STREAMS = {
  commands: { name: 'CMD', subjects: ['cmd.>'] },
  events: { name: 'EVT', subjects: ['evt.>'] },
  deadLetters: { name: 'DLQ', subjects: ['dlq.>'] },
} as const;

export const commandFilter = (service: string) => `cmd.${service}.>`;
export const queryFilter = (service: string) => `qry.${service}.>`;
export const deadLetterSubject = (subject: string) => `dlq.${subject}`;

export const SERVICES = ['gateway', 'orchestrator', 'lifecycle', 'player', 'treasury', 'consensus', 'stats'] as const;
export type ServiceName = (typeof SERVICES)[number];
