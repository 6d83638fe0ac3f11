import { z } from 'zod';
import { commandFilter, deadLetterSubject, defineCommand, defineEvent, defineQuery } from './subject';
import { CreateGame, GetGame } from './lifecycle.contracts';
import { GetPlayer, RegisterPlayer } from './player.contracts';

describe('subjects', () => {
  it('derive every subject from the owning service', () => {
    const C = defineCommand({ service: 'player', verb: 'debit-wallet', fact: 'wallet-debited', payload: z.object({}), ok: { balance: z.number() } });
    expect(C.subject).toBe('cmd.player.debit-wallet');
    expect(C.replySubject).toBe('evt.player.wallet-debited');
    expect(defineQuery({ service: 'player', verb: 'get', payload: z.object({}), ok: {} }).subject).toBe('qry.player.get');
    expect(defineEvent({ service: 'stats', fact: 'x-y', payload: z.object({}) }).subject).toBe('evt.stats.x-y');
    expect(commandFilter('player')).toBe('cmd.player.>');
    expect(deadLetterSubject('cmd.player.x')).toBe('dlq.cmd.player.x');
  });

  it('refuse names that would break subject matching', () => {
    expect(() => defineCommand({ service: 'pl.ayer', verb: 'x', fact: 'y', payload: z.object({}), ok: {} })).toThrow();
    expect(() => defineCommand({ service: 'player', verb: '>', fact: 'y', payload: z.object({}), ok: {} })).toThrow();
    expect(() => defineQuery({ service: 'player', verb: 'a b', payload: z.object({}), ok: {} })).toThrow();
  });

  it('replies are an ok value or a refusal with a known code', () => {
    expect(RegisterPlayer.reply.safeParse({ ok: true, player: { playerId: 'p_00000000-0000-4000-8000-000000000001', name: 'a', balance: 1 } }).success).toBe(true);
    expect(RegisterPlayer.reply.safeParse({ ok: false, code: 'INSUFFICIENT_BALANCE', message: 'no' }).success).toBe(true);
    expect(RegisterPlayer.reply.safeParse({ ok: false, code: 'MADE_UP', message: 'no' }).success).toBe(false);
    expect(RegisterPlayer.reply.safeParse({ ok: true }).success).toBe(false);
  });

  it('every subject of the contracts is unique', () => {
    const subjects = [RegisterPlayer.subject, RegisterPlayer.replySubject, GetPlayer.subject, CreateGame.subject, CreateGame.replySubject, GetGame.subject];
    expect(new Set(subjects).size).toBe(subjects.length);
  });
});
