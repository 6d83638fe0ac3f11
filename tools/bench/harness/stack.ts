import { readFileSync, readdirSync } from 'node:fs';
import { freePort, Infrastructure, ServiceProcess } from '@bitcraps/testing';

/** The seven services, in the order they are started (the gateway last: it needs the others). */
export const SERVICES = ['player', 'lifecycle', 'treasury', 'consensus', 'stats', 'orchestrator', 'gateway'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** Operator token of the gateways this harness starts (the audit endpoint needs one). */
export const ADMIN_TOKEN = 'bench-and-chaos-admin-token-0123456789abcdef';

export interface StackOptions {
  /** Processes per service (chaos runs two of each). */
  replicas: number;
  /** Environment of every service process. */
  env?: Record<string, string>;
  /** Extra environment per service. */
  perService?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Node flags per service (e.g. `--cpu-prof`). */
  nodeArgs?: Partial<Record<ServiceName, string[]>>;
  /** Progress lines. */
  log?: (line: string) => void;
  /** How long one process may take to answer /health/ready. */
  startTimeoutMs?: number;
}

/** Processes compiled and booted at once: more only makes them fight over the cores. */
const START_PARALLELISM = Number(process.env.BENCH_START_PARALLELISM ?? 3);

/** Runs `fn` over `items`, at most `limit` at a time. */
export async function inParallel<T>(items: T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** One running replica of one service. */
export interface Replica {
  service: ServiceName;
  index: number;
  proc: ServiceProcess;
}

/** Ports handed out by this process: freePort() alone may hand the same port out twice. */
const handedOut = new Set<number>();

async function uniqueFreePort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

/** Whether a process runs (signal 0 only checks). */
export function isAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A private NATS + Redis and every service as child processes (from their TypeScript
 * sources, as `ServiceProcess` runs them), each replica on its own HTTP port. Nothing
 * listens anywhere but 127.0.0.1.
 */
export class Stack {
  private constructor(
    readonly infra: Infrastructure,
    readonly replicas: Replica[],
  ) {}

  static async start(opts: StackOptions): Promise<Stack> {
    const log = opts.log ?? (() => undefined);
    const infra = await Infrastructure.start();
    log(`NATS ${infra.natsUrl}, Redis ${infra.redisUrl} (${infra.mode})`);
    const base: Record<string, string> = {
      NODE_ENV: 'development',
      NATS_URL: infra.natsUrl,
      REDIS_URL: infra.redisUrl,
      HTTP_HOST: '127.0.0.1',
      GATEWAY_PORT: '',
      LOG_LEVEL: 'warn',
      ADMIN_TOKEN,
      ...opts.env,
    };
    const replicas: Replica[] = [];
    for (const service of SERVICES) {
      for (let index = 0; index < opts.replicas; index++) {
        replicas.push({ service, index, proc: new ServiceProcess(service, await uniqueFreePort(), { ...base, ...(opts.perService?.[service] ?? {}) }, opts.nodeArgs?.[service]) });
      }
    }
    const stack = new Stack(infra, replicas);
    try {
      // the domain services first (they create the streams and buckets), in parallel; the gateways after them
      const started = Date.now();
      const timeout = opts.startTimeoutMs ?? 180_000;
      await inParallel(replicas.filter((r) => r.service !== 'gateway'), START_PARALLELISM, (r) => r.proc.start(timeout));
      await inParallel(replicas.filter((r) => r.service === 'gateway'), START_PARALLELISM, (r) => r.proc.start(timeout));
      // a process that lost its port to another one may look ready through that other one's answers
      await new Promise((r) => setTimeout(r, 500));
      const dead = replicas.filter((r) => !isAlive(r.proc.pid));
      if (dead.length) throw new Error(`exited right after start: ${dead.map((r) => `${r.service}#${r.index}:\n${r.proc.output.slice(-2_000)}`).join('\n')}`);
      log(`${replicas.length} service processes ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } catch (err) {
      await stack.stop();
      throw err;
    }
    return stack;
  }

  /** Base URLs of the gateway replicas. */
  get gateways(): string[] {
    return this.replicas.filter((r) => r.service === 'gateway').map((r) => r.proc.baseUrl);
  }

  of(service: ServiceName): Replica[] {
    return this.replicas.filter((r) => r.service === service);
  }

  /** Stops every service (SIGTERM, so a profiled process writes its profile), then NATS and Redis. */
  async stop(): Promise<void> {
    await Promise.all(this.replicas.map((r) => r.proc.kill('SIGTERM').catch(() => undefined)));
    await this.infra.stop();
  }
}

/** Resident memory of a process in bytes (VmRSS of /proc/<pid>/status), or null when it is gone. */
export function rssBytes(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat, or null. */
export function cpuSeconds(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name may hold spaces: fields start after the last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** The pid of the process whose command line holds `binary` and `port` (nats-server, redis-server of this run). */
export function findServerPid(binary: string, port: number): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (args[0]?.endsWith(binary) && args.includes(String(port))) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

/** Machine-wide CPU time in seconds from /proc/stat: busy (all but idle and iowait) and steal, over every core. */
export function machineCpu(): { busy: number; steal: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line;
  const busy = user + nice + system + irq + softirq;
  return { busy: busy / CLOCK_TICKS, steal: steal / CLOCK_TICKS, total: (busy + idle + iowait + steal) / CLOCK_TICKS };
}

/** The 1-minute load average. */
export function loadAverage(): number {
  return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
}
