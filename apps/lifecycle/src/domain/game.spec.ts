import { checkTablePassword, hashTablePassword, newGame, toGameView } from './game';

const gameId = 'g_00000000-0000-4000-8000-000000000001';
const createdBy = 'p_00000000-0000-4000-8000-000000000002';
const now = new Date('2026-01-01T00:00:00Z');

describe('newGame', () => {
  it('fills every default of DESIGN.md section 9', () => {
    const g = newGame({ gameId, createdBy, settings: {} }, now);
    expect(toGameView(g as never)).toMatchObject({
      gameId, status: 'open', phase: 'come-out', point: null, shooter: null, players: [], bets: [], rollCount: 0,
      config: {
        minBet: 1, maxBet: 10_000, minBuyIn: 10, maxBuyIn: 100_000, maxPlayers: 10, maxBetsPerPlayer: 50,
        inactivityTimeoutMs: 3_600_000, rollTimeoutMs: 30_000, revealTimeoutMs: 15_000, voteTimeoutMs: 5_000,
        consensus: 'house', maxOdds: '3-4-5', private: false,
      },
    });
    expect((g as { config: { allowedBets: string[] } }).config.allowedBets).toHaveLength(19);
  });

  it('refuses settings that contradict each other', () => {
    expect(newGame({ gameId, createdBy, settings: { minBet: 100, maxBet: 10 } }, now)).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', message: expect.stringContaining('minBet') });
  });

  it('keeps only a salted hash of a private table password, and never shows it', () => {
    const g = newGame({ gameId, createdBy, settings: { password: 'sesame' } }, now) as { passwordHash: string; config: { private: boolean } };
    expect(g.config.private).toBe(true);
    expect(g.passwordHash).not.toContain('sesame');
    expect(checkTablePassword(g.passwordHash, 'sesame')).toBe(true);
    expect(checkTablePassword(g.passwordHash, 'wrong')).toBe(false);
    expect(JSON.stringify(toGameView(g as never))).not.toContain(g.passwordHash);
  });

  it('salts: the same password hashes differently twice', () => {
    expect(hashTablePassword('x')).not.toEqual(hashTablePassword('x'));
  });
});

describe('toGameView', () => {
  it('shows the table, never the bookkeeping (ops, fence, deadlines, the reserved roll\'s op)', () => {
    const g = newGame({ gameId, createdBy, settings: {} }, now) as never as Parameters<typeof toGameView>[0];
    const record = { ...g, fence: 7, ops: [{ key: 'seat:x', reply: { ok: true } }], pendingRoll: { rollIndex: 1, opId: 'r', at: '' } };
    const view = toGameView(record);
    expect(Object.keys(view).sort()).toEqual(
      ['bets', 'config', 'createdAt', 'createdBy', 'gameId', 'pendingRoll', 'phase', 'players', 'point', 'rollCount', 'shooter', 'status', 'suspension'].sort(),
    );
    // betting on roll 1 is closed: only its index shows (consensus closes the commitments on it)
    expect(view.pendingRoll).toBe(1);
    expect('pendingRoll' in toGameView(g)).toBe(false);
  });

  it('starts the inactivity clock at creation', () => {
    const g = newGame({ gameId, createdBy, settings: { inactivityTimeoutMs: 60_000 } }, now) as { inactiveAt: number; lastActivityAt: number };
    expect(g.lastActivityAt).toBe(now.getTime());
    expect(g.inactiveAt).toBe(now.getTime() + 60_000);
  });
});
