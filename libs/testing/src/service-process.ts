import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

async function ready(url: string, timeoutMs: number, proc: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      throw new Error(`service exited (${proc.exitCode ?? proc.signalCode}) before it was ready:\n${output()}`);
    }
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`service not ready at ${url} within ${timeoutMs} ms:\n${output()}`);
}

/**
 * A service run as a child process from its TypeScript sources, as in production but
 * without a build: SIGKILL it, restart it, read what it printed.
 */
export class ServiceProcess {
  private proc?: ChildProcess;
  private out = '';

  constructor(
    readonly app: string,
    readonly httpPort: number,
    private readonly env: Record<string, string>,
    /** Node flags before the script, such as `--cpu-prof` (which NODE_OPTIONS refuses). */
    private readonly nodeArgs: readonly string[] = [],
  ) {}

  get pid(): number | undefined {
    return this.proc?.pid;
  }
  get output(): string {
    return this.out;
  }
  /** Started and not exited. */
  get running(): boolean {
    return !!this.proc && this.proc.exitCode === null && this.proc.signalCode === null;
  }
  get baseUrl(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  async start(timeoutMs = 60_000): Promise<this> {
    this.out = '';
    const main = join(ROOT, 'apps', this.app, 'src', 'main.ts');
    this.proc = spawn(process.execPath, [...this.nodeArgs, '-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', main], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'warn', ...this.env, HTTP_PORT: String(this.httpPort), TS_NODE_PROJECT: join(ROOT, 'tsconfig.json') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (d: Buffer) => {
      this.out = (this.out + d.toString()).slice(-20_000);
    };
    this.proc.stdout!.on('data', keep);
    this.proc.stderr!.on('data', keep);
    await ready(`${this.baseUrl}/health/ready`, timeoutMs, this.proc, () => this.out);
    return this;
  }

  /** Sends a signal and waits for the process to exit. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return proc?.exitCode ?? null;
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    proc.kill(signal);
    return exited;
  }

  async restart(signal: NodeJS.Signals = 'SIGKILL'): Promise<this> {
    await this.kill(signal);
    return this.start();
  }
}

/** A service run inside the test's process, for speed; restart means close and create again. */
export class InProcessService<T extends { close(): Promise<void> }> {
  private instance?: T;
  constructor(private readonly create: () => Promise<T>) {}
  async start(): Promise<T> {
    this.instance = await this.create();
    return this.instance;
  }
  get app(): T {
    if (!this.instance) throw new Error('service not started');
    return this.instance;
  }
  async stop(): Promise<void> {
    await this.instance?.close();
    this.instance = undefined;
  }
  async restart(): Promise<T> {
    await this.stop();
    return this.start();
  }
}
