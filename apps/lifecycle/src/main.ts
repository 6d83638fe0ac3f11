import { runService } from '@bitcraps/service-kit';
import { lifecycleService } from './lifecycle.service';

void runService(lifecycleService);
