import { ServiceAppDefinition } from '@fengqiao/platform';
import { IntakeModule } from '@fengqiao/intake-service';

export const DEFAULT_PORT = 3101;

/** The intake deployable in distributed mode: its context module, HTTP and a Kafka consumer. */
export const appDefinition: ServiceAppDefinition = {
  name: 'intake',
  title: '枫桥 受理服务 intake',
  imports: [IntakeModule.register()],
};
