import { parseInstant } from './calendar';
import { Actor, CommandMeta } from './decider';

/**
 * What an auditor needs on every event, copied from the command meta: `actor` (who: user, role,
 * unit), `occurredAt` (business time, the command's `now`) and the `reason` the actor gave, when
 * there is one. Shared by the deciders of every case kind.
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
