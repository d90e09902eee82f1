import { DynamicModule, Module } from '@nestjs/common';
import { buildContextModule } from '@fengqiao/platform';
import { AuditController } from './audit/audit.http.controller';
import { auditSourcesProvider } from './audit/audit.sources.provider';
import { createFiguresConsumer } from './figures/analytics.consumer';
import { CASE_FACTS } from './figures/case-facts.projection';
import { FiguresController } from './figures/figures.http.controller';

/**
 * The analytics context: hosted by services/analytics (distributed, with the token issuer) and
 * services/standalone.
 * - Oversight: figures, early warnings and the monthly report from its own read models, fed only
 *   by the published integration events (Kafka in distributed mode, in-process in standalone).
 * - Audit API (`/audit/matters/…`): reads every context's store only through the per-store
 *   audits (in-process in standalone, HTTP in distributed mode).
 */
@Module({})
export class AnalyticsModule {
  static register(): DynamicModule {
    const figures = createFiguresConsumer();
    return buildContextModule(AnalyticsModule, {
      name: 'analytics',
      controllers: [AuditController, FiguresController],
      providers: [auditSourcesProvider],
      runtime: {
        consumers: [figures.consumer],
        onReady: async (runtime) => {
          await runtime.infra.readStore.ensureIndexes(CASE_FACTS, [{ keys: { placeKey: 1 } }, { keys: { month: 1 } }]);
          await figures.prepare(runtime);
        },
      },
    });
  }
}
