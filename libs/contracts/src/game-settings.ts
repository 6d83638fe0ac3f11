import { z } from 'zod';
import { PositiveChipsSchema } from './money';

/** Bet types of shared/CRAPS.md. */
export const BET_TYPES = [
  'pass', 'dont_pass', 'come', 'dont_come',
  'pass_odds', 'dont_pass_odds', 'come_odds', 'dont_come_odds',
  'place', 'hardway', 'field', 'any_seven', 'any_craps', 'yo', 'ace_deuce', 'aces', 'boxcars',
  'big_6', 'big_8',
] as const;
export const BetTypeSchema = z.enum(BET_TYPES);
export type BetType = z.infer<typeof BetTypeSchema>;

/** Odds multiples a table may allow: "3-4-5" is 3× on 4/10, 4× on 5/9, 5× on 6/8. */
export const MAX_ODDS = ['1x', '2x', '3-4-5', '5x', '10x'] as const;

const ms = (min: number, max: number) => z.number().int().min(min).max(max);

/**
 * Per-game settings (DESIGN.md section 9), every one optional on create with the
 * defaults below. Unknown keys are refused so that a typo never passes silently.
 */
export const GameSettingsInputSchema = z
  .strictObject({
    minBet: PositiveChipsSchema.optional(),
    maxBet: PositiveChipsSchema.optional(),
    minBuyIn: PositiveChipsSchema.optional(),
    maxBuyIn: PositiveChipsSchema.optional(),
    maxPlayers: z.number().int().min(1).max(20).optional(),
    maxBetsPerPlayer: z.number().int().min(1).max(200).optional(),
    allowedBets: z.array(BetTypeSchema).min(1).max(BET_TYPES.length).optional(),
    maxOdds: z.enum(MAX_ODDS).optional(),
    inactivityTimeoutMs: ms(10_000, 7 * 24 * 3_600_000).optional(),
    rollTimeoutMs: ms(1_000, 3_600_000).optional(),
    revealTimeoutMs: ms(500, 600_000).optional(),
    voteTimeoutMs: ms(500, 600_000).optional(),
    consensus: z.enum(['house', 'quorum']).optional(),
    password: z.string().min(1).max(128).optional(),
  });
export type GameSettingsInput = z.infer<typeof GameSettingsInputSchema>;

export const DEFAULT_GAME_SETTINGS = {
  minBet: 1,
  maxBet: 10_000,
  minBuyIn: 10,
  maxBuyIn: 100_000,
  maxPlayers: 10,
  maxBetsPerPlayer: 50,
  allowedBets: [...BET_TYPES] as BetType[],
  maxOdds: '3-4-5' as (typeof MAX_ODDS)[number],
  inactivityTimeoutMs: 3_600_000,
  rollTimeoutMs: 30_000,
  revealTimeoutMs: 15_000,
  voteTimeoutMs: 5_000,
  consensus: 'house' as 'house' | 'quorum',
};

/** The settings a game runs with: every default filled in, no password (only `private`). */
export const GameConfigSchema = z.object({
  minBet: PositiveChipsSchema,
  maxBet: PositiveChipsSchema,
  minBuyIn: PositiveChipsSchema,
  maxBuyIn: PositiveChipsSchema,
  maxPlayers: z.number().int().min(1).max(20),
  maxBetsPerPlayer: z.number().int().min(1).max(200),
  allowedBets: z.array(BetTypeSchema),
  maxOdds: z.enum(MAX_ODDS),
  inactivityTimeoutMs: z.number().int(),
  rollTimeoutMs: z.number().int(),
  revealTimeoutMs: z.number().int(),
  voteTimeoutMs: z.number().int(),
  consensus: z.enum(['house', 'quorum']),
  private: z.boolean(),
});
export type GameConfig = z.infer<typeof GameConfigSchema>;

/** Fills in defaults and checks the settings against each other. */
export const GameSettingsSchema = GameSettingsInputSchema.transform((input) => {
  const { password, allowedBets, ...rest } = input;
  const config = { ...DEFAULT_GAME_SETTINGS, ...rest };
  return {
    ...config,
    allowedBets: allowedBets ? [...new Set(allowedBets)] : [...DEFAULT_GAME_SETTINGS.allowedBets],
    password,
  };
}).superRefine((s, ctx) => {
  if (s.minBet > s.maxBet) ctx.addIssue({ code: 'custom', path: ['minBet'], message: 'minBet must not exceed maxBet' });
  if (s.minBuyIn > s.maxBuyIn) ctx.addIssue({ code: 'custom', path: ['minBuyIn'], message: 'minBuyIn must not exceed maxBuyIn' });
  if (s.minBuyIn < s.minBet) ctx.addIssue({ code: 'custom', path: ['minBuyIn'], message: 'minBuyIn must cover at least one minimum bet' });
});
export type GameSettings = z.output<typeof GameSettingsSchema>;
