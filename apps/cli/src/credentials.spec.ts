import { mkdtempSync, rmSync, statSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentialsPath, loadCredentials, saveCredentials } from './credentials';

describe('credentials file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bitcraps-cred-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lives under $XDG_CONFIG_HOME/bitcraps, else ~/.config/bitcraps', () => {
    expect(credentialsPath({ XDG_CONFIG_HOME: '/x/conf' }, '/home/ann')).toBe('/x/conf/bitcraps/credentials.json');
    expect(credentialsPath({}, '/home/ann')).toBe('/home/ann/.config/bitcraps/credentials.json');
    expect(credentialsPath({ XDG_CONFIG_HOME: 'relative' }, '/home/ann')).toBe('/home/ann/.config/bitcraps/credentials.json');
  });

  it('keeps one token per gateway URL, readable by the user alone', async () => {
    const path = credentialsPath({ XDG_CONFIG_HOME: dir });
    expect(await loadCredentials(path, 'http://a')).toBeNull();
    const ann = { playerId: 'p_1', name: 'Ann', token: 't1', savedAt: '2030-01-01T00:00:00Z' };
    const bo = { playerId: 'p_2', name: 'Bo', token: 't2', savedAt: '2030-01-01T00:00:00Z' };
    await saveCredentials(path, 'http://a', ann);
    await saveCredentials(path, 'http://b', bo);
    expect(await loadCredentials(path, 'http://a')).toEqual(ann);
    expect(await loadCredentials(path, 'http://b')).toEqual(bo);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'bitcraps')).mode & 0o777).toBe(0o700);
    await saveCredentials(path, 'http://a', null);
    expect(await loadCredentials(path, 'http://a')).toBeNull();
    expect(JSON.parse(readFileSync(path, 'utf8')).gateways).toEqual({ 'http://b': bo });
  });

  it('says what to do with a damaged file', async () => {
    const path = credentialsPath({ XDG_CONFIG_HOME: dir });
    mkdirSync(join(dir, 'bitcraps'));
    writeFileSync(path, '{ not json');
    await expect(loadCredentials(path, 'http://a')).rejects.toThrow(/not valid JSON: fix or delete it/);
  });
});
