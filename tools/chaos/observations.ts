import type { GameView, LedgerEntry, PlayerAction, SagaView } from '@bitcraps/contracts';
import type { Audit } from '../bench/harness/audit';

/**
 * What a chaos run saw: the answers the workload got (after its retries), and the
 * final state read once the stack was quiet. The checkers (checks.ts) are pure
 * functions of these, so each is tested with hand-made violations.
 */

interface AnswerBase {
  /** Final HTTP status after retries; 0 when no attempt got an answer. */
  status: number;
  code?: string;
  playerId: string;
  /** Attempts it took (a retry re-sends with the same Idempotency-Key). */
  attempts: number;
}

export type Answer =
  | (AnswerBase & { kind: 'register'; deposit: number; balance?: number })
  | (AnswerBase & { kind: 'create-game'; gameId?: string })
  | (AnswerBase & { kind: 'join'; gameId: string; buyIn: number; sagaId?: string; sagaStatus?: string; stack?: number | null })
  | (AnswerBase & { kind: 'bet'; gameId: string; type: string; amount: number; number?: number; sagaId?: string; sagaStatus?: string; betId?: string })
  | (AnswerBase & { kind: 'roll'; gameId: string; sagaId?: string; rollIndex?: number; resolutions?: Resolution[] })
  | (AnswerBase & { kind: 'leave'; gameId: string; sagaId?: string; sagaStatus?: string; returned?: number | null });

export interface Resolution {
  betId: string;
  playerId: string;
  type: string;
  outcome: 'win' | 'lose' | 'push';
  amount: number;
  payout: number;
}

/** A saga as the orchestrator stores it (KV `sagas`), read directly: status, steps and context. */
export interface StoredSaga {
  sagaId: string;
  type: string;
  status: string;
  ctx: Record<string, any>;
  steps: Array<{ name: string; status: string; attempts: number }>;
  error?: { step: string; code: string; message: string };
}

/** GET /v1/sagas/:sagaId for one saga id an answer carried. */
export interface SagaLookup {
  sagaId: string;
  httpStatus: number;
  view?: SagaView;
}

export interface FinalState {
  /** Every saga in KV `sagas`. */
  sagas: StoredSaga[];
  /** GET /v1/sagas/:id of every saga id the workload got. */
  lookups: SagaLookup[];
  /** LEDGER, every entry in stream order. */
  ledger: LedgerEntry[];
  /** The final view of every game the run touched (null: GET answered no game). */
  games: Record<string, GameView | null>;
  /** Each player's last actions (player service) and wallet. */
  players: Record<string, { balance: number; history: PlayerAction[] } | null>;
  audit: Audit | null;
}

export type { GameView, LedgerEntry, PlayerAction, SagaView };
