/**
 * The audits of the stores this process hosts (one per context: five in standalone, one per
 * service in distributed mode). Each context's runtime attaches its store when it starts; the
 * audit routes and the audit API (analytics) find them here. Present only in apps that serve the
 * audit (`ServiceAppDefinition.audit`).
 */
import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import type { CheckpointKeySet } from '@fengqiao/event-store';
import type { ServiceConfig } from '../config/service-config';
import type { ContextRuntime } from '../infrastructure/context-runtime';
import { checkpointSignerFrom, retiredKeysFrom } from './audit-signing-key';
import { ContextAudit } from './context-audit';
import type { ContextAuditOptions } from './context-audit.options';

/** = SERVICE_CONFIG of context-runtime.ts (not imported: that module imports this one) */
const SERVICE_CONFIG = Symbol.for('fengqiao.service-config');

@Injectable()
export class AuditRegistry implements BeforeApplicationShutdown {
  private readonly audits = new Map<string, ContextAudit>();

  constructor(@Inject(SERVICE_CONFIG) private readonly config: ServiceConfig) {}

  /** Called by a context's runtime once its stores are open: signs a first checkpoint, then on a schedule. */
  async attach(runtime: ContextRuntime, options: ContextAuditOptions = {}): Promise<ContextAudit> {
    const env = process.env;
    const retiredKeys = retiredKeysFrom(env);
    const interval = Number(env.AUDIT_CHECKPOINT_INTERVAL_MS ?? 60_000);
    const audit = new ContextAudit(runtime, checkpointSignerFrom(env, this.config.dataDir), {
      ...options,
      ...(retiredKeys ? { retiredKeys } : {}),
      intervalMs: Number.isFinite(interval) ? interval : 60_000,
    });
    this.audits.set(runtime.context, audit);
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
    await Promise.all([...this.audits.values()].map((a) => a.stop()));
  }
}
