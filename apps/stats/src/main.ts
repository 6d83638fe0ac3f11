import { runService } from '@bitcraps/service-kit';
import { statsService } from './stats.service';

void runService(statsService);
