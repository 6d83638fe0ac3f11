import {
  AuditSchema,
  BetBodySchema,
  CommitmentBodySchema,
  CreateGameBodySchema,
  CreatePlayerBodySchema,
  CreatePlayerResponseSchema,
  CurrentRoundSchema,
  FundBankrollAnswerSchema,
  FundBankrollBodySchema,
  GameViewSchema,
  JoinBodySchema,
  PlayerActivitySchema,
  PlayerMeResponseSchema,
  ResolveRoundBodySchema,
  ResolvedRoundSchema,
  RevealBodySchema,
  RollProofSchema,
  SagaViewSchema,
  StatsFiguresSchema,
  VoteBodySchema,
} from '@bitcraps/contracts';
import type { Answer, RouteDoc } from './openapi';
import {
  AdminReasonBodySchema,
  BetAnswerSchema,
  CommitmentAnswerSchema,
  JoinAnswerSchema,
  LeaveAnswerSchema,
  RevealAnswerSchema,
  RollAnswerSchema,
  SagaRunningSchema,
  VoteAnswerSchema,
} from './http-shapes';
import { OpsSnapshotSchema } from '../ops/ops-view';

const running: Answer = {
  status: 202,
  description: 'the saga had not ended by the request deadline: follow it at GET /v1/sagas/{sagaId}',
  name: 'SagaRunning',
  schema: SagaRunningSchema,
};

/**
 * Every route the gateway serves, documented (DESIGN.md section 8). The document shows
 * those of them the running gateway has registered; a test fails when the gateway
 * registers a route this table does not describe. Add a row with each new route.
 */
export const ROUTES: readonly RouteDoc[] = [
  {
    method: 'post', path: '/v1/players', tag: 'players', auth: 'none',
    summary: 'Register a player',
    description: '`deposit` only while the dev faucet is on (FAUCET_MAX). The answer carries the bearer token for the rest of the API.',
    body: { name: 'CreatePlayerBody', schema: CreatePlayerBodySchema },
    success: { status: 201, description: 'the player and its bearer token', name: 'CreatePlayerResponse', schema: CreatePlayerResponseSchema },
    errors: [422],
  },
  {
    method: 'get', path: '/v1/players/me', tag: 'players', auth: 'player',
    summary: 'The authenticated player and wallet balance',
    success: { status: 200, description: 'the player', name: 'PlayerMe', schema: PlayerMeResponseSchema },
  },
  {
    method: 'get', path: '/v1/players/me/activity', tag: 'players', auth: 'player',
    summary: 'The authenticated player\'s sessions and last actions',
    description: 'A session is a run of the player\'s activity (requests, wallet movements) with no gap longer than the player service\'s SESSION_IDLE_MS; the last 20 sessions and the last 100 wallet actions, oldest first. Requests count at most once per ACTIVITY_TOUCH_INTERVAL_MS and shortly after they are answered.',
    success: { status: 200, description: 'the activity', name: 'PlayerActivity', schema: PlayerActivitySchema },
  },
  {
    method: 'post', path: '/v1/games', tag: 'games', auth: 'player',
    summary: 'Create a game', description: 'Per-game settings of DESIGN.md section 9, all optional.',
    body: { name: 'CreateGameBody', schema: CreateGameBodySchema, required: false },
    success: { status: 201, description: 'the game', name: 'Game', schema: GameViewSchema },
    errors: [409],
  },
  {
    method: 'get', path: '/v1/games/:gameId', tag: 'games', auth: 'player',
    summary: 'A game: status, phase, point, shooter, players, bets, config',
    success: { status: 200, description: 'the game', name: 'Game', schema: GameViewSchema },
    errors: [404],
  },
  {
    method: 'post', path: '/v1/games/:gameId/join', tag: 'play', auth: 'player',
    summary: 'Buy in and take a seat (join saga)',
    body: { name: 'JoinBody', schema: JoinBodySchema },
    success: { status: 200, description: 'the join saga completed', name: 'JoinAnswer', schema: JoinAnswerSchema },
    alsoAnswers: [running],
    errors: [403, 404, 409, 422],
  },
  {
    method: 'post', path: '/v1/games/:gameId/bets', tag: 'play', auth: 'player',
    summary: 'Place a bet (bet saga)',
    body: { name: 'BetBody', schema: BetBodySchema },
    success: { status: 200, description: 'the bet saga completed: the bet is on the layout', name: 'BetAnswer', schema: BetAnswerSchema },
    alsoAnswers: [running],
    errors: [404, 409, 422],
  },
  {
    method: 'post', path: '/v1/games/:gameId/commitments', tag: 'fair dice', auth: 'player',
    summary: 'Commit SHA-256(seed) of your own 32-byte seed for the next roll',
    body: { name: 'CommitmentBody', schema: CommitmentBodySchema },
    success: { status: 202, description: 'accepted', name: 'CommitmentAnswer', schema: CommitmentAnswerSchema },
    errors: [404, 409],
  },
  {
    method: 'post', path: '/v1/games/:gameId/reveals', tag: 'fair dice', auth: 'player',
    summary: 'Reveal the seed you committed',
    body: { name: 'RevealBody', schema: RevealBodySchema },
    success: { status: 202, description: 'accepted', name: 'RevealAnswer', schema: RevealAnswerSchema },
    errors: [404, 409],
  },
  {
    method: 'post', path: '/v1/games/:gameId/votes', tag: 'fair dice', auth: 'player',
    summary: 'Sign a quorum table’s round result (Ed25519 over SHA-256 of its canonical JSON)',
    body: { name: 'VoteBody', schema: VoteBodySchema },
    success: { status: 202, description: 'accepted', name: 'VoteAnswer', schema: VoteAnswerSchema },
    errors: [404, 409],
  },
  {
    method: 'post', path: '/v1/games/:gameId/roll', tag: 'play', auth: 'player',
    summary: 'Roll the dice (shooter only; roll and payout saga)',
    success: { status: 200, description: 'the roll and how every bet resolved', name: 'RollAnswer', schema: RollAnswerSchema },
    alsoAnswers: [running],
    errors: [403, 404, 409],
  },
  {
    method: 'post', path: '/v1/games/:gameId/leave', tag: 'play', auth: 'player',
    summary: 'Leave the table and cash the stack out to the wallet (leave saga)',
    success: { status: 200, description: 'the leave saga completed', name: 'LeaveAnswer', schema: LeaveAnswerSchema },
    alsoAnswers: [running],
    errors: [404, 409],
  },
  {
    method: 'post', path: '/v1/games/:gameId/suspend', tag: 'operators', auth: 'admin',
    summary: 'Suspend a game (refuses joins, bets and rolls; stops its clocks)',
    body: { name: 'AdminReasonBody', schema: AdminReasonBodySchema },
    success: { status: 200, description: 'the game', name: 'Game', schema: GameViewSchema },
    errors: [404, 409],
  },
  {
    method: 'post', path: '/v1/games/:gameId/resume', tag: 'operators', auth: 'admin',
    summary: 'Resume a suspended game',
    body: { name: 'AdminReasonBody', schema: AdminReasonBodySchema },
    success: { status: 200, description: 'the game', name: 'Game', schema: GameViewSchema },
    errors: [404, 409],
  },
  {
    method: 'get', path: '/v1/games/:gameId/rolls/:rollIndex/proof', tag: 'fair dice', auth: 'none',
    summary: 'The proof of a roll: commitments, seeds and dice, to recompute',
    success: { status: 200, description: 'the proof (recompute it: DESIGN.md section 6)', name: 'RollProof', schema: RollProofSchema },
    errors: [404],
  },
  {
    method: 'get', path: '/v1/games/:gameId/rounds/current', tag: 'fair dice', auth: 'none',
    summary: 'The next roll’s house commitment SHA-256(houseSeed), published before betting, and the players’ commitments (no seeds)',
    success: { status: 200, description: 'the round open for commitments (or the roll under way)', name: 'CurrentRound', schema: CurrentRoundSchema },
    errors: [404],
  },
  {
    method: 'post', path: '/v1/games/:gameId/rolls/:rollIndex/resolve', tag: 'operators', auth: 'admin',
    summary: 'Resolve a round whose quorum failed: accept the dice its seeds gave (then resume the game)',
    body: { name: 'ResolveRoundBody', schema: ResolveRoundBodySchema },
    success: { status: 200, description: 'the round, resolved', name: 'ResolvedRound', schema: ResolvedRoundSchema },
    errors: [404, 409],
  },
  {
    method: 'get', path: '/v1/games/:gameId/events', tag: 'games', auth: 'player',
    summary: 'Server-Sent Events: the game’s events as they happen',
    success: { status: 200, description: 'an event stream (`event:` the fact, `data:` its JSON)', contentType: 'text/event-stream' },
    errors: [404],
  },
  {
    method: 'get', path: '/v1/sagas/:sagaId', tag: 'sagas', auth: 'player',
    summary: 'A saga: type, status and steps',
    success: { status: 200, description: 'the saga', name: 'Saga', schema: SagaViewSchema },
    errors: [404],
  },
  {
    method: 'get', path: '/v1/stats', tag: 'stats', auth: 'none',
    summary: 'Totals, rates and distributions folded from the event log',
    success: { status: 200, description: 'the figures', name: 'Stats', schema: StatsFiguresSchema },
  },
  {
    method: 'get', path: '/v1/audit', tag: 'operators', auth: 'admin',
    summary: 'Conservation of chips: every term and `balanced`',
    success: { status: 200, description: 'the audit', name: 'Audit', schema: AuditSchema },
  },
  {
    method: 'post', path: '/v1/admin/bankroll/fund', tag: 'operators', auth: 'admin',
    summary: 'Add chips to the house bankroll (once per Idempotency-Key; the audit counts them in bankrollAdditions)',
    body: { name: 'FundBankrollBody', schema: FundBankrollBodySchema },
    success: { status: 200, description: 'the operation and the bankroll after it', name: 'FundBankrollAnswer', schema: FundBankrollAnswerSchema },
    errors: [409],
  },
  {
    method: 'get', path: '/ops', tag: 'operators', auth: 'none',
    summary: 'The operator page: live tables, running and stuck sagas, audit (asks for the admin token)',
    success: { status: 200, description: 'HTML, self-contained', contentType: 'text/html' },
  },
  {
    method: 'get', path: '/v1/ops/state', tag: 'operators', auth: 'admin',
    summary: 'One snapshot of the operator view: open tables, unfinished sagas (stuck after 30 s unchanged), audit',
    success: { status: 200, description: 'the snapshot', name: 'OpsSnapshot', schema: OpsSnapshotSchema },
  },
  {
    method: 'get', path: '/v1/ops/events', tag: 'operators', auth: 'admin',
    summary: 'Server-Sent Events: a `snapshot` (as /v1/ops/state) first and whenever EVT moves (at most every 250 ms), a `heartbeat` every 10 s',
    success: { status: 200, description: 'an event stream', contentType: 'text/event-stream' },
  },
  {
    method: 'get', path: '/health/live', tag: 'operations', auth: 'none',
    summary: 'Liveness', success: { status: 200, description: 'the process is up' },
  },
  {
    method: 'get', path: '/health/ready', tag: 'operations', auth: 'none',
    summary: 'Readiness: NATS and Redis answer', success: { status: 200, description: 'ready (503 when a dependency is down)' },
  },
  {
    method: 'get', path: '/metrics', tag: 'operations', auth: 'none',
    summary: 'Prometheus metrics', success: { status: 200, description: 'the metrics', contentType: 'text/plain' },
  },
  {
    method: 'get', path: '/docs', tag: 'operations', auth: 'none',
    summary: 'This document as a page', success: { status: 200, description: 'HTML', contentType: 'text/html' },
  },
  {
    method: 'get', path: '/docs/openapi.json', tag: 'operations', auth: 'none',
    summary: 'This document (OpenAPI 3.1)', success: { status: 200, description: 'the document', contentType: 'application/json' },
  },
];
