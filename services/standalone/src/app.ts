import { CalendarModule, consoleDistDir, requireSecret, ServiceAppDefinition } from '@fengqiao/platform';
import { AnalyticsModule } from '@fengqiao/analytics-service';
import { DEMO_PASSWORD, demoEnabled, demoIdentitySeed } from '@fengqiao/demo';
import { GridDispatchModule } from '@fengqiao/grid-dispatch-service';
import { IntakeModule } from '@fengqiao/intake-service';
import { MediationModule } from '@fengqiao/mediation-service';
import { PetitionsModule } from '@fengqiao/petitions-service';

export const DEFAULT_PORT = 3000;

/** All five contexts in one process on the embedded adapters (npm start), with the demo district on first start. */
export const appDefinition: ServiceAppDefinition = {
  name: 'standalone',
  title: '枫桥 Fengqiao (standalone)',
  // signed checkpoints of every store on a schedule, public checkpoint routes, per-store audit routes
  audit: true,
  imports: [
    IntakeModule.register(),
    GridDispatchModule.register(),
    MediationModule.register(),
    PetitionsModule.register(),
    AnalyticsModule.register(),
    CalendarModule.register(),
  ],
  // the web console (services/console), built by `npm start` when missing, at http://<host>:<port>/
  console: { dir: process.env.FENGQIAO_CONSOLE_DIR ?? consoleDistDir(__dirname) },
  identitySeed: () => (demoEnabled('standalone') ? demoIdentitySeed(requireSecret('DEMO_PASSWORD', DEMO_PASSWORD)) : undefined),
};
