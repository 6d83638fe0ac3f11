#!/usr/bin/env node
// `npm start`: builds, makes sure NATS (JetStream) and Redis answer (starting them
// under .data/ when nothing answers and the binaries are installed), starts the seven
// services as separate processes, prints the gateway's URL, and on Ctrl-C stops
// everything it started.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const root = path.join(__dirname, '..');
const NATS_URL = process.env.NATS_URL || 'nats://127.0.0.1:4222';
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const GATEWAY_PORT = Number(process.env.GATEWAY_PORT || 3000);
const SERVICES = [
  ['orchestrator', 3001], ['lifecycle', 3002], ['player', 3003], ['treasury', 3004],
  ['consensus', 3005], ['stats', 3006], ['gateway', GATEWAY_PORT],
];
const children = [];
let stopping = false;

const log = (msg) => console.log(`[start] ${msg}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function answers(url) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const s = net.connect({ host: hostname, port: Number(port) });
    s.setTimeout(500);
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
    s.once('timeout', () => { s.destroy(); resolve(false); });
  });
}

const has = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;

async function waitUntil(what, probe, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await sleep(100);
  }
  throw new Error(`${what} not ready within ${timeoutMs / 1000} s`);
}

function run(name, cmd, args, env = {}, { detached = false } = {}) {
  // servers run in their own process group: Ctrl-C reaches them only through us, after the services stopped
  const child = spawn(cmd, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached });
  const prefix = `[${name}] `;
  for (const stream of [child.stdout, child.stderr]) {
    let buf = '';
    stream.on('data', (d) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop();
      for (const line of lines) if (line) process.stdout.write(prefix + line + '\n');
    });
  }
  const entry = { name, child };
  children.push(entry);
  child.on('exit', (code, signal) => {
    if (!stopping) log(`${name} exited (${code ?? signal})`);
  });
  return child;
}

async function ensureInfra() {
  const { port: natsPort } = new URL(NATS_URL);
  const { port: redisPort } = new URL(REDIS_URL);
  if (!(await answers(NATS_URL))) {
    if (!has('nats-server')) throw new Error(`nothing answers at ${NATS_URL} and nats-server is not installed (apt-get install nats-server)`);
    const dir = path.join(root, '.data', 'nats');
    fs.mkdirSync(dir, { recursive: true });
    log(`starting nats-server (JetStream) on ${natsPort}, data in .data/nats`);
    run('nats', 'nats-server', ['-js', '-a', '127.0.0.1', '-p', natsPort || '4222', '-sd', dir], {}, { detached: true });
    await waitUntil('nats-server', () => answers(NATS_URL), 15_000);
  } else log(`using NATS at ${NATS_URL}`);
  if (!(await answers(REDIS_URL))) {
    if (!has('redis-server')) throw new Error(`nothing answers at ${REDIS_URL} and redis-server is not installed (apt-get install redis-server)`);
    const dir = path.join(root, '.data', 'redis');
    fs.mkdirSync(dir, { recursive: true });
    log(`starting redis-server on ${redisPort}, data in .data/redis`);
    run('redis', 'redis-server', ['--port', redisPort || '6379', '--bind', '127.0.0.1', '--dir', dir], {}, { detached: true });
    await waitUntil('redis-server', () => answers(REDIS_URL), 15_000);
  } else log(`using Redis at ${REDIS_URL}`);
}

async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  log('stopping …');
  // services first (they finish in-flight work), then the servers we started
  for (const group of [children.filter((c) => !['nats', 'redis'].includes(c.name)), children.filter((c) => ['nats', 'redis'].includes(c.name))]) {
    await Promise.all(group.map(({ child }) => new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', resolve);
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
    })));
  }
  log('stopped');
  process.exit(code);
}

async function main() {
  process.on('SIGINT', () => stopAll(0));
  process.on('SIGTERM', () => stopAll(0));
  if (!process.argv.includes('--no-build')) {
    const built = spawnSync(process.execPath, [path.join(__dirname, 'build.js')], { stdio: 'inherit', cwd: root });
    if (built.status !== 0) throw new Error('build failed');
  }
  await ensureInfra();
  const nodeEnv = process.env.NODE_ENV || 'development';
  for (const [name, port] of SERVICES) {
    const main = path.join(root, 'dist', 'apps', name, 'src', 'main.js');
    run(name, process.execPath, ['--enable-source-maps', main], {
      NODE_ENV: nodeEnv, NATS_URL, REDIS_URL, HTTP_PORT: String(port), GATEWAY_PORT: '', LOG_LEVEL: process.env.LOG_LEVEL || 'info',
    });
  }
  for (const [name, port] of SERVICES) {
    await waitUntil(`${name} (port ${port})`, async () => {
      try {
        return (await fetch(`http://127.0.0.1:${port}/health/ready`)).ok;
      } catch {
        return false;
      }
    }, 60_000);
    log(`${name} ready on :${port}`);
  }
  log(`BitCraps is up: gateway at http://127.0.0.1:${GATEWAY_PORT} (Ctrl-C stops everything)`);
}

main().catch((err) => {
  console.error(`[start] ${err.message}`);
  stopAll(1);
});
