/**
 * The timeline of a matter across kinds (DESIGN §2 journey 4, §5.4): a grid case, its report, the
 * mediation case and the petition it led to (and back), found through link fields and shared
 * correlation ids in every store, each step with who, role, unit, when, what changed, which rule
 * and deadline applied, and the legal basis.
 */
import { WORK_ORDER_EVENTS } from '@fengqiao/contracts';
import type { StoredEvent } from '@fengqiao/event-store';
import type { AuditStream } from '@fengqiao/platform';
import type { AuditSource, Caller } from './audit-sources';

const LINK_FIELDS = ['caseId', 'sourceCaseId', 'gridCaseId', 'linkedCaseId', 'referredFrom', 'fromCaseId', 'mediationCaseId', 'petitionId', 'targetCaseId'];

const LABELS: Record<string, string> = {
  CaseReported: '事件上报',
  CaseAccepted: '受理',
  CaseDeclined: '不予受理',
  CaseFiled: '立案',
  CaseMerged: '合并重复事件',
  ...Object.fromEntries(Object.entries(WORK_ORDER_EVENTS).map(([type, [, label]]) => [type, label])),
};

export interface TimelineStep {
  context: string;
  streamId: string;
  kind?: string;
  revision: number;
  eventId: string;
  type: string;
  label: string;
  who: { userId: string; role: string; unitId: string; directoryVersion?: number };
  when: { occurredAt: string; recordedAt: string };
  /** status before → after (replayed with the owner's evolve), and the reason the actor gave */
  changed: { statusBefore?: string; statusAfter?: string; reason?: string; fields: string[] };
  rule?: { ruleId: string; duration?: number; unit?: string; calendarId?: string; calendarVersion?: string };
  deadline?: { dueAt: string; warnAt?: string; step?: string };
  legalBasis?: string;
  correlationId: string;
  causationId: string;
}

export interface MatterTimeline {
  matterId: string;
  streams: Array<{ context: string; streamId: string; kind?: string; kindLabel?: string; eventCount: number; personalData: string }>;
  steps: TimelineStep[];
  /** the events themselves (personal data masked unless the auditor's scope covers it) */
  events: StoredEvent[];
}

/** Finds every stream of the matter in every source, following links until nothing new turns up. */
export async function collectMatter(sources: readonly AuditSource[], caller: Caller, matterId: string): Promise<AuditStream[]> {
  const ids = new Set([matterId]);
  const correlationIds = new Set<string>();
  const found = new Map<string, AuditStream>();
  for (let round = 0; round < 5; round++) {
    const before = found.size + ids.size + correlationIds.size;
    for (const source of sources) {
      for (const s of await source.matter(caller, { ids: [...ids], correlationIds: [...correlationIds] })) {
        found.set(`${s.context}/${s.streamId}`, s);
        for (const e of s.events) {
          correlationIds.add(e.correlationId);
          const data = e.data as Record<string, unknown>;
          for (const f of LINK_FIELDS) if (typeof data[f] === 'string') ids.add(data[f] as string);
        }
      }
    }
    if (found.size + ids.size + correlationIds.size === before) break;
  }
  return [...found.values()];
}

function findDeadline(data: unknown, depth = 0): Record<string, unknown> | undefined {
  if (depth > 3 || typeof data !== 'object' || data === null) return undefined;
  const d = data as Record<string, unknown>;
  if (typeof d.ruleId === 'string' && typeof d.dueAt === 'string') return d;
  for (const v of Object.values(d)) {
    const found = findDeadline(v, depth + 1);
    if (found) return found;
  }
  return undefined;
}

export function stepsOf(stream: AuditStream): TimelineStep[] {
  return stream.events.map((e, i) => {
    const data = e.data as Record<string, unknown>;
    const deadline = findDeadline(data);
    const timer = (data.timer ?? undefined) as { step?: string } | undefined;
    const step: TimelineStep = {
      context: stream.context,
      streamId: stream.streamId,
      ...(stream.kind ? { kind: stream.kind } : {}),
      revision: e.revision,
      eventId: e.id,
      type: e.type,
      label: LABELS[e.type] ?? e.type,
      who: { ...e.actor },
      when: { occurredAt: e.occurredAt, recordedAt: e.recordedAt },
      changed: {
        ...(stream.statusAfter?.[i - 1] !== undefined ? { statusBefore: stream.statusAfter[i - 1] } : {}),
        ...(stream.statusAfter?.[i] !== undefined ? { statusAfter: stream.statusAfter[i] } : {}),
        ...(typeof data.reason === 'string' ? { reason: data.reason } : {}),
        fields: Object.keys(data).filter((k) => !['caseId', 'actor', 'at', 'after'].includes(k)),
      },
      ...(e.legalBasis !== undefined ? { legalBasis: e.legalBasis } : {}),
      correlationId: e.correlationId,
      causationId: e.causationId,
    };
    if (deadline) {
      step.rule = {
        ruleId: deadline.ruleId as string,
        ...(typeof deadline.duration === 'number' ? { duration: deadline.duration } : {}),
        ...(typeof deadline.unit === 'string' ? { unit: deadline.unit } : {}),
        ...(typeof deadline.calendarId === 'string' ? { calendarId: deadline.calendarId } : {}),
        ...(typeof deadline.calendarVersion === 'string' ? { calendarVersion: deadline.calendarVersion } : {}),
      };
      step.deadline = {
        dueAt: deadline.dueAt as string,
        ...(typeof deadline.warnAt === 'string' ? { warnAt: deadline.warnAt } : {}),
        ...(typeof timer?.step === 'string' ? { step: timer.step } : {}),
      };
      if (step.legalBasis === undefined && typeof deadline.legalBasis === 'string') step.legalBasis = deadline.legalBasis;
    }
    return step;
  });
}

export async function matterTimeline(sources: readonly AuditSource[], caller: Caller, matterId: string): Promise<MatterTimeline> {
  const streams = await collectMatter(sources, caller, matterId);
  const steps = streams.flatMap(stepsOf).sort((a, b) => a.when.recordedAt.localeCompare(b.when.recordedAt) || a.revision - b.revision);
  return {
    matterId,
    streams: streams.map((s) => ({
      context: s.context,
      streamId: s.streamId,
      ...(s.kind ? { kind: s.kind } : {}),
      ...(s.kindLabel ? { kindLabel: s.kindLabel } : {}),
      eventCount: s.events.length,
      personalData: s.personalData,
    })),
    steps,
    events: streams.flatMap((s) => s.events),
  };
}
