import { runService } from '@bitcraps/service-kit';
import { gatewayService } from './gateway.service';

void runService(gatewayService);
