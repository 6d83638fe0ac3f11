import { z } from 'zod';
import {
  AdminReasonSchema,
  BetResolutionSchema,
  ChipsSchema,
  CommitmentSchema,
  LayoutBetIdSchema,
  PhaseSchema,
  PlayerIdSchema,
  RollDiceSchema,
  RoundStatusSchema,
  SagaIdSchema,
  SagaStatusSchema,
} from '@bitcraps/contracts';

/**
 * Answers of DESIGN.md section 8 that libs/contracts does not name (the controllers
 * build them from command replies), written from the controllers for the OpenAPI
 * document. Replace each by the contract's schema when the contract gains one.
 */
const RollIndex = z.number().int().min(1);

export const JoinAnswerSchema = z.object({ sagaId: SagaIdSchema, status: SagaStatusSchema, stack: ChipsSchema.nullable() });
export const BetAnswerSchema = z.object({ betId: LayoutBetIdSchema, sagaId: SagaIdSchema, status: SagaStatusSchema });
export const LeaveAnswerSchema = z.object({ sagaId: SagaIdSchema, status: SagaStatusSchema, returned: ChipsSchema.nullable() });
export const RollAnswerSchema = z.object({
  sagaId: SagaIdSchema,
  status: SagaStatusSchema,
  rollIndex: RollIndex,
  dice: RollDiceSchema,
  phase: PhaseSchema,
  point: z.number().int().nullable(),
  shooter: PlayerIdSchema.nullable(),
  resolutions: z.array(BetResolutionSchema.omit({ number: true })),
});
/** 202 of a saga that had not ended by the request's deadline: follow it at GET /v1/sagas/:sagaId. */
export const SagaRunningSchema = z.object({ sagaId: SagaIdSchema, status: z.literal('running') });
export const CommitmentAnswerSchema = z.object({ rollIndex: RollIndex, commitment: CommitmentSchema, houseCommitment: CommitmentSchema });
export const RevealAnswerSchema = z.object({ rollIndex: RollIndex, awaiting: z.number().int().min(0) });
export const VoteAnswerSchema = z.object({ rollIndex: RollIndex, counted: z.boolean(), status: RoundStatusSchema, valid: z.number().int(), needed: z.number().int() });
export const AdminReasonBodySchema = z.strictObject({ reason: AdminReasonSchema });
