import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { natsContainerSpec, redisContainerSpec, testcontainersEngine, type ContainerEngine, type ContainerSpec, type RunningContainer } from './containers';
import { freePort, STANDARD_PORTS, tcpExchange } from './ports';

export type InfraMode = 'binaries' | 'containers' | 'external';

interface Managed {
  /** The host port: fixed for the life of the Infrastructure, across restarts. */
  port: number;
  proc?: ChildProcess;
  /** The container, when running in one (published on `port`). */
  container?: RunningContainer;
}

/** How long a graceful stop waits before SIGKILL, for a binary and a container alike. */
const GRACEFUL_STOP_MS = 5_000;

const natsAnswers = async (port: number) => (await tcpExchange(port, '')).startsWith('INFO');
const redisAnswers = async (port: number) => (await tcpExchange(port, 'PING\r\n')).startsWith('+PONG');

function which(bin: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
}

async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${what} did not come up within ${timeoutMs} ms`);
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}

/**
 * Real NATS JetStream and Redis for tests (DESIGN.md section 13): containers when a
 * Docker engine answers a ping (nats 2.9 and redis on fixed free host ports, so restarts
 * keep the URLs), else `nats-server -js` and `redis-server` from PATH on free ports with
 * a throwaway data directory. `NATS_URL`/`REDIS_URL` (when `external` is
 * allowed) point at servers someone else runs. Never the standard ports.
 */
export class Infrastructure {
  private constructor(
    readonly mode: InfraMode,
    private readonly dir: string,
    private readonly nats: Managed,
    private readonly redis: Managed,
  ) {}

  get natsUrl(): string {
    return `nats://127.0.0.1:${this.nats.port}`;
  }
  get redisUrl(): string {
    return `redis://127.0.0.1:${this.redis.port}`;
  }

  /**
   * Starts the servers. `allowExternal` honours NATS_URL/REDIS_URL (the global setup
   * does; a test that restarts servers wants its own and passes false).
   */
  static async start({ allowExternal = false, engine = testcontainersEngine }: { allowExternal?: boolean; engine?: ContainerEngine } = {}): Promise<Infrastructure> {
    const natsEnv = process.env.NATS_URL;
    const redisEnv = process.env.REDIS_URL;
    if (allowExternal && natsEnv && redisEnv) {
      if (portOf(natsEnv) === STANDARD_PORTS.nats || portOf(redisEnv) === STANDARD_PORTS.redis) {
        throw new Error(`tests never use the shared servers on the standard ports; NATS_URL=${natsEnv} REDIS_URL=${redisEnv}`);
      }
      return new Infrastructure('external', '', { port: portOf(natsEnv) }, { port: portOf(redisEnv) });
    }
    if (await engine.available()) {
      try {
        return await Infrastructure.startContainers(engine);
      } catch (err) {
        // an engine that does not answer: fall back to the binaries
        if (!which('nats-server') || !which('redis-server')) throw err;
      }
    }
    return Infrastructure.startBinaries();
  }

  /**
   * Each server in a container published on a fixed free host port (not a port Docker
   * maps, which a restart would change under the URLs the services were given).
   */
  private static async startContainers(engine: ContainerEngine): Promise<Infrastructure> {
    const run = async (spec: ContainerSpec, answers: (port: number) => Promise<boolean>, what: string) => {
      const container = await engine.run(spec);
      await until(`${what} on ${spec.hostPort}`, () => answers(spec.hostPort));
      return { port: spec.hostPort, container };
    };
    const [nats, redis] = await Promise.allSettled([run(natsContainerSpec(await freePort()), natsAnswers, 'NATS container'), run(redisContainerSpec(await freePort()), redisAnswers, 'Redis container')]);
    if (nats.status === 'rejected' || redis.status === 'rejected') {
      // the one that started must not outlive the failure
      for (const r of [nats, redis]) if (r.status === 'fulfilled') await r.value.container.remove().catch(() => undefined);
      throw (nats.status === 'rejected' ? nats.reason : (redis as PromiseRejectedResult).reason) as Error;
    }
    return new Infrastructure('containers', '', nats.value, redis.value);
  }

  private static async startBinaries(): Promise<Infrastructure> {
    for (const bin of ['nats-server', 'redis-server']) {
      if (!which(bin)) throw new Error(`${bin} is not on PATH: install it (apt-get install -y nats-server redis-server) or set NATS_URL and REDIS_URL`);
    }
    const dir = mkdtempSync(join(tmpdir(), 'bitcraps-test-'));
    const infra = new Infrastructure('binaries', dir, { port: await freePort() }, { port: await freePort() });
    await Promise.all([infra.spawnNats(), infra.spawnRedis()]);
    return infra;
  }

  private async spawnNats(): Promise<void> {
    const { port } = this.nats;
    this.nats.proc = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', join(this.dir, 'nats')], { stdio: 'ignore' });
    await until(`nats-server on ${port}`, () => natsAnswers(port));
  }

  private async spawnRedis(): Promise<void> {
    const { port } = this.redis;
    this.redis.proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir], { stdio: 'ignore' });
    await until(`redis-server on ${port}`, () => redisAnswers(port));
  }

  private async stopProc(m: Managed, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const proc = m.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill(signal);
    const timer = setTimeout(() => proc.kill('SIGKILL'), GRACEFUL_STOP_MS);
    await exited;
    clearTimeout(timer);
  }

  private requireOwned(what: string): void {
    if (this.mode === 'external') throw new Error(`cannot ${what}: the servers are external (NATS_URL/REDIS_URL); start a private Infrastructure`);
  }

  /** A container stopped (SIGKILL at once when `hard`), down for `downMs`, started again on its host port. */
  private async restartContainer(m: Managed, what: string, answers: (port: number) => Promise<boolean>, hard: boolean, downMs: number): Promise<void> {
    await m.container!.stop({ timeoutMs: hard ? 0 : GRACEFUL_STOP_MS });
    if (downMs) await new Promise((r) => setTimeout(r, downMs));
    await m.container!.start();
    await until(`${what} on ${m.port}`, () => answers(m.port));
  }

  /** Stops NATS (SIGTERM, or SIGKILL when `hard`), keeps it down `downMs`, and starts it again on the same port and store. */
  async restartNats({ hard = false, downMs = 0 }: { hard?: boolean; downMs?: number } = {}): Promise<void> {
    this.requireOwned('restart NATS');
    if (this.nats.container) return this.restartContainer(this.nats, 'NATS container', natsAnswers, hard, downMs);
    await this.stopProc(this.nats, hard ? 'SIGKILL' : 'SIGTERM');
    if (downMs) await new Promise((r) => setTimeout(r, downMs));
    await this.spawnNats();
  }

  /** Restarts Redis on the same port; it keeps nothing on disk, so every key is lost, as after a crash. */
  async restartRedis({ hard = false, downMs = 0 }: { hard?: boolean; downMs?: number } = {}): Promise<void> {
    this.requireOwned('restart Redis');
    if (this.redis.container) return this.restartContainer(this.redis, 'Redis container', redisAnswers, hard, downMs);
    await this.stopProc(this.redis, hard ? 'SIGKILL' : 'SIGTERM');
    if (downMs) await new Promise((r) => setTimeout(r, downMs));
    await this.spawnRedis();
  }

  async stop(): Promise<void> {
    if (this.mode === 'external') return;
    await Promise.all([
      this.nats.container?.remove() ?? this.stopProc(this.nats),
      this.redis.container?.remove() ?? this.stopProc(this.redis),
    ]);
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}
