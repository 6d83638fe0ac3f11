import { Module } from '@nestjs/common';

/** The consensus service: commit-reveal dice, participants and quorum votes. Its command handlers arrive with their issue; today it boots, consumes cmd.consensus.> and reports health. */
@Module({})
export class ConsensusModule {}
