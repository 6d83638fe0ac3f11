import { spawn } from 'node:child_process';
import { join } from 'node:path';

/**
 * The two-minute chaos run of CI (issue 9): two replicas of every service, 120 s of
 * seeded workload with a kill every ~8 s, one NATS and one Redis restart. The program's own checks decide; this test asserts its exit code and that
 * its report shows every check with zero violations.
 */
const ROOT = join(__dirname, '..', '..');
const ARGS = ['--seconds', '120', '--seed', 'ci-1', '--clients', '8', '--fault-every', '8', '--nats-restarts', '1', '--redis-restarts', '1', '--quiesce-timeout', '90'];

function runChaos(): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', join(__dirname, 'main.ts'), ...ARGS], {
      cwd: ROOT,
      env: { ...process.env, TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'), NATS_URL: '', REDIS_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, out }));
  });
}

describe('npm run chaos (short)', () => {
  it('kills processes, restarts NATS and Redis under load, and finds no violation', async () => {
    const { code, out } = await runChaos();
    if (code !== 0) process.stdout.write(out);
    expect(code).toBe(0);
    expect(out).toMatch(/chaos OK: seed ci-1, violations: 0/);
    const line = /^chaos result (.*)$/m.exec(out);
    expect(line).not.toBeNull();
    const result = JSON.parse(line![1]!) as { violations: number; checks: Record<string, number>; kills: number; natsRestarts: number; redisRestarts: number; sagas: number };
    expect(result.violations).toBe(0);
    expect(Object.keys(result.checks).length).toBeGreaterThanOrEqual(9);
    for (const [check, n] of Object.entries(result.checks)) expect({ check, violations: n }).toEqual({ check, violations: 0 });
    expect(result).toMatchObject({ natsRestarts: 1, redisRestarts: 1 });
    expect(result.kills).toBeGreaterThan(0);
    expect(result.sagas).toBeGreaterThan(50);
  }, 480_000);
});
