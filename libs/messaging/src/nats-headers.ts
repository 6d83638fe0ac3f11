import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';
import { envelopeFromHeaders, envelopeToHeaders, type Envelope } from '@bitcraps/contracts';

export function toNatsHeaders(env: Envelope, extra: Record<string, string> = {}): MsgHdrs {
  const h = natsHeaders();
  for (const [k, v] of Object.entries({ ...envelopeToHeaders(env), ...extra })) h.set(k, v);
  return h;
}

/** Reads the envelope off a message's headers; a message without one fails the check. */
export function readEnvelope(h: MsgHdrs | undefined) {
  return envelopeFromHeaders((name) => {
    if (!h) return undefined;
    const v = h.get(name);
    return v === '' ? undefined : v;
  });
}

export function headerGetter(h: MsgHdrs | undefined): (name: string) => string | undefined {
  return (name) => (h ? h.get(name) || undefined : undefined);
}
