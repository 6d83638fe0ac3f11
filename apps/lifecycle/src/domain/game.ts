import { z } from 'zod';
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import {
  GameConfigSchema,
  GameIdSchema,
  GameSettingsSchema,
  GameViewSchema,
  PlayerIdSchema,
  refuse,
  type GameSettingsInput,
  type GameView,
  type Refusal,
} from '@bitcraps/contracts';

/** A game as lifecycle stores it: the public view plus what never leaves the service. */
export const GameRecordSchema = GameViewSchema.extend({
  gameId: GameIdSchema,
  createdBy: PlayerIdSchema,
  config: GameConfigSchema,
  /** `scrypt$<salt hex>$<hash hex>` of a private table's password. */
  passwordHash: z.string().optional(),
});
export type GameRecord = z.infer<typeof GameRecordSchema>;

/** Fills the defaults of DESIGN.md section 9 and checks the settings against each other. */
export function resolveSettings(input: GameSettingsInput) {
  const parsed = GameSettingsSchema.safeParse(input);
  if (!parsed.success) {
    return refuse('VALIDATION_FAILED', parsed.error.issues.map((i) => `${i.path.join('.') || 'settings'}: ${i.message}`).join('; '));
  }
  return { ok: true as const, settings: parsed.data };
}

/** A fresh table: come-out, no point, nobody seated yet. */
export function newGame(
  input: { gameId: string; createdBy: string; settings: GameSettingsInput },
  now: Date,
  hashPassword: (pw: string) => string = hashTablePassword,
): GameRecord | Refusal {
  const resolved = resolveSettings(input.settings);
  if (!resolved.ok) return resolved;
  const { password, ...config } = resolved.settings;
  return {
    gameId: input.gameId,
    status: 'open',
    phase: 'come-out',
    point: null,
    shooter: null,
    players: [],
    bets: [],
    rollCount: 0,
    createdBy: input.createdBy,
    createdAt: now.toISOString(),
    config: { ...config, private: password !== undefined },
    ...(password !== undefined ? { passwordHash: hashPassword(password) } : {}),
  };
}

export function toGameView(g: GameRecord): GameView {
  const { passwordHash: _secret, ...view } = g;
  return view;
}

/** Salted scrypt: a private table's password is never stored as given. */
export function hashTablePassword(password: string): string {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('hex')}$${scryptSync(password, salt, 32).toString('hex')}`;
}

export function checkTablePassword(stored: string, given: string): boolean {
  const [scheme, saltHex, hashHex] = stored.split('$');
  if (scheme !== 'scrypt' || !saltHex || !hashHex) return false;
  const expected = Buffer.from(hashHex, 'hex');
  const actual = scryptSync(given, Buffer.from(saltHex, 'hex'), expected.length);
  return timingSafeEqual(expected, actual);
}
