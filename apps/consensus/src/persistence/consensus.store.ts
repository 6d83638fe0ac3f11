import { Inject, Injectable } from '@nestjs/common';
import type { KV } from '@nats-io/kv';
import { z } from 'zod';
import { KvDocuments } from '@bitcraps/messaging';
import { RollProofSchema, type RollProof } from '@bitcraps/contracts';
import { ConsensusGameSchema, type ConsensusGame } from '../domain/record';

/** Consensus's KV bucket `consensus`. */
export const CONSENSUS_BUCKET = Symbol('CONSENSUS_BUCKET');

/** Keys: `<gameId>` the game's record, `proof.<gameId>.<rollIndex>` each roll's proof, `house-key`. */
export const proofKey = (gameId: string, rollIndex: number) => `proof.${gameId}.${rollIndex}`;
export const HOUSE_KEY = 'house-key';

export const HouseKeyDocSchema = z.object({ pkcs8: z.string(), createdAt: z.string() });
export type HouseKeyDoc = z.infer<typeof HouseKeyDocSchema>;

/**
 * Records written only with compare-and-set on the revision (every decision is a pure
 * function of the record read, retried on a conflict, so replicas need no lock), and
 * proofs written once: a proof never changes after its dice.
 */
@Injectable()
export class ConsensusStore {
  private readonly records: KvDocuments<ConsensusGame>;
  private readonly proofs: KvDocuments<RollProof>;
  readonly houseKeys: KvDocuments<HouseKeyDoc>;

  constructor(@Inject(CONSENSUS_BUCKET) kv: KV) {
    // a game's record as last written: its next compare-and-set needs no read first
    this.records = new KvDocuments(kv, ConsensusGameSchema, { cacheBytes: 8 * 1024 * 1024 });
    this.proofs = new KvDocuments(kv, RollProofSchema);
    this.houseKeys = new KvDocuments(kv, HouseKeyDocSchema);
  }

  async get(gameId: string): Promise<ConsensusGame | null> {
    return (await this.records.get(gameId))?.value ?? null;
  }

  /** Read, decide, compare-and-set (again on a conflict). */
  update<R>(gameId: string, decide: (current: ConsensusGame | null) => { next?: ConsensusGame; result: R }): Promise<R> {
    return this.records.update(gameId, decide);
  }

  async proof(gameId: string, rollIndex: number): Promise<RollProof | null> {
    return (await this.proofs.get(proofKey(gameId, rollIndex)))?.value ?? null;
  }

  /** Stores a roll's proof; false when it was stored already. */
  saveProof(gameId: string, proof: RollProof): Promise<boolean> {
    return this.proofs.create(proofKey(gameId, proof.rollIndex), proof);
  }

  /** Every game's id (re-arming the deadlines at start). */
  async *gameIds(): AsyncGenerator<string> {
    for await (const key of this.records.keys()) if (key.startsWith('g_')) yield key;
  }
}
