import { request } from 'node:http';
import { existsSync } from 'node:fs';

/**
 * The few container operations the test infrastructure needs, so the harness can be
 * tested without Docker (a fake engine) and testcontainers stays behind one seam.
 */
export interface ContainerEngine {
  /** True when a container engine answers (not merely when its socket exists). */
  available(): Promise<boolean>;
  run(spec: ContainerSpec): Promise<RunningContainer>;
}

/** One server in a container, its port published on a fixed host port of 127.0.0.1. */
export interface ContainerSpec {
  image: string;
  /** The full command line (image entrypoints differ: nats's is nats-server, redis's a shell script). */
  command: string[];
  containerPort: number;
  /** Fixed, so a restart keeps the URL that services under test were given. */
  hostPort: number;
}

export interface RunningContainer {
  /** SIGTERM, then SIGKILL after `timeoutMs` (0: SIGKILL at once). The filesystem stays. */
  stop(opts: { timeoutMs: number }): Promise<void>;
  /** Starts the stopped container again, on the same host port. */
  start(): Promise<void>;
  /** Stops and removes it. */
  remove(): Promise<void>;
}

/**
 * NATS 2.9, as the code must run on (STACK.md: nats-server 2.9.10, no multi-filter
 * consumers, no TTLs), with JetStream storing inside the container, so a restart of the
 * same container keeps the streams as a restart of the binary keeps its -sd directory.
 */
export const NATS_IMAGE = 'nats:2.9.10-alpine';
export const REDIS_IMAGE = 'redis:7-alpine';

export function natsContainerSpec(hostPort: number): ContainerSpec {
  return { image: NATS_IMAGE, command: ['nats-server', '-js', '-p', '4222', '-sd', '/data/nats'], containerPort: 4222, hostPort };
}

/** Redis as the binary path runs it: nothing on disk, so a restart loses every key, as after a crash. */
export function redisContainerSpec(hostPort: number): ContainerSpec {
  return { image: REDIS_IMAGE, command: ['redis-server', '--port', '6379', '--save', '', '--appendonly', 'no'], containerPort: 6379, hostPort };
}

/** Where to ask for a Docker engine: DOCKER_HOST (unix:// or tcp://), else the default socket if it exists. */
export function dockerEndpoint(env: NodeJS.ProcessEnv = process.env, socketExists: (p: string) => boolean = existsSync): { socketPath: string } | { host: string; port: number } | 'unknown' | null {
  const host = env.DOCKER_HOST;
  if (host) {
    if (host.startsWith('unix://')) return { socketPath: host.slice('unix://'.length) };
    if (host.startsWith('tcp://')) {
      const url = new URL(host.replace(/^tcp:/, 'http:'));
      return { host: url.hostname, port: Number(url.port || 2375) };
    }
    return 'unknown'; // ssh://, npipe://: let testcontainers try
  }
  return socketExists('/var/run/docker.sock') ? { socketPath: '/var/run/docker.sock' } : null;
}

/** Asks the engine (`GET /_ping` answers `OK`), bounded by `timeoutMs`. */
export function pingDocker(endpoint: { socketPath: string } | { host: string; port: number }, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ ...endpoint, path: '/_ping', method: 'GET', timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve(res.statusCode === 200 && body.trim() === 'OK'));
      res.on('error', () => resolve(false));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** Whether a Docker engine answers: asked over its socket or TCP endpoint, not guessed from a file. */
export async function dockerAnswers(env: NodeJS.ProcessEnv = process.env, socketExists?: (p: string) => boolean): Promise<boolean> {
  const endpoint = dockerEndpoint(env, socketExists);
  if (endpoint === null) return false;
  if (endpoint === 'unknown') return true;
  return pingDocker(endpoint);
}

/** The engine behind testcontainers (imported only when used: importing it costs about 1 s). */
export const testcontainersEngine: ContainerEngine = {
  available: () => dockerAnswers(),
  async run(spec) {
    const { GenericContainer, getContainerRuntimeClient } = await import('testcontainers');
    const started = await new GenericContainer(spec.image)
      .withEntrypoint([spec.command[0]])
      .withCommand(spec.command.slice(1))
      .withExposedPorts({ container: spec.containerPort, host: spec.hostPort })
      .start();
    const client = await getContainerRuntimeClient();
    const container = client.container.getById(started.getId());
    return {
      stop: ({ timeoutMs }) => client.container.stop(container, { timeout: timeoutMs }),
      start: () => client.container.start(container),
      remove: async () => void (await started.stop()),
    };
  },
};
