/**
 * `npm run chaos`: the failure model of DESIGN.md section 12, as a program.
 *
 * Starts NATS, Redis and TWO replicas of every service (child processes, each on its
 * own port), drives a seeded mixed workload through both gateways (registrations,
 * joins, bets of several types, rolls by the shooter, leaves, tables left to expire),
 * and meanwhile SIGKILLs random service processes and starts them again, restarts NATS
 * and restarts Redis (losing its data). Then it waits for quiescence and checks:
 * every saga terminal, the audit balanced to the chip, no ledger movement applied
 * twice, every accepted bet resolved or refunded or still on an open layout, every
 * answer consistent with the final state, no chip stranded, wallets agreeing with the
 * treasury. Prints what it did and found; exit code 1 on any violation.
 */
import { randomInt } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { settledAudit, type Audit } from '../bench/harness/audit';
import { parseArgs, usage, UsageError, type OptionSpec } from '../bench/harness/args';
import { HttpClient } from '../bench/harness/http';
import { counts, fmt, section, table } from '../bench/harness/report';
import { ADMIN_TOKEN, SERVICES, Stack } from '../bench/harness/stack';
import { runChecks, type CheckResult } from './checks';
import { collectFinalState, pendingWork } from './collect';
import { FaultInjector, planFaults } from './faults';
import { ProcessLogs } from './logs';
import { Prng } from './prng';
import { EXPECTED_CODES, Workload } from './workload';

const OPTIONS = {
  minutes: { type: 'number', default: 5, min: 0.1, help: 'length of the workload under faults' },
  seconds: { type: 'number', min: 5, help: 'length in seconds instead (short runs, tests)' },
  seed: { type: 'string', help: 'seed of the workload and the fault plan (default: random, printed)' },
  replicas: { type: 'number', default: 2, min: 1, help: 'processes per service' },
  clients: { type: 'number', default: 12, min: 1, help: 'concurrent clients (half on each gateway)' },
  players: { type: 'number', default: 3, min: 1, help: 'players per client' },
  tables: { type: 'number', default: 10, min: 1, help: 'shared tables (8 seats)' },
  'ephemeral-tables': { type: 'number', default: 2, min: 0, help: 'tables played early, then left to expire (10 s inactivity timeout)' },
  'fault-every': { type: 'number', default: 6, min: 0.5, help: 'mean seconds between process kills' },
  'nats-restarts': { type: 'number', min: 0, help: 'NATS restarts (default: one per 2 minutes, at least 1)' },
  'redis-restarts': { type: 'number', min: 0, help: 'Redis restarts (default: one per 2 minutes, at least 1)' },
  'quiesce-timeout': { type: 'number', default: 180, min: 10, help: 'seconds to wait for quiescence after the faults' },
} satisfies Record<string, OptionSpec>;

const SUMMARY = [
  'Chaos run of the whole stack (issue 9): two replicas of every service, a seeded workload through',
  'the gateways, SIGKILLs, NATS and Redis restarts; then the invariants are checked. Exit 1 on any violation.',
].join('\n');

const EPHEMERAL_TIMEOUT_MS = 10_000;
const started = Date.now();
const say = (line: string) => process.stdout.write(`[chaos +${fmt((Date.now() - started) / 1000, 0).padStart(4)}s] ${line}\n`);

async function main(): Promise<number> {
  let opts;
  try {
    opts = parseArgs(OPTIONS, process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n\n${usage('npm run chaos --', SUMMARY, OPTIONS)}\n`);
      return 2;
    }
    throw err;
  }
  if (opts.help) {
    process.stdout.write(`${usage('npm run chaos --', SUMMARY, OPTIONS)}\n`);
    return 0;
  }
  const durationMs = Math.round((opts.seconds ?? opts.minutes! * 60) * 1000);
  const seed = opts.seed ?? String(randomInt(1, 2 ** 31));
  const rng = new Prng(seed);
  const perTwoMinutes = Math.max(1, Math.round(durationMs / 120_000));
  say(`seed ${seed} (repeat the same choices with --seed ${seed}); workload ${fmt(durationMs / 1000)} s`);

  say(`starting NATS, Redis and ${opts.replicas} replica(s) of each service…`);
  const stack = await Stack.start({ replicas: opts.replicas!, log: say, env: { RATE_LIMITS: 'off', REQUEST_TIMEOUT_MS: '10000' } });
  const workload = new Workload(rng.fork('workload'), {
    gateways: stack.gateways,
    clients: opts.clients!,
    playersPerClient: opts.players!,
    tables: opts.tables!,
    ephemeralTables: opts['ephemeral-tables']!,
    ephemeralTimeoutMs: EPHEMERAL_TIMEOUT_MS,
    say,
  });
  const logs = new ProcessLogs(seed);
  const injector = new FaultInjector(stack, say, logs);
  const reports: string[] = [];
  let failed = false;
  let summary: Record<string, unknown> = { seed, broke: true };
  try {
    await workload.setup();
    say(`${workload.tokens.size} players, ${workload.games.size} tables; faults start`);
    const plan = planFaults(rng.fork('faults'), {
      durationMs,
      everyMs: opts['fault-every']! * 1000,
      services: SERVICES,
      replicas: opts.replicas!,
      natsRestarts: opts['nats-restarts'] ?? perTwoMinutes,
      redisRestarts: opts['redis-restarts'] ?? perTwoMinutes,
    });
    const t0 = Date.now();
    injector.start(plan, t0);
    const ephemeralForMs = Math.round(durationMs * 0.4);
    await workload.run(durationMs, ephemeralForMs);
    const idleSince = t0 + ephemeralForMs;
    say('workload done; waiting for every killed process to be back');
    await injector.stop();

    const api = new HttpClient(stack.gateways[0]!, { timeoutMs: 20_000 });
    try {
      const quiet = await quiesce(stack, api, workload, opts['quiesce-timeout']! * 1000);
      say(`collecting the final state (sagas, LEDGER, games, wallets)…`);
      const state = await collectFinalState(stack.infra.natsUrl, api, workload.answers, workload.tokens, workload.games);
      state.audit = quiet.audit;
      const checks: CheckResult[] = runChecks({
        answers: workload.answers,
        state,
        idleGames: [...workload.ephemeral].map((gameId) => ({ gameId, idleSinceMs: idleSince, timeoutMs: EPHEMERAL_TIMEOUT_MS })),
        now: Date.now(),
        graceMs: 60_000,
      });
      checks.unshift({
        check: 'quiescence reached',
        checked: 1,
        violations: quiet.settled ? [] : [{ check: 'quiescence reached', detail: `not within ${opts['quiesce-timeout']} s: ${quiet.why}` }],
      });
      const outside = answersOutsideContract(workload);
      checks.push({
        check: 'writes answered within the contract',
        checked: outside.checked,
        violations: outside.writes.map((detail) => ({ check: 'writes answered within the contract', detail })),
      });
      checks.push({
        check: 'no service crashed on its own',
        checked: stack.replicas.length,
        violations: injector.log.crashes.map((c) => ({ check: 'no service crashed on its own', detail: `${c.replica} died without a fault; its last output: ${c.output.split('\n').filter(Boolean).slice(-3).join(' | ').slice(0, 600)}` })),
      });
      if (state.unreadableLedger.length) checks.push({ check: 'LEDGER readable', checked: state.ledger.length, violations: [{ check: 'LEDGER readable', detail: `messages that are no ledger entry at ${state.unreadableLedger.join(', ')}` }] });

      reports.push(whatItDid(workload, injector, state.sagas.length, state.ledger.length, durationMs, seed));
      if (outside.reads.length) reports.push(section('reads answered outside the contract (not an invariant violation; DESIGN.md 8 wants 503 while a dependency is down)', outside.reads.join('\n')));
      reports.push(section('checks', table(['check', 'looked at', 'violations', 'not checked'], checks.map((c) => [c.check, c.checked, c.violations.length, c.skipped ?? '']))));
      const violations = checks.flatMap((c) => c.violations);
      summary = {
        seed,
        violations: violations.length,
        checks: Object.fromEntries(checks.map((c) => [c.check, c.violations.length])),
        kills: Object.values(injector.log.kills).reduce((a, b) => a + b, 0),
        readsOutsideContract: outside.reads.length,
        natsRestarts: injector.log.natsRestarts,
        redisRestarts: injector.log.redisRestarts,
        sagas: state.sagas.length,
        answers: workload.answers.length,
      };
      if (violations.length) {
        failed = true;
        const shown = checks.flatMap((c) => c.violations.slice(0, 15).map((v) => `- [${v.check}] ${v.detail}`));
        reports.push(section(`violations: ${violations.length}`, shown.join('\n')));
      }
      if (state.audit) reports.push(section('audit', table(['term', 'chips'], auditTerms(state.audit))));
      reports.push(section('fault timeline', injector.log.timeline.join('\n') || 'no fault'));
    } finally {
      api.close();
    }
  } catch (err) {
    failed = true;
    reports.push(section('the run broke off', (err as Error).stack ?? String(err)));
  } finally {
    workload.close();
    await injector.stop().catch(() => undefined);
    for (const r of stack.replicas) logs.save(r, 'end of the run');
    reports.push(section('service errors', `${errorSummary(stack, logs)}\nevery process's output: ${logs.dir}`));
    say('stopping the stack');
    await stack.stop();
  }
  process.stdout.write(`${reports.join('\n')}\n`);
  // one line for programs (the CI test reads it)
  process.stdout.write(`\nchaos result ${JSON.stringify(summary)}\n`);
  process.stdout.write(`chaos ${failed ? 'FAILED' : 'OK'}: seed ${seed}, violations: ${failed ? 'see above' : 0}\n`);
  return failed ? 1 : 0;
}

/**
 * Quiet means: no saga unfinished, the audit balanced, no command or event waiting for
 * a consumer, and every ephemeral table expired (or the deadline passed).
 */
async function quiesce(stack: Stack, api: HttpClient, workload: Workload, timeoutMs: number): Promise<{ settled: boolean; audit: Audit | null; why: string }> {
  const deadline = Date.now() + timeoutMs;
  let why = '';
  let lastSaid = 0;
  for (;;) {
    const left = deadline - Date.now();
    const audit = await settledAudit(api, ADMIN_TOKEN, Math.max(0, left));
    const pending = await pendingWork(stack.infra.natsUrl).catch((err) => ({ total: -1, detail: [(err as Error).message] }));
    const open: string[] = [];
    for (const gameId of workload.ephemeral) {
      const g = await api.get(`/v1/games/${gameId}`, { token: workload.tokens.values().next().value });
      if (g.status === 200 && g.body.status !== 'closed') open.push(gameId);
    }
    why = [
      audit.settled ? '' : `audit: ${audit.audit ? `unfinished sagas ${audit.audit.unfinishedSagas}, in flight ${audit.audit.inFlight}, balanced ${audit.audit.balanced}` : 'no answer'}`,
      pending.total === 0 ? '' : `waiting messages: ${pending.detail.join('; ')}`,
      open.length ? `${open.length} ephemeral tables not expired yet` : '',
    ].filter(Boolean).join('; ');
    if (audit.settled && pending.total === 0 && open.length === 0) {
      say(`quiet after ${fmt((Date.now() - (deadline - timeoutMs)) / 1000, 1)} s`);
      return { settled: true, audit: audit.audit, why };
    }
    if (Date.now() >= deadline) return { settled: false, audit: audit.audit, why };
    if (Date.now() - lastSaid > 5_000) {
      lastSaid = Date.now();
      say(`not quiet yet: ${why}`);
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

function whatItDid(w: Workload, injector: FaultInjector, sagas: number, ledger: number, durationMs: number, seed: string): string {
  const byKind = w.recorder.byKind();
  const finals: Record<string, Record<string, number>> = {};
  for (const a of w.answers) {
    const label = a.status === 0 ? 'no answer' : a.code ? `${a.status} ${a.code}` : String(a.status);
    finals[a.kind] = { ...(finals[a.kind] ?? {}), [label]: ((finals[a.kind] ?? {})[label] ?? 0) + 1 };
  }
  const log = injector.log;
  const faults = table(
    ['service', 'SIGKILLs', 'restarts'],
    SERVICES.map((s) => [s, log.kills[s] ?? 0, log.restarts[s] ?? 0]),
  );
  return [
    section('what it did', `seed ${seed}; ${fmt(durationMs / 1000)} s of workload; ${w.tokens.size} players; ${w.games.size} tables (${w.ephemeral.size} left to expire); ${fmt(sagas)} sagas stored; ${fmt(ledger)} LEDGER entries`),
    section('requests by outcome (every attempt)', table(['request', 'outcomes'], Object.entries(byKind).map(([k, v]) => [k, counts(v)]))),
    section('final answers (after retries with the same Idempotency-Key)', table(['request', 'outcomes'], Object.entries(finals).map(([k, v]) => [k, counts(v)]))),
    section(
      'an example of each refusal',
      [...w.recorder.examples.entries()]
        .filter(([label]) => !/ (net|202)/.test(label))
        .map(([label, body]) => `${label}: ${JSON.stringify((body as any)?.error?.message ?? body).slice(0, 160)}`)
        .join('\n') || 'none',
    ),
    section(
      'faults',
      `${faults}\nNATS restarts: ${log.natsRestarts}; Redis restarts: ${log.redisRestarts}${log.failedStarts.length ? `\nstarts that failed: ${log.failedStarts.map((f) => `${f.replica}: ${f.error}`).join('; ')}` : ''}${injector.downReplicas.length ? `\nstill down: ${injector.downReplicas.join(', ')}` : ''}`,
    ),
  ].join('\n');
}

/**
 * Answers no client should get: a status other than 2xx, an expected refusal, a 503 or
 * no answer at all. On writes they are violations (a 500 is a saga that failed or a
 * bug); on reads (GET game) they are reported apart.
 */
function answersOutsideContract(w: Workload): { checked: number; writes: string[]; reads: string[] } {
  const writes: string[] = [];
  const reads: string[] = [];
  let checked = 0;
  for (const [kind, labels] of Object.entries(w.recorder.byKind())) {
    for (const [label, n] of Object.entries(labels)) {
      checked += n;
      const [status, code] = label.split(' ');
      if (status === 'net' || /^2\d\d$/.test(status!) || (code && EXPECTED_CODES.has(code))) continue;
      const example = JSON.stringify(w.recorder.examples.get(`${kind} ${label}`) ?? null).slice(0, 300);
      (kind === 'get-game' ? reads : writes).push(`${kind}: ${label} ×${n}, e.g. ${example}`);
    }
  }
  return { checked, writes, reads };
}

function auditTerms(a: Audit): Array<[string, number | string]> {
  return Object.entries(a).map(([k, v]) => [k, typeof v === 'number' ? v : String(v)]);
}

/** Per replica, how many error lines it printed over the whole run, with the last few. */
function errorSummary(stack: Stack, logs: ProcessLogs): string {
  const rows: string[] = [];
  for (const r of stack.replicas) {
    const file = join(logs.dir, `${r.service}-${r.index}.log`);
    const lines = existsSync(file) ? ProcessLogs.errorLines(readFileSync(file, 'utf8')) : [];
    if (!lines.length) continue;
    const last = lines.slice(-3).map((l) => `    ${describeLogLine(l)}`);
    rows.push(`${r.service}#${r.index}: ${lines.length} error line(s), the last:\n${last.join('\n')}`);
  }
  return rows.join('\n') || 'none';
}

/** A pino line, shortened to its time, context and message. */
function describeLogLine(line: string): string {
  try {
    const j = JSON.parse(line) as { time?: string; context?: string; msg?: string; err?: { message?: string } };
    return `${j.time?.slice(11, 23) ?? ''} ${j.context ?? ''}: ${(j.err?.message ?? j.msg ?? '').slice(0, 300)}`;
  } catch {
    return line.slice(0, 300);
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`chaos failed: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
