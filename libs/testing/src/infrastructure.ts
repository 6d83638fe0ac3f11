import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, STANDARD_PORTS, tcpExchange } from './ports';

export type InfraMode = 'binaries' | 'containers' | 'external';

interface Managed {
  port: number;
  proc?: ChildProcess;
  /** testcontainers handle, when running in a container */
  container?: { stop(): Promise<unknown>; restart(): Promise<unknown>; getMappedPort(p: number): number };
}

function hasDockerEngine(): boolean {
  return Boolean(process.env.DOCKER_HOST) || existsSync('/var/run/docker.sock');
}

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
 * Docker engine answers, else `nats-server -js` and `redis-server` from PATH on free
 * ports with a throwaway data directory. `NATS_URL`/`REDIS_URL` (when `external` is
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
  static async start({ allowExternal = false }: { allowExternal?: boolean } = {}): Promise<Infrastructure> {
    const natsEnv = process.env.NATS_URL;
    const redisEnv = process.env.REDIS_URL;
    if (allowExternal && natsEnv && redisEnv) {
      if (portOf(natsEnv) === STANDARD_PORTS.nats || portOf(redisEnv) === STANDARD_PORTS.redis) {
        throw new Error(`tests never use the shared servers on the standard ports; NATS_URL=${natsEnv} REDIS_URL=${redisEnv}`);
      }
      return new Infrastructure('external', '', { port: portOf(natsEnv) }, { port: portOf(redisEnv) });
    }
    if (hasDockerEngine()) {
      try {
        return await Infrastructure.startContainers();
      } catch (err) {
        // an engine that does not answer: fall back to the binaries
        if (!which('nats-server') || !which('redis-server')) throw err;
      }
    }
    return Infrastructure.startBinaries();
  }

  private static async startContainers(): Promise<Infrastructure> {
    const { GenericContainer, Wait } = await import('testcontainers');
    const nats = await new GenericContainer('nats:2.9-alpine').withCommand(['-js']).withExposedPorts(4222).withWaitStrategy(Wait.forLogMessage(/Server is ready/)).start();
    const redis = await new GenericContainer('redis:7-alpine').withExposedPorts(6379).start();
    return new Infrastructure('containers', '', { port: nats.getMappedPort(4222), container: nats }, { port: redis.getMappedPort(6379), container: redis });
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
    await until(`nats-server on ${port}`, async () => (await tcpExchange(port, '')).startsWith('INFO'));
  }

  private async spawnRedis(): Promise<void> {
    const { port } = this.redis;
    this.redis.proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir], { stdio: 'ignore' });
    await until(`redis-server on ${port}`, async () => (await tcpExchange(port, 'PING\r\n')).startsWith('+PONG'));
  }

  private async stopProc(m: Managed, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const proc = m.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill(signal);
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }

  private requireOwned(what: string): void {
    if (this.mode === 'external') throw new Error(`cannot ${what}: the servers are external (NATS_URL/REDIS_URL); start a private Infrastructure`);
  }

  /** Stops NATS (SIGTERM, or SIGKILL when `hard`) and starts it again on the same port and store. */
  async restartNats({ hard = false, downMs = 0 }: { hard?: boolean; downMs?: number } = {}): Promise<void> {
    this.requireOwned('restart NATS');
    if (this.nats.container) return void (await this.nats.container.restart());
    await this.stopProc(this.nats, hard ? 'SIGKILL' : 'SIGTERM');
    if (downMs) await new Promise((r) => setTimeout(r, downMs));
    await this.spawnNats();
  }

  /** Restarts Redis; it keeps nothing on disk, so every key is lost, as after a crash. */
  async restartRedis({ hard = false }: { hard?: boolean } = {}): Promise<void> {
    this.requireOwned('restart Redis');
    if (this.redis.container) return void (await this.redis.container.restart());
    await this.stopProc(this.redis, hard ? 'SIGKILL' : 'SIGTERM');
    await this.spawnRedis();
  }

  async stop(): Promise<void> {
    if (this.mode === 'external') return;
    await Promise.all([
      this.nats.container?.stop() ?? this.stopProc(this.nats),
      this.redis.container?.stop() ?? this.stopProc(this.redis),
    ]);
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}
