import { ServiceAppDefinition } from '@fengqiao/platform';
import { MediationModule } from '@fengqiao/mediation-service';

export const DEFAULT_PORT = 3103;

/** The mediation deployable in distributed mode: its context module, HTTP and a Kafka consumer. */
export const appDefinition: ServiceAppDefinition = {
  name: 'mediation',
  title: '枫桥 人民调解服务 mediation',
  // signed checkpoints of every store on a schedule, public checkpoint routes, per-store audit routes
  audit: true,
  imports: [MediationModule.register()],
};
