// The NATS configurations as rendered, given to a real nats-server (`-t`: parse and
// exit) when one is on PATH. The cluster pins nats 2.10+; an older local server cannot
// parse `sync_interval`, so that one line is then removed and the title says so.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { onPath } from './kubectl';
import { renderKustomization } from './kustomize';
import { find } from './cluster';

const DEPLOY = path.resolve(__dirname, '..');
const NATS = onPath('nats-server');
const version = NATS ? /v?(\d+)\.(\d+)\.(\d+)/.exec(execFileSync(NATS, ['--version'], { encoding: 'utf8' }))! : undefined;
const knowsSyncInterval = version ? Number(version[1]) * 100 + Number(version[2]) >= 210 : false;

const configs = ['base', 'overlays/dev', 'overlays/prod'].map((dir) => {
  const conf: string = find(renderKustomization(path.join(DEPLOY, dir)), 'ConfigMap', 'nats-config').data['nats.conf'];
  const strip = !knowsSyncInterval && /sync_interval/.test(conf);
  const how = !NATS
    ? 'has balanced blocks (nats-server is not on PATH: not parsed)'
    : `is accepted by nats-server ${version![0]}${strip ? ' (its sync_interval line removed: that needs 2.10+)' : ''}`;
  return { dir, conf, strip, how };
});

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'nats-conf-'));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe.each(configs)('$dir nats.conf', ({ dir, conf, strip, how }) => {
  it(how, () => {
    expect((conf.match(/\{/g) ?? []).length).toBe((conf.match(/\}/g) ?? []).length);
    expect((conf.match(/\[/g) ?? []).length).toBe((conf.match(/\]/g) ?? []).length);
    if (!NATS) return;
    const file = path.join(tmp, `${dir.replace(/\W/g, '-')}.conf`);
    writeFileSync(file, strip ? conf.replace(/^\s*sync_interval:.*\n/m, '') : conf);
    // -t only parses: store_dir and pid_file need not exist here
    const run = spawnSync(NATS, ['-t', '-c', file], { encoding: 'utf8', env: { ...process.env, POD_NAME: 'nats-0' }, timeout: 30_000 });
    expect({ status: run.status, output: `${run.stdout}${run.stderr}`.trim() }).toEqual({ status: 0, output: expect.stringMatching(/is valid$/) });
  });
});
