import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { dockerAnswers, dockerEndpoint, NATS_IMAGE, natsContainerSpec, pingDocker, redisContainerSpec, type ContainerEngine, type ContainerSpec, type RunningContainer } from './containers';
import { Infrastructure } from './infrastructure';
import { tcpExchange } from './ports';

/** A fake Docker API on a unix socket: `/_ping` answers `status` with `body`. */
async function fakeDocker(status: number, body: string): Promise<{ socketPath: string; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'fake-docker-'));
  const socketPath = join(dir, 'docker.sock');
  const server: Server = createServer((req, res) => res.writeHead(req.url === '/_ping' ? status : 404).end(body));
  await new Promise<void>((r) => server.listen(socketPath, r));
  const close = async () => {
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  };
  return { socketPath, close };
}

/**
 * An engine whose "containers" are the binaries run on the spec's host port, each with a
 * data directory that outlives stop/start as a container's filesystem does. It records
 * what the harness asked of it.
 */
class BinaryEngine implements ContainerEngine {
  readonly calls: string[] = [];
  readonly dirs: string[] = [];
  constructor(
    private readonly answers = true,
    private readonly failRun = false,
  ) {}
  async available() {
    return this.answers;
  }
  async run(spec: ContainerSpec): Promise<RunningContainer> {
    this.calls.push(`run ${spec.image} ${spec.hostPort}`);
    if (this.failRun) throw new Error('Could not find a working container runtime strategy');
    const dir = mkdtempSync(join(tmpdir(), 'fake-container-'));
    this.dirs.push(dir);
    const isNats = spec.image === NATS_IMAGE;
    const args = isNats ? ['-js', '-a', '127.0.0.1', '-p', String(spec.hostPort), '-sd', dir] : ['--port', String(spec.hostPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
    let proc: ChildProcess | undefined;
    const boot = () => {
      proc = spawn(isNats ? 'nats-server' : 'redis-server', args, { stdio: 'ignore' });
    };
    const halt = async (signal: NodeJS.Signals) => {
      const p = proc;
      if (!p || p.exitCode !== null || p.signalCode !== null) return;
      const exited = new Promise((r) => p.once('exit', r));
      p.kill(signal);
      await exited;
    };
    boot();
    const name = isNats ? 'nats' : 'redis';
    return {
      stop: async ({ timeoutMs }) => {
        this.calls.push(`stop ${name} ${timeoutMs}`);
        await halt(timeoutMs === 0 ? 'SIGKILL' : 'SIGTERM');
      },
      start: async () => {
        this.calls.push(`start ${name}`);
        boot();
      },
      remove: async () => {
        this.calls.push(`remove ${name}`);
        await halt('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}

describe('container engine detection', () => {
  it('reads DOCKER_HOST (unix, tcp, other) and otherwise the default socket only if it exists', () => {
    expect(dockerEndpoint({ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' })).toEqual({ socketPath: '/run/user/1000/docker.sock' });
    expect(dockerEndpoint({ DOCKER_HOST: 'tcp://10.0.0.5:2376' })).toEqual({ host: '10.0.0.5', port: 2376 });
    expect(dockerEndpoint({ DOCKER_HOST: 'ssh://me@box' })).toBe('unknown');
    expect(dockerEndpoint({}, () => true)).toEqual({ socketPath: '/var/run/docker.sock' });
    expect(dockerEndpoint({}, () => false)).toBeNull();
  });

  it('asks the engine: an answering socket counts, one that errs or is missing does not', async () => {
    const ok = await fakeDocker(200, 'OK');
    const broken = await fakeDocker(500, 'daemon is shutting down');
    try {
      expect(await pingDocker({ socketPath: ok.socketPath })).toBe(true);
      expect(await dockerAnswers({ DOCKER_HOST: `unix://${ok.socketPath}` })).toBe(true);
      expect(await pingDocker({ socketPath: broken.socketPath })).toBe(false);
      expect(await pingDocker({ socketPath: join(tmpdir(), 'no-such-docker.sock') })).toBe(false);
      // a socket file that exists is not enough: nothing listens on this one
      expect(await dockerAnswers({ DOCKER_HOST: `unix://${join(tmpdir(), 'no-such-docker.sock')}` })).toBe(false);
      expect(await dockerAnswers({}, () => false)).toBe(false);
    } finally {
      await ok.close();
      await broken.close();
    }
  });
});

describe('container specs', () => {
  it('NATS is 2.9 (the server the code must run on) with JetStream; Redis keeps nothing on disk, like the binaries', () => {
    const nats = natsContainerSpec(40001);
    expect(nats.image).toMatch(/^nats:2\.9\./);
    expect(nats.command).toEqual(expect.arrayContaining(['nats-server', '-js']));
    expect(nats).toMatchObject({ containerPort: 4222, hostPort: 40001 });
    const redis = redisContainerSpec(40002);
    expect(redis.command.slice(redis.command.indexOf('--save'))).toEqual(['--save', '', '--appendonly', 'no']);
    expect(redis).toMatchObject({ containerPort: 6379, hostPort: 40002 });
  });
});

describe('Infrastructure on a container engine', () => {
  it('publishes on fixed host ports, and restarts keep the URLs: NATS keeps its streams, Redis loses its keys', async () => {
    const engine = new BinaryEngine();
    const infra = await Infrastructure.start({ engine });
    try {
      expect(infra.mode).toBe('containers');
      const natsPort = Number(new URL(infra.natsUrl).port);
      const redisPort = Number(new URL(infra.redisUrl).port);
      expect(engine.calls.sort()).toEqual([`run ${NATS_IMAGE} ${natsPort}`, `run redis:7-alpine ${redisPort}`].sort());

      let nc = await connect({ servers: infra.natsUrl });
      await (await jetstreamManager(nc)).streams.add({ name: 'KEEP', subjects: ['keep.>'] });
      await nc.close();
      expect(await tcpExchange(redisPort, 'SET k v\r\n')).toBe('+OK\r\n');

      engine.calls.length = 0;
      await infra.restartNats({ hard: true, downMs: 50 });
      await infra.restartRedis();
      expect(engine.calls).toEqual(['stop nats 0', 'start nats', 'stop redis 5000', 'start redis']);

      expect(infra.natsUrl).toBe(`nats://127.0.0.1:${natsPort}`);
      expect(infra.redisUrl).toBe(`redis://127.0.0.1:${redisPort}`);
      nc = await connect({ servers: infra.natsUrl });
      expect((await (await jetstreamManager(nc)).streams.info('KEEP')).config.name).toBe('KEEP');
      await nc.close();
      expect(await tcpExchange(redisPort, 'GET k\r\n')).toBe('$-1\r\n');
    } finally {
      await infra.stop();
    }
    expect(engine.calls.slice(-2).sort()).toEqual(['remove nats', 'remove redis']);
  });

  it('an engine that does not answer is not used; one that fails to run falls back to the binaries', async () => {
    const silent = new BinaryEngine(false);
    const a = await Infrastructure.start({ engine: silent });
    await a.stop();
    expect(a.mode).toBe('binaries');
    expect(silent.calls).toEqual([]);

    const failing = new BinaryEngine(true, true);
    const b = await Infrastructure.start({ engine: failing });
    await b.stop();
    expect(b.mode).toBe('binaries');
    expect(failing.calls.length).toBeGreaterThan(0);
  });
});
