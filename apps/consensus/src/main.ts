import { runService } from '@bitcraps/service-kit';
import { consensusService } from './consensus.service';

void runService(consensusService);
