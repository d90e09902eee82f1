import { ServiceAppDefinition } from '@fengqiao/platform';
import { PetitionsModule } from '@fengqiao/petitions-service';

export const DEFAULT_PORT = 3104;

/** The petitions deployable in distributed mode: its context module, HTTP and a Kafka consumer. */
export const appDefinition: ServiceAppDefinition = {
  name: 'petitions',
  title: '枫桥 信访服务 petitions',
  // signed checkpoints of every store on a schedule, public checkpoint routes, per-store audit routes
  audit: true,
  imports: [PetitionsModule.register()],
};
