import { Provider } from '@nestjs/common';
import { AuditRegistry, SERVICE_CONFIG, type ServiceConfig } from '@fengqiao/platform';
import { AuditSource, httpSource, inProcessSources, parseAuditSources } from './audit-sources';

export const AUDIT_SOURCES = Symbol.for('fengqiao.analytics.audit-sources');

/** The stores the audit API reads: this process's (in-process) and, in distributed mode, the other services' (HTTP). */
export class AuditSources {
  constructor(
    private readonly registry: AuditRegistry | undefined,
    private readonly remote: AuditSource[],
  ) {}

  all(): AuditSource[] {
    const local = this.registry ? inProcessSources(this.registry) : [];
    const localNames = new Set(local.map((s) => s.context));
    return [...local, ...this.remote.filter((s) => !localNames.has(s.context))];
  }

  get(context: string): AuditSource | undefined {
    return this.all().find((s) => s.context === context);
  }
}

export const auditSourcesProvider: Provider = {
  provide: AUDIT_SOURCES,
  inject: [{ token: AuditRegistry, optional: true }, SERVICE_CONFIG],
  useFactory: (registry: AuditRegistry | undefined, config: ServiceConfig) =>
    new AuditSources(
      registry,
      config.mode === 'distributed' ? parseAuditSources(process.env.AUDIT_SOURCES).map(({ context, url }) => httpSource(context, url)) : [],
    ),
};
