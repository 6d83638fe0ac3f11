import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** What `register` keeps, per gateway URL. */
export interface Credentials {
  playerId: string;
  name: string;
  token: string;
  savedAt: string;
}

interface CredentialsFile {
  /** Gateway base URL → its credentials (one player per gateway). */
  gateways: Record<string, Credentials>;
}

/** `$XDG_CONFIG_HOME/bitcraps/credentials.json`, else `~/.config/bitcraps/credentials.json`. */
export function credentialsPath(env: NodeJS.ProcessEnv, home: string = homedir()): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(home, '.config');
  return join(base, 'bitcraps', 'credentials.json');
}

async function readAll(path: string): Promise<CredentialsFile> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<CredentialsFile>;
    return { gateways: parsed && typeof parsed.gateways === 'object' && parsed.gateways ? parsed.gateways : {} };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { gateways: {} };
    if (err instanceof SyntaxError) throw new Error(`${path} is not valid JSON: fix or delete it`);
    throw err;
  }
}

export async function loadCredentials(path: string, url: string): Promise<Credentials | null> {
  return (await readAll(path)).gateways[url] ?? null;
}

/** Saves atomically (write a temp file, rename), readable by the user alone (0600, folder 0700). */
export async function saveCredentials(path: string, url: string, credentials: Credentials | null): Promise<void> {
  const all = await readAll(path);
  if (credentials) all.gateways[url] = credentials;
  else delete all.gateways[url];
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify(all, null, 2) + '\n', { mode: 0o600 });
  await chmod(temp, 0o600);
  await rename(temp, path);
}
