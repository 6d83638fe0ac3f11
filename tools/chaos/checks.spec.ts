import type { LedgerEntry } from '@bitcraps/contracts';
import { checkAnswers, checkAudit, checkBets, checkExpired, checkLedger, checkSagasTerminal, checkStacks, checkWallets, runChecks } from './checks';
import type { Answer, FinalState, GameView, PlayerAction, StoredSaga } from './observations';

// ids in the shapes the services use
const G = 'g_00000000-0000-4000-8000-000000000001';
const G2 = 'g_00000000-0000-4000-8000-000000000002';
const P = 'p_00000000-0000-4000-8000-00000000000a';
const Q = 'p_00000000-0000-4000-8000-00000000000b';
const S_JOIN_P = 's_00000000-0000-4000-8000-000000000101';
const S_JOIN_Q = 's_00000000-0000-4000-8000-000000000102';
const S_LEAVE_Q = 's_00000000-0000-4000-8000-000000000103';
const S_BET_1 = 's_00000000-0000-4000-8000-000000000104';
const S_BET_2 = 's_00000000-0000-4000-8000-000000000105';
const S_ROLL = 's_00000000-0000-4000-8000-000000000106';
const S_BET_REFUSED = 's_00000000-0000-4000-8000-000000000107';
const B1 = 'b_1';
const B2 = 'b_2';
const B3 = 'b_3';
const AT = '2025-01-01T00:00:00.000Z';

const stack = (g: string, p: string) => `stack.${g}.${p}`;
const transfer = (transferId: string, kind: string, from: string, to: string, amount: number, betId?: string): LedgerEntry =>
  ({ type: 'transfer', transferId, opId: transferId, kind, from, to, amount, at: AT, ...(betId ? { betId } : {}), ...(kind === 'escrow' ? { worstCase: amount } : {}) }) as LedgerEntry;
const action = (opId: string, kind: PlayerAction['kind'], amount: number, balanceAfter: number): PlayerAction => ({ opId, kind, amount, balanceAfter, reason: kind, at: AT });
const saga = (sagaId: string, type: string, status: string, ctx: Record<string, unknown>): StoredSaga => ({ sagaId, type, status, ctx: { sagaId, ...ctx }, steps: [] });
const game = (gameId: string, over: Partial<GameView> = {}): GameView =>
  ({ gameId, status: 'open', phase: 'come-out', point: null, shooter: P, players: [], bets: [], rollCount: 1, createdBy: P, createdAt: AT, config: {} as GameView['config'], ...over }) as GameView;

/**
 * A small consistent world: P joined G with 100, bet 10 (lost on the roll) and 5 (still
 * on the layout); Q joined with 50 and left with 50; a third bet was refused.
 */
function world(): { answers: Answer[]; state: FinalState } {
  const ledger: LedgerEntry[] = [
    transfer('seed:bankroll', 'seed', 'clearing.funding', 'bankroll', 1_000_000),
    transfer(`${S_JOIN_P}:stack:buy-in`, 'buy-in', 'clearing.wallets', stack(G, P), 100),
    transfer(`${S_JOIN_Q}:stack:buy-in`, 'buy-in', 'clearing.wallets', stack(G, Q), 50),
    transfer(`bet:${B1}:escrow`, 'escrow', stack(G, P), `escrow.${G}`, 10, B1),
    transfer(`bet:${B2}:escrow`, 'escrow', stack(G, P), `escrow.${G}`, 5, B2),
    transfer(`bet:${B1}:settle`, 'lose', `escrow.${G}`, 'bankroll', 10, B1),
    transfer(`${S_LEAVE_Q}:cash-out:cash-out`, 'cash-out', stack(G, Q), 'clearing.wallets', 50),
    { type: 'mark', markId: `bet:${B3}:escrow`, opId: `bet:${B3}`, kind: 'refused', at: AT, code: 'INSUFFICIENT_STACK', message: 'no' },
  ];
  const sagas = [
    saga(S_JOIN_P, 'join', 'completed', { gameId: G, playerId: P, buyIn: 100, stack: 100 }),
    saga(S_JOIN_Q, 'join', 'completed', { gameId: G, playerId: Q, buyIn: 50, stack: 50 }),
    saga(S_BET_1, 'bet', 'completed', { gameId: G, playerId: P, betId: B1, amount: 10, type: 'pass' }),
    saga(S_BET_2, 'bet', 'completed', { gameId: G, playerId: P, betId: B2, amount: 5, type: 'field' }),
    saga(S_BET_REFUSED, 'bet', 'compensated', { gameId: G, playerId: P, betId: B3, amount: 500, type: 'field' }),
    saga(S_ROLL, 'roll', 'completed', { gameId: G, playerId: P }),
    saga(S_LEAVE_Q, 'leave', 'completed', { gameId: G, playerId: Q, returned: 50 }),
  ];
  const answers: Answer[] = [
    { kind: 'register', status: 201, playerId: P, attempts: 1, deposit: 1_000, balance: 1_000 },
    { kind: 'register', status: 201, playerId: Q, attempts: 1, deposit: 200, balance: 200 },
    { kind: 'join', status: 200, playerId: P, attempts: 1, gameId: G, buyIn: 100, sagaId: S_JOIN_P, sagaStatus: 'completed', stack: 100 },
    { kind: 'join', status: 202, playerId: Q, attempts: 2, gameId: G, buyIn: 50, sagaId: S_JOIN_Q, sagaStatus: 'running', stack: null },
    { kind: 'bet', status: 200, playerId: P, attempts: 1, gameId: G, type: 'pass', amount: 10, sagaId: S_BET_1, sagaStatus: 'completed', betId: B1 },
    { kind: 'bet', status: 200, playerId: P, attempts: 1, gameId: G, type: 'field', amount: 5, sagaId: S_BET_2, sagaStatus: 'completed', betId: B2 },
    { kind: 'bet', status: 422, code: 'INSUFFICIENT_STACK', playerId: P, attempts: 1, gameId: G, type: 'field', amount: 500 },
    { kind: 'roll', status: 200, playerId: P, attempts: 1, gameId: G, sagaId: S_ROLL, rollIndex: 1, resolutions: [{ betId: B1, playerId: P, type: 'pass', outcome: 'lose', amount: 10, payout: 0 }] },
    { kind: 'leave', status: 200, playerId: Q, attempts: 1, gameId: G, sagaId: S_LEAVE_Q, sagaStatus: 'completed', returned: 50 },
  ];
  const state: FinalState = {
    sagas,
    lookups: answers.flatMap((a) => ('sagaId' in a && a.sagaId ? [{ sagaId: a.sagaId, httpStatus: 200, view: { sagaId: a.sagaId, type: sagas.find((s) => s.sagaId === a.sagaId)!.type, status: 'completed' } as any }] : [])),
    ledger,
    games: { [G]: game(G, { players: [{ playerId: P, stack: 85 }], bets: [{ betId: B2, playerId: P, type: 'field', amount: 5 }] }) },
    players: {
      [P]: { balance: 900, history: [action('deposit', 'deposit', 1_000, 1_000), action(`${S_JOIN_P}:debit`, 'debit', 100, 900)] },
      [Q]: { balance: 200, history: [action('deposit', 'deposit', 200, 200), action(`${S_JOIN_Q}:debit`, 'debit', 50, 150), action(`${S_LEAVE_Q}:credit`, 'credit', 50, 200)] },
    },
    audit: { deposits: 1_200, initialBankroll: 1_000_000, bankrollAdditions: 0, wallets: 1_100, stacks: 85, escrow: 5, bankroll: 1_000_010, inFlight: 0, unfinishedSagas: 0, balanced: true },
  };
  return { answers, state };
}

const details = (r: { violations: Array<{ detail: string }> }) => r.violations.map((v) => v.detail);

describe('chaos checks on a consistent run', () => {
  it('find nothing wrong', () => {
    const { answers, state } = world();
    const results = runChecks({ answers, state, idleGames: [], now: Date.now(), graceMs: 0 });
    expect(results.flatMap(details)).toEqual([]);
    expect(results.every((r) => r.checked > 0 || r.check === 'idle games expired')).toBe(true);
  });
});

describe('each check catches its violation', () => {
  it('sagas terminal: an unfinished or failed saga, a saga id the orchestrator does not know, a lookup that fails', () => {
    const { answers, state } = world();
    state.sagas[1] = { ...state.sagas[1]!, status: 'compensating' };
    state.sagas.push(saga('s_00000000-0000-4000-8000-000000000999', 'roll', 'failed', { gameId: G }));
    state.lookups[0] = { ...state.lookups[0]!, httpStatus: 404, view: undefined };
    answers.push({ kind: 'leave', status: 202, playerId: P, attempts: 1, gameId: G, sagaId: 's_00000000-0000-4000-8000-000000000998', sagaStatus: 'running' });
    const found = details(checkSagasTerminal(state, answers));
    expect(found).toEqual([
      expect.stringMatching(/join saga .* is compensating/),
      expect.stringMatching(/roll saga .* is failed/),
      expect.stringMatching(/answered 404/),
      expect.stringMatching(/leave answered 202 with saga .*998, which the orchestrator does not have/),
    ]);
  });

  it('audit: a chip too many, chips in flight, an unfinished saga', () => {
    const { state } = world();
    expect(details(checkAudit({ ...state.audit!, wallets: state.audit!.wallets + 1 }))).toEqual([expect.stringMatching(/\(\+1 chips\)/)]);
    expect(details(checkAudit({ ...state.audit!, inFlight: 3, unfinishedSagas: 1, balanced: false }))).toHaveLength(3);
    expect(details(checkAudit(null))).toEqual(['GET /v1/audit gave no answer']);
  });

  it('ledger: a transfer appended twice, a bet closed twice, a payout twice, an overdraft, a stake that does not match', () => {
    const { state } = world();
    const again = state.ledger[1]!;
    const found = details(
      checkLedger([
        ...state.ledger,
        again,
        transfer(`bet:${B1}:release`, 'release', `escrow.${G}`, stack(G, P), 10, B1),
        transfer(`bet:${B2}:payout`, 'win-payout', 'bankroll', stack(G, P), 5, B2),
        transfer(`bet:${B2}:payout-again`, 'win-payout', 'bankroll', stack(G, P), 5, B2),
        transfer(`bet:${B2}:settle`, 'win-stake', `escrow.${G}`, stack(G, P), 4, B2),
        transfer('x:cash-out', 'cash-out', stack(G2, Q), 'clearing.wallets', 1),
      ]),
    );
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/bet b_1 closed twice \(lose, then release\)/),
        expect.stringMatching(/bet b_2 paid twice/),
        expect.stringMatching(/bet b_2 held 5, win-stake moved 4/),
        expect.stringMatching(/release 10\) overdraws escrow\.g_/),
        expect.stringMatching(/overdraws stack\.g_.*2\.p_/),
        expect.stringMatching(new RegExp(`transfer ${S_JOIN_P}:stack:buy-in is in LEDGER 2 times`)),
      ]),
    );
    expect(details(checkLedger(state.ledger))).toEqual([]);
  });

  it('bets: an accepted bet never escrowed, an open bet on no layout, a layout bet the treasury closed, a refused bet that kept its stake', () => {
    const { answers, state } = world();
    const ledger = state.ledger.filter((e) => !(e.type === 'transfer' && e.transferId === `bet:${B1}:escrow`) && !(e.type === 'transfer' && e.transferId === `bet:${B1}:settle`));
    ledger.push(transfer(`bet:${B3}:escrow-x`, 'escrow', stack(G, P), `escrow.${G}`, 500, B3));
    const { fold } = checkLedger(ledger);
    const games = { [G]: game(G, { players: [{ playerId: P, stack: 85 }], bets: [] }) };
    const found = details(checkBets(answers, state.sagas, fold, games));
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/bet b_3 of compensated saga .* still holds 500 in escrow/),
        expect.stringMatching(/accepted bet b_1 .* was never escrowed/),
        expect.stringMatching(/accepted bet b_2 .* neither resolved nor refunded/),
        expect.stringMatching(/the treasury holds 5 for bet b_2 .* which no layout shows/),
      ]),
    );
    const closedOnLayout = checkBets([], [], checkLedger(state.ledger).fold, { [G]: game(G, { bets: [{ betId: B1, playerId: P, type: 'pass', amount: 10 }, { betId: B2, playerId: P, type: 'field', amount: 5 }] }) });
    expect(details(closedOnLayout)).toEqual([expect.stringMatching(/shows bet b_1 of 10, which the treasury closed \(lose\)/)]);
  });

  it('answers: a join not debited, a leave whose chips did not reach the wallet, a roll answered otherwise than settled, an unrefunded compensated join', () => {
    const { answers, state } = world();
    const { fold } = checkLedger(state.ledger);
    const players = structuredClone(state.players);
    players[P]!.history = players[P]!.history.filter((a) => a.opId !== `${S_JOIN_P}:debit`);
    players[Q]!.history = players[Q]!.history.filter((a) => a.opId !== `${S_LEAVE_Q}:credit`);
    const rolled = answers.map((a) => (a.kind === 'roll' ? { ...a, resolutions: [{ ...a.resolutions![0]!, outcome: 'win' as const, payout: 10 }] } : a));
    const S_UNDONE = 's_00000000-0000-4000-8000-000000000200';
    players[P]!.history.push(action(`${S_UNDONE}:debit`, 'debit', 30, 870));
    const sagas = [...state.sagas, saga(S_UNDONE, 'join', 'compensated', { gameId: G, playerId: P, buyIn: 30 })];
    const found = details(checkAnswers(rolled, sagas, fold, players));
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`completed join ${S_JOIN_P}: the wallet of ${P} has no debit`)),
        expect.stringMatching(new RegExp(`completed leave ${S_LEAVE_Q}: the wallet of ${Q} has no credit`)),
        expect.stringMatching(/answered win 10 for bet b_1, LEDGER settled lose 10/),
        expect.stringMatching(/answered a payout of 10 for bet b_1, LEDGER paid 0/),
        expect.stringMatching(new RegExp(`compensated join ${S_UNDONE}: the wallet of ${P} was debited 30 and refunded 0`)),
      ]),
    );
    const leaveLie = answers.map((a) => (a.kind === 'leave' ? { ...a, returned: 40 } : a));
    expect(details(checkAnswers(leaveLie, state.sagas, fold, state.players))).toEqual([expect.stringMatching(/answered returned 40, the cash-out moved 50/)]);
  });

  it('stacks: chips left at a closed game, a player stranded off the table, a table that disagrees with the treasury', () => {
    const { state } = world();
    const { fold } = checkLedger(state.ledger);
    expect(details(checkStacks(fold, { [G]: { ...state.games[G]!, status: 'closed' } }))).toEqual([
      expect.stringMatching(/85 chips stranded in the stack of .* at closed game/),
      expect.stringMatching(/5 chips left in the escrow of closed game/),
    ]);
    expect(details(checkStacks(fold, { [G]: { ...state.games[G]!, players: [] } }))).toEqual([expect.stringMatching(/85 chips stranded .* not seated/)]);
    expect(details(checkStacks(fold, { [G]: { ...state.games[G]!, players: [{ playerId: P, stack: 90 }, { playerId: Q, stack: 7 }] } }))).toEqual([
      expect.stringMatching(/shows a stack of 90 for .*a, the treasury holds 85/),
      expect.stringMatching(/shows a stack of 7 for .*b, the treasury holds 0/),
    ]);
  });

  it('wallets: a debit the treasury never received, an op applied twice, a history that does not add up', () => {
    const { state } = world();
    const { fold } = checkLedger(state.ledger);
    const players = structuredClone(state.players);
    players[P]!.history.push(action('s_x:debit', 'debit', 20, 880));
    players[P]!.balance = 880;
    players[Q]!.history.push(action(`${S_LEAVE_Q}:credit`, 'credit', 50, 250));
    const found = details(checkWallets(fold, state.ledger, players));
    expect(found).toEqual([
      expect.stringMatching(/player .*a: the wallet sent 120 net to tables, the treasury took in 100 net \(20 chips lost\)/),
      expect.stringMatching(/wallet of .*b: op .* applied 2 times/),
      expect.stringMatching(/wallet of .*b: deposits 200 − debits 50 \+ credits 100 ≠ balance 200/),
      expect.stringMatching(/player .*b: the wallet sent -50 net to tables, the treasury took in 0 net \(50 chips made up\)/),
    ]);
  });

  it('expiry: a game idle past its timeout that is still open; not one still within it', () => {
    const { state } = world();
    const now = 1_000_000;
    expect(details(checkExpired([{ gameId: G, idleSinceMs: now - 80_000, timeoutMs: 10_000 }], state.games, now, 60_000))).toEqual([expect.stringMatching(/idle for 80 s .* is still open/)]);
    expect(checkExpired([{ gameId: G, idleSinceMs: now - 20_000, timeoutMs: 10_000 }], state.games, now, 60_000)).toMatchObject({ checked: 0, violations: [] });
  });
});
