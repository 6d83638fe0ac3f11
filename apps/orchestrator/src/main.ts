import { runService } from '@bitcraps/service-kit';
import { orchestratorService } from './orchestrator.service';

void runService(orchestratorService);
