import { ServiceAppDefinition } from '@fengqiao/platform';
import { IntakeModule } from '@fengqiao/intake-service';

export const DEFAULT_PORT = 3101;

/**
 * The intake deployable: its context module (HTTP incl. Open311, relay, consumer); the platform
 * adds authentication. IntakeModule.register() loads the demo district's reference data; a
 * deployment with its own categories, directory and address table passes them here.
 */
export const appDefinition: ServiceAppDefinition = {
  name: 'intake',
  title: '枫桥 受理服务 intake',
  // signed checkpoints of every store on a schedule, public checkpoint routes, per-store audit routes
  audit: true,
  imports: [IntakeModule.register()],
};
