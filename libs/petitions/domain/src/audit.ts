import { Actor, CommandMeta, parseInstant } from '@fengqiao/kernel';

/**
 * What an auditor needs on every event, copied from the command meta (see index.ts for the convention):
 * `actor` (who: user, role, unit), `occurredAt` (business time, the command's `now`) and the
 * `reason` the actor gave, when there is one.
 */
export interface AuditStamp {
  actor: Actor;
  occurredAt: string;
  reason?: string;
}

export type Audited<T> = T & AuditStamp;

/** Builds the audit stamp from a command's meta; the instant is checked (CALENDAR.INVALID_INSTANT). */
export function auditStamp(meta: CommandMeta): AuditStamp {
  parseInstant(meta.now);
  return {
    actor: meta.actor,
    occurredAt: meta.now,
    ...(meta.reason !== undefined && meta.reason.trim() !== '' ? { reason: meta.reason } : {}),
  };
}
