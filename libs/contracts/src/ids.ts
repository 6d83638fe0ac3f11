import { z } from 'zod';

/** Ids minted by the runtime: a short prefix and a UUID (`p_…`, `g_…`). */
export const PlayerIdSchema = z.string().regex(/^p_[0-9a-f-]{36}$/, 'not a player id');
export const GameIdSchema = z.string().regex(/^g_[0-9a-f-]{36}$/, 'not a game id');
export const SagaIdSchema = z.string().regex(/^s_[0-9a-f-]{36}$/, 'not a saga id');
export type PlayerId = z.infer<typeof PlayerIdSchema>;
export type GameId = z.infer<typeof GameIdSchema>;
export type SagaId = z.infer<typeof SagaIdSchema>;
