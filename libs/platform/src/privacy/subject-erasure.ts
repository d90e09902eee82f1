/**
 * Erasure of a data subject (个人信息保护法 §47): the subject's key is shredded in every context
 * holding it, after which its sealed data reads as `已删除` everywhere (events, read models, API,
 * audit timelines) while every hash chain still verifies (the hashes cover the ciphertext). Each
 * context records the erasure as an audited `SubjectErased` event on `privacy-subject-<id>` in its
 * own store. The context that took the request publishes it (privacy.subject.erased.v1) and every
 * other context applies it from the bus; in standalone the contexts of the process apply it at once.
 */
import { IntegrationEvent, PrivacySubjectErasedV1, PrivacySubjectErasedV1Data } from '@fengqiao/contracts';
import { StoredEvent, WrongExpectedRevisionError } from '@fengqiao/event-store';
import { Actor, newId } from '@fengqiao/kernel';
import type { ContextRuntime } from '../infrastructure/context-runtime';

export const SUBJECT_ERASED = 'SubjectErased';
export const ERASURE_LEGAL_BASIS = '个人信息保护法§47';

export function toSubjectErasureStreamId(subjectId: string): string {
  return `privacy-subject-${subjectId}`;
}

export interface SubjectErasedData {
  subjectId: string;
  requestId: string;
  /** `request`: this context took the request (and publishes it); `local`: another context of this process did; `bus`: it came over the bus */
  origin: 'request' | 'local' | 'bus';
  requestedIn: string;
  requestedAt: string;
  /** whether this context held a key of the subject (false: nothing of it was stored here) */
  held: boolean;
  erasedAt: string;
  /** the admin's reason (request origin only) */
  reason?: string;
  /**
   * The free-text keys shredded with the subject's (`text-<streamId>` of every case stream that
   * names the subject): the phone and ID numbers and names written in that case's notes read as
   * their redacted text from then on.
   */
  textSubjects?: string[];
}

export interface ErasureRequest {
  subjectId: string;
  requestId: string;
  origin: SubjectErasedData['origin'];
  requestedIn: string;
  requestedAt: string;
  actor: Actor;
  correlationId: string;
  causationId: string;
  reason?: string;
}

export interface ContextErasure {
  context: string;
  held: boolean;
  /** false when this request had been applied here already */
  recorded: boolean;
}

/** Shreds the subject's key in one context and records the audited event (once per request). */
export async function eraseSubjectIn(runtime: ContextRuntime, request: ErasureRequest): Promise<ContextErasure> {
  // the same request may arrive twice at once (standalone: from the admin route and from the bus;
  // distributed: at two replicas): the append expects the revision it read, so only one records it
  for (let attempt = 1; ; attempt++) {
    try {
      return await eraseOnce(runtime, request);
    } catch (e) {
      if (!(e instanceof WrongExpectedRevisionError) || attempt >= 5) throw e;
    }
  }
}

async function eraseOnce(runtime: ContextRuntime, request: ErasureRequest): Promise<ContextErasure> {
  const keys = await runtime.subjectKeys();
  const streamId = toSubjectErasureStreamId(request.subjectId);
  const earlier = await runtime.infra.events.readStream(streamId);
  if (earlier.some((e) => e.data['requestId'] === request.requestId)) return { context: runtime.context, held: true, recorded: false };
  const last = earlier[earlier.length - 1];
  const before = await keys.get(request.subjectId);
  const held = before.status !== 'missing';
  // a subject never seen here, heard of over the bus: nothing to shred, nothing to record
  if (!held && request.origin !== 'request') return { context: runtime.context, held, recorded: false };
  await keys.erase(request.subjectId);
  const textSubjects = await caseTextSubjectsOf(runtime, request.subjectId);
  for (const textSubject of textSubjects) await keys.erase(textSubject);
  const after = await keys.get(request.subjectId);
  const erasedAt = after.status === 'erased' ? after.erasedAt : request.requestedAt;
  const data: SubjectErasedData = {
    subjectId: request.subjectId,
    requestId: request.requestId,
    origin: request.origin,
    requestedIn: request.requestedIn,
    requestedAt: request.requestedAt,
    held,
    erasedAt,
    ...(request.reason ? { reason: request.reason } : {}),
    ...(textSubjects.length > 0 ? { textSubjects } : {}),
  };
  await runtime.infra.events.append(
    streamId,
    [
      {
        id: newId(),
        type: SUBJECT_ERASED,
        schemaVersion: 1,
        occurredAt: request.requestedAt,
        actor: request.actor,
        correlationId: request.correlationId,
        causationId: request.causationId,
        jurisdiction: [],
        legalBasis: ERASURE_LEGAL_BASIS,
        data: data as unknown as Record<string, unknown>,
      },
    ],
    { expectedRevision: last ? last.revision : 'no_stream' },
  );
  runtime.published();
  return { context: runtime.context, held, recorded: true };
}

/**
 * The free-text keys of the cases the subject belongs to: `text-<streamId>` of every stream of
 * this context whose events name the subject id (a mediation case naming its party, a petition its
 * petitioner), where this context holds such a key. Free text is sealed per case, not per person:
 * a note cannot say whose number it holds, and several parties share one; so the erasure of any
 * data subject of the case (个人信息保护法 §47) shreds the case's text key, leaving the redacted
 * text (numbers and names masked) and every hash chain as they were. Reads the context's whole
 * store once per erasure (a rare admin action).
 */
export async function caseTextSubjectsOf(runtime: ContextRuntime, subjectId: string): Promise<string[]> {
  const keys = await runtime.subjectKeys();
  const needle = JSON.stringify(subjectId);
  const streams = new Set<string>();
  for (let after = 0; ;) {
    const page = await runtime.infra.events.readAll({ afterPosition: after, maxCount: 1000 });
    if (page.length === 0) break;
    for (const e of page) {
      if (!e.streamId.startsWith('privacy-subject-') && !e.streamId.startsWith('text-') && JSON.stringify(e.data).includes(needle)) streams.add(e.streamId);
    }
    after = page[page.length - 1].globalPosition;
  }
  const found: string[] = [];
  for (const streamId of streams) {
    const textSubject = `text-${streamId}`;
    if ((await keys.get(textSubject)).status === 'active') found.push(textSubject);
  }
  return found.sort();
}

/** The integration event of a stored `SubjectErased` (only the requesting context publishes). */
export function erasureIntegrationEvent(stored: StoredEvent, source: string): IntegrationEvent | null {
  if (stored.type !== SUBJECT_ERASED) return null;
  const d = stored.data as unknown as SubjectErasedData;
  if (d.origin !== 'request') return null;
  const data: PrivacySubjectErasedV1Data = { subjectId: d.subjectId, requestedIn: d.requestedIn, requestedAt: d.requestedAt, requestId: d.requestId };
  return {
    id: stored.id,
    type: PrivacySubjectErasedV1.type,
    source,
    subject: d.subjectId,
    time: stored.occurredAt,
    correlationId: stored.correlationId,
    causationId: stored.id,
    data: data as unknown as Record<string, unknown>,
  };
}

/** The contexts of this process that hold personal data (registered by their runtimes). */
export class PrivacyRegistry {
  private readonly runtimes = new Map<string, ContextRuntime>();

  register(runtime: ContextRuntime): void {
    this.runtimes.set(runtime.context, runtime);
  }

  unregister(runtime: ContextRuntime): void {
    if (this.runtimes.get(runtime.context) === runtime) this.runtimes.delete(runtime.context);
  }

  contexts(): ContextRuntime[] {
    return [...this.runtimes.values()];
  }

  /** Erases the subject in every context of this process; the first one publishes the request. */
  async erase(input: {
    subjectId: string;
    reason: string;
    actor: Actor;
    correlationId?: string;
    now: string;
  }): Promise<{ requestId: string; contexts: ContextErasure[] }> {
    const runtimes = this.contexts();
    const requestId = newId();
    const correlationId = input.correlationId ?? requestId;
    const out: ContextErasure[] = [];
    for (let i = 0; i < runtimes.length; i++) {
      out.push(
        await eraseSubjectIn(runtimes[i], {
          subjectId: input.subjectId,
          requestId,
          origin: i === 0 ? 'request' : 'local',
          requestedIn: runtimes[0].context,
          requestedAt: input.now,
          actor: input.actor,
          correlationId,
          causationId: requestId,
          reason: input.reason,
        }),
      );
    }
    return { requestId, contexts: out };
  }
}

const registries = new WeakMap<object, PrivacyRegistry>();

/** One registry per bus (= per process: five contexts in standalone, one per service otherwise). */
export function privacyRegistryOf(bus: object): PrivacyRegistry {
  let r = registries.get(bus);
  if (!r) {
    r = new PrivacyRegistry();
    registries.set(bus, r);
  }
  return r;
}
