import type { CurrentRound } from '@bitcraps/contracts';
import type { ApiFailure } from './client';
import type { ProofCheck, Proof } from './verify';
import type { ServerEvent } from './sse';

/** Readable output, pure: every function takes the API's JSON and returns lines of text. */
export const chips = (n: unknown): string => (typeof n === 'number' ? `${n.toLocaleString('en-US')} chips` : '—');
const show = (v: unknown): string => (v === null || v === undefined ? '—' : String(v));
const diceText = (d: readonly number[]) => `${d[0]} + ${d[1]} = ${d[0] + d[1]}`;

export function formatPlayer(p: { playerId: string; name: string; balance: number }): string {
  return `${p.name} (${p.playerId})\n  wallet: ${chips(p.balance)}`;
}

export function formatRegistered(p: { playerId: string; balance: number }, name: string, savedTo: string): string {
  return `registered ${name} as ${p.playerId}\n  wallet: ${chips(p.balance)}\n  token saved to ${savedTo}`;
}

interface GameLike {
  gameId: string;
  status: string;
  phase: string;
  point: number | null;
  shooter: string | null;
  players: Array<{ playerId: string; stack: number }>;
  bets: Array<{ betId: string; playerId: string; type: string; number?: number; amount: number; point?: number | null }>;
  rollCount: number;
  config?: Record<string, unknown>;
  suspension?: { reason: string } | null;
}

export function formatGame(g: GameLike): string {
  const lines = [
    `game ${g.gameId}`,
    `  status: ${g.status}${g.suspension ? ` (suspended: ${g.suspension.reason})` : ''}   phase: ${g.phase}   point: ${show(g.point)}   rolls: ${g.rollCount}`,
    `  shooter: ${show(g.shooter)}`,
    `  players (${g.players.length}):`,
    ...(g.players.length ? g.players.map((p) => `    ${p.playerId}  stack ${chips(p.stack)}${p.playerId === g.shooter ? '  (shooter)' : ''}`) : ['    none yet']),
    `  bets (${g.bets.length}):`,
    ...(g.bets.length
      ? g.bets.map((b) => `    ${b.betId}  ${b.playerId}  ${b.type}${b.number !== undefined ? ` ${b.number}` : ''}${b.point ? ` (on ${b.point})` : ''}  ${chips(b.amount)}`)
      : ['    none']),
  ];
  const c = g.config;
  if (c) {
    lines.push(
      `  table: bets ${show(c.minBet)}..${show(c.maxBet)}, buy-in ${show(c.minBuyIn)}..${show(c.maxBuyIn)}, seats ${show(c.maxPlayers)}, odds ${show(c.maxOdds)}, dice ${show(c.consensus)}${c.private ? ', private' : ''}`,
    );
  }
  return lines.join('\n');
}

/** A saga's answer: completed with its result, or still running (202) with where to follow it. */
export function formatSagaStarted(what: string, a: Record<string, any>, result: string): string {
  if (a.status === 'running') return `${what}: saga ${a.sagaId} is still running; follow it with: bitcraps saga ${a.sagaId}`;
  return `${what}: ${result}\n  saga ${a.sagaId} ${a.status}`;
}

export function formatJoin(a: Record<string, any>): string {
  return formatSagaStarted('join', a, `seated with a stack of ${chips(a.stack)}`);
}

export function formatBet(a: Record<string, any>, type: string, amount: number): string {
  return formatSagaStarted('bet', a, `${type} for ${chips(amount)} is on the layout as ${a.betId}`);
}

export function formatLeave(a: Record<string, any>): string {
  return formatSagaStarted('leave', a, `left the table; ${chips(a.returned)} returned to the wallet`);
}

export function formatRoll(a: Record<string, any>): string {
  if (a.status === 'running' || !Array.isArray(a.dice)) return formatSagaStarted('roll', a, '');
  const lines = [
    `roll #${a.rollIndex}: ${diceText(a.dice)}`,
    `  phase: ${a.phase}   point: ${show(a.point)}${a.shooter !== undefined ? `   shooter: ${show(a.shooter)}` : ''}`,
  ];
  const resolutions: any[] = a.resolutions ?? [];
  if (resolutions.length) {
    lines.push('  bets resolved:');
    for (const r of resolutions) {
      const effect = r.outcome === 'win' ? `wins ${chips(r.payout)} (stake ${chips(r.amount)} back)` : r.outcome === 'push' ? `push (stake ${chips(r.amount)} back)` : `loses ${chips(r.amount)}`;
      lines.push(`    ${r.betId}  ${r.playerId}  ${r.type}: ${effect}`);
    }
  } else {
    lines.push('  no bet resolved');
  }
  return lines.join('\n');
}

export function formatSaga(s: Record<string, any>): string {
  const lines = [`saga ${s.sagaId} (${s.type}): ${s.status}`];
  for (const step of s.steps ?? []) lines.push(`  ${step.name}: ${step.status}${step.attempts > 1 ? ` after ${step.attempts} attempts` : ''}`);
  if (s.error) lines.push(`  error at ${s.error.step}: ${s.error.code}: ${s.error.message}`);
  return lines.join('\n');
}

export function formatStats(s: Record<string, any>): string {
  const lines = [
    `games: ${show(s.totalGames)} (${show(s.activeGames)} active${s.closedGames !== undefined ? `, ${s.closedGames} closed` : ''})`,
    `rolls: ${show(s.totalRolls)}   bets: ${show(s.totalBets)}   volume: ${chips(s.totalVolume)}   house profit: ${chips(s.houseProfit)}`,
  ];
  if (s.outcomes) lines.push(`outcomes: ${s.outcomes.win} won, ${s.outcomes.lose} lost, ${s.outcomes.push} pushed`);
  if (s.seatedPlayers !== undefined) lines.push(`players seated: ${s.seatedPlayers} (peak ${show(s.peakPlayers)})   largest pot: ${chips(s.largestPot)}`);
  const totals = s.diceTotals && Object.keys(s.diceTotals).length ? Object.entries(s.diceTotals).sort(([a], [b]) => Number(a) - Number(b)) : [];
  if (totals.length) lines.push(`dice totals: ${totals.map(([t, n]) => `${t}×${n}`).join(' ')}`);
  return lines.join('\n');
}

/** One event of `watch`: when, what, and its data compactly. */
export function formatEvent(e: ServerEvent, now: Date = new Date()): string {
  let data = e.data;
  try {
    data = JSON.stringify(JSON.parse(e.data));
  } catch {
    // not JSON: as sent
  }
  return `${now.toISOString().slice(11, 19)}  ${e.event}  ${data.length > 400 ? data.slice(0, 400) + '…' : data}`;
}

/** The round open for commitments: what `verify` later checks the house seed against. */
export function formatRound(r: CurrentRound): string {
  const lines = [`roll #${r.rollIndex} of ${r.gameId} (${r.mode ?? 'house'} table): ${r.status}`];
  lines.push(`  house commitment ${r.houseCommitment}  (SHA-256 of the house seed; the proof of roll #${r.rollIndex} must open it)`);
  for (const c of r.commitments) lines.push(`  ${c.playerId} committed ${c.commitment.slice(0, 16)}…${c.revealed ? ' (revealed)' : ''}`);
  return lines.join('\n');
}

export function formatVerification(gameId: string, proof: Proof, check: ProofCheck): string {
  const lines = [`roll #${proof.rollIndex} of ${gameId}: ${check.ok ? 'VERIFIED' : 'DOES NOT VERIFY'}`];
  lines.push(`  house commitment ${proof.houseCommitment}`);
  lines.push(`  house seed       ${proof.houseSeed}`);
  for (const c of proof.contributions) lines.push(`  ${c.playerId} committed ${c.commitment.slice(0, 16)}…, revealed ${c.seed.slice(0, 16)}…`);
  for (const w of proof.withheld ?? []) lines.push(`  ${w.playerId} committed and did not reveal (left out)`);
  lines.push(`  dice: the proof says [${proof.dice.join(', ')}]; recomputed ${check.dice ? `[${check.dice.join(', ')}]` : '—'}`);
  for (const p of check.problems) lines.push(`  problem: ${p}`);
  return lines.join('\n');
}

/** An API refusal as the user reads it, with a hint where one helps. */
export function formatFailure(f: ApiFailure): string {
  const lines = [`error: ${f.code} (${f.status}): ${f.message}`];
  for (const issue of (f.issues ?? []).slice(0, 10) as Array<{ path?: unknown[]; message?: string }>) {
    lines.push(`  - ${issue.path?.length ? issue.path.join('.') + ': ' : ''}${issue.message ?? JSON.stringify(issue)}`);
  }
  if (f.status === 401) lines.push('  hint: your token is missing or expired: bitcraps register <name>');
  if (f.status === 429 && f.retryAfterSeconds) lines.push(`  hint: rate limited: retry in ${f.retryAfterSeconds} s`);
  if (f.status === 404 && f.code === 'NOT_FOUND') lines.push('  hint: this gateway may not serve that endpoint yet');
  return lines.join('\n');
}
