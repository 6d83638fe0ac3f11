import { runService } from '@bitcraps/service-kit';
import { playerService } from './player.service';

void runService(playerService);
