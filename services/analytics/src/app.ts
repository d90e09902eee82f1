import { CalendarModule, requireSecret, ServiceAppDefinition } from '@fengqiao/platform';
import { AnalyticsModule } from '@fengqiao/analytics-service';
import { DEMO_PASSWORD, demoEnabled, demoIdentitySeed } from '@fengqiao/demo';

export const DEFAULT_PORT = 3105;

/**
 * The analytics deployable in distributed mode. It also hosts the built-in token issuer
 * (AUTH_BUILTIN_ISSUER=true); with FENGQIAO_DEMO=true its first start loads the demo directory.
 */
export const appDefinition: ServiceAppDefinition = {
  name: 'analytics',
  title: '枫桥 统计与审计服务 analytics',
  // signed checkpoints of every store on a schedule, public checkpoint routes, per-store audit routes
  audit: true,
  // analytics also hosts the calendar module (holiday notices, /calendars) in distributed mode
  imports: [AnalyticsModule.register(), CalendarModule.register()],
  identitySeed: () => (demoEnabled('distributed') ? demoIdentitySeed(requireSecret('DEMO_PASSWORD', DEMO_PASSWORD)) : undefined),
};
