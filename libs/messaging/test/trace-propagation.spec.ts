import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Payload } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { context, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { defineCommand, type PayloadOf } from '@bitcraps/contracts';
import { installTracePropagation } from '@bitcraps/telemetry';
import { sharedInfraUrls } from '@bitcraps/testing';
import { JetStreamClientProxy, JetStreamServer, OnCommand, waitFor } from '../src';

describe('trace context across NATS', () => {
  const exporter = new InMemorySpanExporter();

  beforeAll(() => {
    installTracePropagation();
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  });

  it('a command handled by a service is a child span of the request that sent it', async () => {
    const { natsUrl } = sharedInfraUrls();
    const service = 'trace' + randomUUID().replace(/[^a-f]/g, '').slice(0, 8);
    const Ping = defineCommand({ service, verb: 'ping', fact: 'ponged', payload: z.strictObject({ n: z.number() }), ok: { traceId: z.string() } });
    @Controller()
    class H {
      @OnCommand(Ping)
      async ping(@Payload() _p: PayloadOf<typeof Ping>) {
        return { ok: true as const, traceId: trace.getActiveSpan()?.spanContext().traceId ?? 'none' };
      }
    }
    @Module({ controllers: [H] })
    class M {}
    const app = await NestFactory.createMicroservice(M, { strategy: new JetStreamServer({ url: natsUrl, service }), logger: false });
    await app.listen();
    const client = new JetStreamClientProxy({ url: natsUrl, name: 'trace-client' });
    try {
      const root = trace.getTracer('test').startSpan('POST /v1/test');
      const reply = await context.with(trace.setSpan(context.active(), root), () => client.command(Ping, { n: 1 }));
      root.end();
      const traceId = root.spanContext().traceId;
      expect(reply).toEqual({ ok: true, traceId });
      // the reply can arrive before the handler's span has ended: wait for both spans
      const spanNamed = (name: string) => exporter.getFinishedSpans().find((s) => s.spanContext().traceId === traceId && s.name === name);
      const send = await waitFor(() => spanNamed(`trace-client send ${Ping.subject}`), { what: 'the send span' });
      const handle = await waitFor(() => spanNamed(`${service} ${Ping.subject}`), { what: 'the handler span' });
      expect(send.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
      expect(handle.parentSpanContext?.spanId).toBe(send.spanContext().spanId);
      // no saga here: the correlation id is the msgId
      expect(handle.attributes).not.toHaveProperty('bitcraps.saga_id');

      // a saga step: the payload does not name the saga, its correlation id does
      const sagaId = 's_0123abcd-0123-4567-89ab-0123456789ab';
      const step = trace.getTracer('test').startSpan('saga step');
      await context.with(trace.setSpan(context.active(), step), () => client.command(Ping, { n: 2 }, { correlationId: sagaId, msgId: `${sagaId}:0:do:1` }));
      step.end();
      const stepSpan = (name: string) => exporter.getFinishedSpans().find((s) => s.spanContext().traceId === step.spanContext().traceId && s.name === name);
      const stepSend = await waitFor(() => stepSpan(`trace-client send ${Ping.subject}`), { what: 'the step send span' });
      const stepHandle = await waitFor(() => stepSpan(`${service} ${Ping.subject}`), { what: 'the step handler span' });
      expect(stepSend.attributes).toMatchObject({ 'bitcraps.correlation_id': sagaId, 'bitcraps.saga_id': sagaId });
      expect(stepHandle.attributes).toMatchObject({ 'bitcraps.correlation_id': sagaId, 'bitcraps.saga_id': sagaId });
    } finally {
      await client.close();
      await app.close();
    }
  });
});
