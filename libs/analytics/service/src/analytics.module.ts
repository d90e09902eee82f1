import { DynamicModule, Module } from '@nestjs/common';
import { buildContextModule } from '@fengqiao/platform';
import { AuditController } from './audit/audit.http.controller';
import { auditSourcesProvider } from './audit/audit.sources.provider';

/**
 * The analytics context: hosted by services/analytics (distributed, with the token issuer) and
 * services/standalone. It serves the audit API (`/audit/matters/…`), which reads every context's
 * store only through the per-store audits (in-process in standalone, HTTP in distributed mode).
 */
@Module({})
export class AnalyticsModule {
  static register(): DynamicModule {
    return buildContextModule(AnalyticsModule, {
      name: 'analytics',
      controllers: [AuditController],
      providers: [auditSourcesProvider],
    });
  }
}
