import { Controller } from '@nestjs/common';
import { AddParticipant, PrepareGame, RemoveParticipant, type PayloadOf, type ReplyOf } from '@bitcraps/contracts';
import { OnCommand } from '@bitcraps/messaging';
import { addParticipant, opKey, prepareGame, removeParticipant } from '../domain/participants';
import { recall } from '../domain/record';
import { isRefusal } from '../domain/rounds';
import { RoundRunner } from '../round-runner';
import { ConsensusStore } from '../persistence/consensus.store';

const byGame = (c: { gameId: string }) => `consensus:${c.gameId}`;

/** Participants: the join saga's step and its compensation, and the optional prepare-game. */
@Controller()
export class ParticipantsHandlers {
  constructor(
    private readonly runner: RoundRunner,
    private readonly store: ConsensusStore,
  ) {}

  @OnCommand(PrepareGame, { orderingKey: byGame })
  async prepare(cmd: PayloadOf<typeof PrepareGame>): Promise<ReplyOf<typeof PrepareGame>> {
    return (await this.runner.write(cmd.gameId, (g, ctx) => prepareGame(g, cmd, ctx))).reply;
  }

  @OnCommand(AddParticipant, { orderingKey: byGame })
  async add(cmd: PayloadOf<typeof AddParticipant>): Promise<ReplyOf<typeof AddParticipant>> {
    // a replay needs no settings (and must not ask lifecycle for them)
    const replay = recall(await this.store.get(cmd.gameId), opKey.add(cmd.opId)) as ReplyOf<typeof AddParticipant> | undefined;
    if (replay) return replay;
    const settings = await this.runner.settingsFor(cmd.gameId, cmd.settings);
    if (isRefusal(settings)) return settings;
    return (await this.runner.write(cmd.gameId, (g, ctx) => addParticipant(g, cmd, settings, ctx))).reply;
  }

  @OnCommand(RemoveParticipant, { orderingKey: byGame })
  async remove(cmd: PayloadOf<typeof RemoveParticipant>): Promise<ReplyOf<typeof RemoveParticipant>> {
    return (await this.runner.write(cmd.gameId, (g, ctx) => removeParticipant(g, cmd, ctx))).reply;
  }
}
