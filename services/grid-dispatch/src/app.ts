import { ServiceAppDefinition } from '@fengqiao/platform';
import { GridDispatchModule } from '@fengqiao/grid-dispatch-service';

export const DEFAULT_PORT = 3102;

/** The grid-dispatch deployable in distributed mode: its context module, HTTP and a Kafka consumer. */
export const appDefinition: ServiceAppDefinition = {
  name: 'grid-dispatch',
  title: '枫桥 网格派单服务 grid-dispatch',
  // signed checkpoints of every store on a schedule, public checkpoint routes, per-store audit routes
  audit: true,
  imports: [GridDispatchModule.register()],
};
