/**
 * The audits of the stores this process hosts (one per context: five in standalone, one per
 * service in distributed mode). Each context's runtime attaches its store when it starts; the
 * audit routes and the audit API (analytics) find them here. Present only in apps that serve the
 * audit (`ServiceAppDefinition.audit`).
 */
import { BeforeApplicationShutdown, Inject, Injectable, Optional } from '@nestjs/common';
import type { CheckpointKeySet } from '@fengqiao/event-store';
import type { ServiceConfig } from '../config/service-config';
import { HealthRegistry } from '../health/health.module';
import { metrics } from '../metrics/metrics';
import type { ContextRuntime } from '../infrastructure/context-runtime';
import { checkpointSignerFrom, retiredKeysFrom } from './audit-signing-key';
import { ContextAudit, FOLLOW_EVERY_MS, type AuditIntegrity } from './context-audit';
import type { ContextAuditOptions } from './context-audit.options';

/** The gauges each attached audit feeds at scrape time: name, help, value from its integrity. */
const AUDIT_GAUGES: ReadonlyArray<readonly [string, string, (i: AuditIntegrity) => number]> = [
  [
    'fengqiao_audit_log_forked',
    "1 while a context's Merkle log does not extend its last signed checkpoint (the last checkpoint was refused as MERKLE.LOG_FORKED: its store changed)",
    (i) => (i.logForked ? 1 : 0),
  ],
  [
    'fengqiao_audit_store_changes_found',
    "Changes of a context's store under its resumed Merkle log found by the re-check since the process started",
    (i) => i.storeChangesFound,
  ],
];

/** = SERVICE_CONFIG of context-runtime.ts (not imported: that module imports this one) */
const SERVICE_CONFIG = Symbol.for('fengqiao.service-config');

@Injectable()
export class AuditRegistry implements BeforeApplicationShutdown {
  private readonly audits = new Map<string, ContextAudit>();

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Optional() @Inject(HealthRegistry) health?: HealthRegistry,
  ) {
    // each store's Merkle log against its signed checkpoints; a forked log stays "up" (the process
    // serves, and a restart would not mend the store) and says so here and in the gauges below
    health?.add({ key: 'audit', check: async () => this.integrity() });
  }

  /** How each store's Merkle log stands against its signed checkpoints, by context. */
  integrity(): Record<string, AuditIntegrity> {
    return Object.fromEntries([...this.audits].map(([context, audit]) => [context, audit.integrity()]));
  }

  /** Called by a context's runtime once its stores are open: signs a first checkpoint, then on a schedule. */
  async attach(runtime: ContextRuntime, options: ContextAuditOptions = {}): Promise<ContextAudit> {
    const env = process.env;
    const retiredKeys = retiredKeysFrom(env);
    const interval = Number(env.AUDIT_CHECKPOINT_INTERVAL_MS ?? 60_000);
    const follow = Number(env.AUDIT_FOLLOW_INTERVAL_MS ?? FOLLOW_EVERY_MS);
    const audit = new ContextAudit(runtime, checkpointSignerFrom(env, this.config.dataDir), {
      ...options,
      ...(retiredKeys ? { retiredKeys } : {}),
      intervalMs: Number.isFinite(interval) ? interval : 60_000,
      followEveryMs: Number.isFinite(follow) ? follow : FOLLOW_EVERY_MS,
    });
    this.audits.set(runtime.context, audit);
    const context = runtime.context;
    for (const [name, help, value] of AUDIT_GAUGES) {
      metrics.gaugeFrom(name, help, ['context'], context, async () => [{ labels: { context }, value: value(audit.integrity()) }]);
    }
    audit.start();
    return audit;
  }

  get(context: string): ContextAudit | undefined {
    return this.audits.get(context);
  }

  all(): ContextAudit[] {
    return [...this.audits.values()];
  }

  /** Every signing key published by this process (current and retired), deduplicated. */
  keySet(): CheckpointKeySet {
    const keys = new Map<string, CheckpointKeySet['keys'][number]>();
    for (const a of this.audits.values()) for (const k of a.auditor.keySet().keys) keys.set(k.kid, k);
    return { keys: [...keys.values()] };
  }

  async beforeApplicationShutdown(): Promise<void> {
    for (const context of this.audits.keys()) for (const [name] of AUDIT_GAUGES) metrics.dropSource(name, context);
    await Promise.all([...this.audits.values()].map((a) => a.stop()));
  }
}
