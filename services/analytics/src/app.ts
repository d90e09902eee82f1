import { ServiceAppDefinition } from '@fengqiao/platform';
import { AnalyticsModule } from '@fengqiao/analytics-service';

export const DEFAULT_PORT = 3105;

/** The analytics deployable in distributed mode: its context module, HTTP and a Kafka consumer. */
export const appDefinition: ServiceAppDefinition = {
  name: 'analytics',
  title: '枫桥 统计与审计服务 analytics',
  imports: [AnalyticsModule.register()],
};
