import { runService } from '@bitcraps/service-kit';
import { treasuryService } from './treasury.service';

void runService(treasuryService);
