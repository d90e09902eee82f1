/**
 * Read-model projections (STYLE "Adapters", Oskar Dudycz's revision guard): a pure
 * `evolve(doc | null, event) → doc | null` per view, and `project`, which loads the document,
 * evolves it and writes it back through the store's revision guard.
 *
 * Which number guards the write — the decision:
 *
 * `guard: 'streamRevision'` (default). The document's `_revision` is the revision (0-based position
 * in its stream) of the last event applied. Chosen because
 * - delivery keeps exactly that order: Kafka messages are keyed by case id, i.e. one stream per
 *   key, so a consumer sees a stream's events in revision order (and the in-process bus promises
 *   the same); a redelivered event carries the revision it had → `_revision` ≥ it → no-op;
 * - it is the same number in every event store and in every rebuild or migration (SQLite, MongoDB,
 *   KurrentDB), while `globalPosition` is store-specific (KurrentDB's is a log offset);
 * - it is the revision HTTP handlers use for ETag / If-Match, so a view that sees every event of
 *   its stream can hand `_revision` out as the ETag of the case.
 * It works for views with ONE STREAM PER DOCUMENT (a case's board entry, a petition's dossier
 * summary). `project` records the stream in `_stream` and refuses an event of another stream
 * (`ProjectionStreamMismatchError`) instead of silently comparing revisions of two streams.
 *
 * `guard: 'globalPosition'`: `_revision` is the store-wide position. For a view fed from ONE
 * ordered feed of all events (the event store's `readAll`, a rebuild), including documents built
 * from several streams. Do not use it behind Kafka for documents fed by several partitions: their
 * events arrive out of global order and a later-arriving older position would be dropped.
 * Documents that count across many streams in distributed mode (per-unit counters) need the
 * consumer inbox (processed event ids), not a revision guard.
 *
 * Delivery contract: call `project` for one document's events in order (the bus's per-key order).
 * Calls for the same document within one process are queued (a keyed lock), so concurrent calls
 * cannot interleave load → evolve → write. The load is skipped when this process wrote the
 * document last: the write is then a compare-and-set on that version, and anything else is decided
 * again on the stored document (`last-written.ts`). `evolve` returning `null` removes the document with a
 * guarded delete (a tombstone), so an older event redelivered after the removal does not bring it
 * back.
 */
import { DomainError, ValidationError } from '@fengqiao/kernel';
import { KeyedLock } from '../internal/keyed-lock';
import { perStore } from '../internal/per-store';
import { READ_AGAIN, withLastWritten } from './last-written';
import { applyOrPark, type ParkingOptions, type ParkOutcome } from './parking';
import { assertCollectionName, validateIndexSpecs } from '../query/query-validation';
import type { IndexSpec, ReadDoc, ReadDocInput, ReadStore } from '../read-store.port';

/** What `project` needs of an event: the stored envelope (`StoredEvent` of the event store) fits. */
export interface ProjectionEvent {
  streamId: string;
  /** 0-based position of the event in its stream. */
  revision: number;
  /** Store-wide position; required by `guard: 'globalPosition'`. */
  globalPosition?: number;
}

export type ProjectionGuard = 'streamRevision' | 'globalPosition';

/** Field in which `project` records the source stream of a `streamRevision` view's document. */
export const STREAM_FIELD = '_stream';

/** A view document as `evolve` receives it: the view's fields plus the store's metadata. */
export type ViewDoc<Doc extends object> = ReadDoc<Doc> & { [STREAM_FIELD]?: string };

export interface ProjectionDefinition<Doc extends object, E extends ProjectionEvent> {
  /** For logs and consumer-group names, e.g. `case-board`. */
  name: string;
  collection: string;
  /** The document an event belongs to; `null` when the view does not use the event. */
  idOf: (event: E) => string | null;
  /** Pure, never throws: the next document, or `null` for "no document" (removes an existing one). */
  evolve: (doc: ViewDoc<Doc> | null, event: E) => Doc | null;
  /** Default `'streamRevision'`; see the module comment. */
  guard?: ProjectionGuard;
  /** Indexes for the view's queries, created by `ensureProjectionIndexes` and rebuilds. */
  indexes?: readonly IndexSpec[];
}

export interface Projection<Doc extends object, E extends ProjectionEvent> {
  readonly name: string;
  readonly collection: string;
  readonly idOf: (event: E) => string | null;
  readonly evolve: (doc: ViewDoc<Doc> | null, event: E) => Doc | null;
  readonly guard: ProjectionGuard;
  readonly indexes: readonly IndexSpec[];
}

export type ProjectOutcome =
  /** The document was written at `revision`. */
  | { kind: 'written'; id: string; revision: number }
  /** `evolve` returned null for an existing document: it was removed (tombstone at `revision`). */
  | { kind: 'deleted'; id: string; revision: number }
  /** The document already reflects this event or a later one (redelivery, older event): nothing written. */
  | { kind: 'stale'; id: string; revision: number }
  /** The view does not use the event (`idOf` gave null, or there is no document and `evolve` made none). */
  | { kind: 'ignored'; id: string | null };

export class ProjectionStreamMismatchError extends DomainError {
  static readonly code = 'PROJECTION.STREAM_MISMATCH';

  constructor(projection: string, id: string, stored: string | undefined, incoming: string) {
    super(
      ProjectionStreamMismatchError.code,
      `读模型 ${projection} 的文档 ${id} 来自事件流 ${stored ?? '（未记录）'}，不能再应用事件流 ${incoming} 的事件：按流版本防重只适用于"一个文档对应一个事件流"`,
      'illegal_state',
      { projection, id, stored, incoming },
    );
  }
}

export class ProjectionEventError extends ValidationError {
  static readonly code = 'PROJECTION.INVALID_EVENT';

  constructor(projection: string, reason: string) {
    super(ProjectionEventError.code, `读模型 ${projection} 收到的事件无效：${reason}`, { projection, reason });
  }
}

/** `idOf` or `evolve` threw: the event is one this view cannot apply (it gets parked, see parking.ts). */
export class ProjectionEvolveError extends ValidationError {
  static readonly code = 'PROJECTION.EVOLVE_FAILED';

  constructor(projection: string, cause: unknown) {
    const reason = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(ProjectionEvolveError.code, `读模型 ${projection} 无法应用该事件：${reason}`, { projection, reason });
  }
}

function guarded<T>(projection: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw new ProjectionEvolveError(projection, e);
  }
}

export function defineProjection<Doc extends object, E extends ProjectionEvent>(definition: ProjectionDefinition<Doc, E>): Projection<Doc, E> {
  if (typeof definition.name !== 'string' || definition.name.length === 0) throw new ProjectionEventError(String(definition.name), '投影须有名称');
  assertCollectionName(definition.collection);
  const guard = definition.guard ?? 'streamRevision';
  if (guard !== 'streamRevision' && guard !== 'globalPosition') throw new ProjectionEventError(definition.name, `未知的防重方式 ${String(guard)}`);
  const indexes = definition.indexes ?? [];
  validateIndexSpecs(indexes);
  return Object.freeze({
    name: definition.name,
    collection: definition.collection,
    idOf: definition.idOf,
    evolve: definition.evolve,
    guard,
    indexes,
  });
}

const lockOf = perStore(() => new KeyedLock());

/**
 * Runs `work` (a read, then a write guarded by what it read) alone among this process's writers of
 * the same document of `store`, the projections' included: two handlers of one process (e.g.
 * consumers of two topics about one case) then never both read the same revision, and neither loses
 * its guarded write to the other. Writers in other processes are still decided by the guard.
 */
export function withDocumentLock<T>(store: ReadStore, collection: string, id: string, work: () => Promise<T>): Promise<T> {
  return lockOf(store).run(`${collection}\u0000${id}`, work);
}

/** The number the write is guarded by (see the module comment). */
export function guardRevisionOf(projection: Pick<Projection<object, ProjectionEvent>, 'name' | 'guard'>, event: ProjectionEvent): number {
  const value = projection.guard === 'streamRevision' ? event.revision : event.globalPosition;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    const field = projection.guard === 'streamRevision' ? 'revision' : 'globalPosition';
    throw new ProjectionEventError(projection.name, `${field} 须为不小于 0 的安全整数（实际：${String(value)}）`);
  }
  return value;
}

/** The document to store for `evolve`'s result: its fields, the id and (stream-revision views) the stream; the store keeps the revision. */
function viewDocument<Doc extends object>(next: Doc, id: string, streamId: string | undefined): ReadDocInput<ViewDoc<Doc>> {
  const { _revision: _ignored, [STREAM_FIELD]: _stream, ...fields } = next as Doc & { _revision?: number; [STREAM_FIELD]?: string };
  return (streamId === undefined ? { ...fields, _id: id } : { ...fields, _id: id, [STREAM_FIELD]: streamId }) as ReadDocInput<ViewDoc<Doc>>;
}

/** Applies one event to its view document: load, evolve, write guarded by the revision. */
export async function project<Doc extends object, E extends ProjectionEvent>(
  store: ReadStore,
  projection: Projection<Doc, E>,
  event: E,
): Promise<ProjectOutcome> {
  const id = guarded(projection.name, () => projection.idOf(event));
  if (id === null) return { kind: 'ignored', id: null };
  const revision = guardRevisionOf(projection, event);
  const byStream = projection.guard === 'streamRevision';
  if (byStream && (typeof event.streamId !== 'string' || event.streamId.length === 0)) {
    throw new ProjectionEventError(projection.name, 'streamId 须为非空字符串');
  }
  // the document as this process last wrote it when it has it (no read; the write then checks it
  // is still that version), else as stored: last-written.ts
  return withDocumentLock(store, projection.collection, id, () =>
    withLastWritten<ViewDoc<Doc>, ProjectOutcome>(store, projection.collection, id, async ({ current, remembered, write }) => {
      if (current !== null && byStream && current[STREAM_FIELD] !== event.streamId) {
        if (remembered) return READ_AGAIN;
        throw new ProjectionStreamMismatchError(projection.name, id, current[STREAM_FIELD], event.streamId);
      }
      if (current !== null && current._revision >= revision) return remembered ? READ_AGAIN : { kind: 'stale', id, revision };
      const next = guarded(projection.name, () => projection.evolve(current, event));
      if (next === null) {
        if (remembered) return READ_AGAIN;
        if (current === null) return { kind: 'ignored', id };
        const removed = await store.delete(projection.collection, id, { revision });
        return removed ? { kind: 'deleted', id, revision } : { kind: 'stale', id, revision };
      }
      if (await write(viewDocument(next, id, byStream ? event.streamId : undefined), { revision, expectNew: current === null }))
        return { kind: 'written', id, revision };
      return remembered ? READ_AGAIN : { kind: 'stale', id, revision };
    }),
  );
}

/** `projectRun`'s step found an event one write cannot express (a removal). */
const NOT_ONE_WRITE: unique symbol = Symbol('not one write');

/** What `projectRun` did: how many of the run's events went into the one write, and the outcome. */
export type ProjectRunOutcome = ProjectOutcome & { applied: number };

/**
 * Applies a run of events of ONE stream (in stream order, e.g. the events of one commit) to their
 * view document with one load and ONE write (issue 15: on FerretDB every write is a command of its
 * own, and a case's commit often holds two or three events for the same view document). The
 * result is the document `project` would leave after the same events one by one: each event is
 * evolved on the document the events before it made, stale ones are skipped by the same revision
 * guard, and the write is guarded by the last event's revision (a lost write means the stored
 * document already reflects the whole run).
 *
 * Anything a single write cannot express is left to `project`, event by event: a run whose events
 * belong to different documents or streams (or that a view does not use), an `evolve` that removes
 * the document (`null`), a run on a missing (maybe removed) document that does not start its stream,
 * and any error (an event this view cannot apply is then parked alone, by the
 * caller's per-event path, and the other events still apply).
 */
export async function projectRun<Doc extends object, E extends ProjectionEvent>(
  store: ReadStore,
  projection: Projection<Doc, E>,
  events: readonly E[],
): Promise<ProjectRunOutcome | undefined> {
  if (events.length === 0) return undefined;
  const byStream = projection.guard === 'streamRevision';
  const first = events[0];
  const id = guarded(projection.name, () => projection.idOf(first));
  const revisions = events.map((e) => guardRevisionOf(projection, e));
  if (id === null || !byStream || typeof first.streamId !== 'string' || first.streamId.length === 0) return undefined;
  for (let i = 1; i < events.length; i++) {
    if (events[i].streamId !== first.streamId || !(revisions[i] > revisions[i - 1])) return undefined;
    if (guarded(projection.name, () => projection.idOf(events[i])) !== id) return undefined;
  }
  const outcome = await withDocumentLock(store, projection.collection, id, () =>
    withLastWritten<ViewDoc<Doc>, ProjectRunOutcome | typeof NOT_ONE_WRITE>(store, projection.collection, id, async ({ current, remembered, write }) => {
      if (current !== null && current[STREAM_FIELD] !== first.streamId) {
        if (remembered) return READ_AGAIN;
        throw new ProjectionStreamMismatchError(projection.name, id, current[STREAM_FIELD], first.streamId);
      }
      // No live document: it may be removed, and its tombstone's revision is not known here, so an
      // event below it could not be told stale. One write only for a run that starts the stream
      // (revisions 0, 1, 2, …): a removal inside it is one of its own events, which evolve removes
      // again (one by one then); a tombstone above it refuses the write, as it would each event.
      if (current === null && revisions.some((r, i) => r !== i)) return NOT_ONE_WRITE;
      let doc: ViewDoc<Doc> | null = current;
      let applied = 0;
      let last = -1;
      for (let i = 0; i < events.length; i++) {
        if (doc !== null && doc._revision >= revisions[i]) continue;
        const next = guarded(projection.name, () => projection.evolve(doc, events[i]));
        if (next === null) return remembered ? READ_AGAIN : NOT_ONE_WRITE;
        // what the next event sees: the document as project() would have stored it
        doc = { ...viewDocument(next, id, first.streamId), _revision: revisions[i] } as ViewDoc<Doc>;
        applied += 1;
        last = revisions[i];
      }
      if (doc === null || last < 0) return remembered ? READ_AGAIN : { kind: 'stale', id, revision: revisions[revisions.length - 1], applied: 0 };
      if (await write(viewDocument(doc, id, first.streamId), { revision: last, expectNew: current === null }))
        return { kind: 'written', id, revision: last, applied };
      return remembered ? READ_AGAIN : { kind: 'stale', id, revision: last, applied: 0 };
    }),
  );
  return outcome === NOT_ONE_WRITE ? undefined : outcome;
}

/**
 * `project`, except that an event the view cannot apply is parked (recorded with the reason in
 * `parked_events`, see parking.ts) instead of thrown; transient failures still throw, for the
 * caller to retry. What every projector should call.
 */
export function projectOrPark<Doc extends object, E extends ProjectionEvent & { id?: string; type?: string }>(
  store: ReadStore,
  projection: Projection<Doc, E>,
  event: E,
  options: ParkingOptions = {},
): Promise<ProjectOutcome | ParkOutcome> {
  return applyOrPark(store, projection.name, event, () => project(store, projection, event), options);
}

/** Creates the view's indexes (idempotent); call at startup, before the consumer runs. */
export async function ensureProjectionIndexes(
  store: ReadStore,
  projection: Pick<Projection<object, ProjectionEvent>, 'collection' | 'indexes'>,
): Promise<void> {
  await store.ensureIndexes(projection.collection, projection.indexes);
}

export interface RebuildResult {
  events: number;
  written: number;
  deleted: number;
  stale: number;
  ignored: number;
  parked: number;
}

/**
 * Rebuilds a view from scratch: empties its collection, ensures its indexes, and projects `events`
 * (a stream or the event store's `readAll`, in order); an event it cannot apply is parked, not
 * thrown. Stop the view's live consumer first (or
 * rebuild into a new collection and switch), or its writes interleave with the rebuild.
 */
export async function rebuildProjection<Doc extends object, E extends ProjectionEvent>(
  store: ReadStore,
  projection: Projection<Doc, E>,
  events: Iterable<E> | AsyncIterable<E>,
  options: ParkingOptions = {},
): Promise<RebuildResult> {
  await store.deleteAll(projection.collection);
  await store.ensureIndexes(projection.collection, projection.indexes);
  const result: RebuildResult = { events: 0, written: 0, deleted: 0, stale: 0, ignored: 0, parked: 0 };
  for await (const event of events) {
    const outcome = await projectOrPark(store, projection, event, options);
    result.events += 1;
    result[outcome.kind] += 1;
  }
  return result;
}
