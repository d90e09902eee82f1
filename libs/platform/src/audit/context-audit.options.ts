/**
 * What a context tells the audit about its streams (one line in its module: `audit: …`): which
 * streams hold which kind of case, the versioned `evolve` that folds them (with upcasters), how a
 * stored event becomes what `evolve` takes, and which read model holds the state, so the auditor's
 * replay can be compared with it. Streams of kinds not listed are still verified and shown, only
 * not replayed.
 */
import type { Event } from '@fengqiao/kernel';
import type { Evolver, StoredEvent, UpcasterRegistry } from '@fengqiao/event-store';

export interface AuditedStreamKind<State = unknown> {
  /** stream id prefix, e.g. `grid-case-` (the longest matching prefix wins) */
  prefix: string;
  /** streams that start with `prefix` but are of another kind (e.g. `petition-record-` under `petition-`) */
  exclude?: readonly string[];
  /** stable code of the case kind, e.g. `grid_case` */
  kind: string;
  /** Chinese name for the timeline, e.g. `网格事件工单` */
  label: string;
  evolver: Evolver<State, Event>;
  /** default: the stored event itself (type, data, legalBasis) */
  toEvent?: (stored: StoredEvent) => Event;
  upcasters?: UpcasterRegistry;
  /** Status code of a state, shown on each step of the timeline. */
  statusOf?: (state: State) => string | undefined;
  /** The read model holding the state of a stream, and how to compare it with the replayed state. */
  readModel?: {
    collection: string;
    idOf: (streamId: string) => string;
    /** Differences between the replayed state and the stored document ([] when they agree). */
    compare: (replayed: State, doc: Record<string, unknown>) => string[];
  };
}

export interface ContextAuditOptions {
  /** build each with `auditedKind(…)` */
  streams?: ReadonlyArray<AuditedStreamKind<unknown>>;
}

/** A stream kind for `ContextAuditOptions.streams`, typed against its own state. */
export function auditedKind<State>(kind: AuditedStreamKind<State>): AuditedStreamKind<unknown> {
  return kind as unknown as AuditedStreamKind<unknown>;
}

/** Keys in event data that hold parties' personal data (DESIGN §4), with how to mask each. */
export const PERSONAL_DATA_KEYS = ['reporter', 'reporterContact', 'parties', 'party', 'petitioner', 'petitioners', 'applicant', 'representatives'] as const;
export const PERSONAL_FIELD_KINDS: Readonly<Record<string, 'name' | 'phone' | 'id_number' | 'address'>> = {
  name: 'name',
  fullName: 'name',
  phone: 'phone',
  mobile: 'phone',
  idNumber: 'id_number',
  address: 'address',
  homeAddress: 'address',
};

export function isStoredEventLike(value: unknown): value is StoredEvent {
  return typeof value === 'object' && value !== null && 'streamId' in value && 'hash' in value;
}
