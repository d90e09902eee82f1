import { DynamicModule, Module } from '@nestjs/common';
import { buildContextModule } from '@fengqiao/platform';

/** The analytics context: hosted by services/analytics (distributed) and services/standalone. */
@Module({})
export class AnalyticsModule {
  static register(): DynamicModule {
    return buildContextModule(AnalyticsModule, { name: 'analytics' });
  }
}
