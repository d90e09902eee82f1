import fc from 'fast-check';
import { EmbeddedReadStore } from '../adapters/embedded/embedded-read-store';
import { recordUpserts, type RecordedUpsert } from '../testing/counting-gets';
import type { ReadStore } from '../read-store.port';
import {
  defineProjection,
  ensureProjectionIndexes,
  project,
  projectRun,
  ProjectionEventError,
  ProjectionStreamMismatchError,
  rebuildProjection,
  type ProjectOutcome,
} from './projection';
import { caseBoard, districtTally, type SampleCaseEvent, type SampleStoredEvent } from './case-board.sample';

// ----------------------------------------------------------------------------------------------
// histories

type Step = 'dispatch' | 'handle' | 'note' | 'close';
interface CaseScript {
  steps: Step[];
  withdraw: boolean;
  /** After a withdrawal: reported again (a new document at a higher revision). */
  reportAgain: boolean;
}

function caseEvents(n: number, script: CaseScript): SampleCaseEvent[] {
  const out: SampleCaseEvent[] = [{ type: 'CaseReported', data: { title: `事件 ${n}`, village: n % 2 ? '东村' : '西村' } }];
  for (const [i, step] of script.steps.entries()) {
    if (step === 'dispatch') out.push({ type: 'CaseDispatched', data: { department: `部门 ${i}` } });
    else if (step === 'handle') out.push({ type: 'CaseHandled', data: { note: `处置 ${i}` } });
    else if (step === 'note') out.push({ type: 'CaseNoteAdded', data: { note: `备注 ${i}` } });
    else out.push({ type: 'CaseClosed', data: {} });
  }
  if (script.withdraw) {
    out.push({ type: 'CaseWithdrawn', data: { reason: '群众撤回' } });
    if (script.reportAgain) out.push({ type: 'CaseReported', data: { title: `事件 ${n}（再次上报）`, village: '南村' } });
  }
  return out;
}

/** Merges per-case streams into one store order; `picks` choose the next stream. */
function historyOf(streams: ReadonlyArray<readonly [string, SampleCaseEvent[]]>, picks: readonly number[]): SampleStoredEvent[] {
  const cursor = streams.map(() => 0);
  const out: SampleStoredEvent[] = [];
  for (let k = 0; ; k++) {
    const open = streams.map((_, i) => i).filter((i) => cursor[i] < streams[i][1].length);
    if (open.length === 0) return out;
    const i = open[(picks[k] ?? 0) % open.length];
    const [streamId, events] = streams[i];
    out.push({ ...events[cursor[i]], streamId, revision: cursor[i], globalPosition: out.length + 1 } as SampleStoredEvent);
    cursor[i] += 1;
  }
}

/** At-least-once delivery: after the event at `after`, an earlier event (`which`) comes again. */
function withRedeliveries(history: readonly SampleStoredEvent[], redeliveries: ReadonlyArray<readonly [number, number]>): SampleStoredEvent[] {
  const extra = new Map<number, SampleStoredEvent[]>();
  for (const [after, which] of redeliveries) {
    const a = after % history.length;
    extra.set(a, [...(extra.get(a) ?? []), history[which % (a + 1)]]);
  }
  return history.flatMap((e, i) => [e, ...(extra.get(i) ?? [])]);
}

/** Any case's script: its steps, and whether it is withdrawn (and reported again). */
const SCRIPT = fc.record({
  steps: fc.array(fc.constantFrom<Step>('dispatch', 'handle', 'note', 'close'), { maxLength: 5 }),
  withdraw: fc.boolean(),
  reportAgain: fc.boolean(),
});

/** The store order of the scripted cases' streams, merged by `picks`. */
const scriptedHistory = (scripts: readonly CaseScript[], picks: readonly number[]): SampleStoredEvent[] =>
  historyOf(
    scripts.map((s, i) => [`grid-case-c${i}`, caseEvents(i, s)] as const),
    picks,
  );

/** A view that (wrongly) puts every stream into one document: its guard must refuse the second stream. */
const wronglyMerged = defineProjection<{ n: number }, SampleStoredEvent>({
  name: 'wrongly-merged',
  collection: 'merged',
  idOf: () => 'one-doc',
  evolve: (doc) => ({ n: (doc?.n ?? 0) + 1 }),
});

const ev = (streamId: string, revision: number, globalPosition: number, e: SampleCaseEvent): SampleStoredEvent =>
  ({ ...e, streamId, revision, globalPosition }) as SampleStoredEvent;

/** c1 goes all the way to closed, c2 is withdrawn, c3 stays dispatched; an audit stream the views ignore. */
const FIXED: SampleStoredEvent[] = [
  ev('grid-case-c1', 0, 1, { type: 'CaseReported', data: { title: '消防通道被占用', village: '东村' } }),
  ev('grid-case-c2', 0, 2, { type: 'CaseReported', data: { title: '噪音扰民', village: '西村' } }),
  ev('grid-case-c1', 1, 3, { type: 'CaseDispatched', data: { department: '城管' } }),
  ev('grid-case-c3', 0, 4, { type: 'CaseReported', data: { title: '路灯损坏', village: '东村' } }),
  ev('audit-export-1', 0, 5, { type: 'CaseNoteAdded', data: { note: '导出' } }),
  ev('grid-case-c2', 1, 6, { type: 'CaseWithdrawn', data: { reason: '已自行解决' } }),
  ev('grid-case-c1', 2, 7, { type: 'CaseNoteAdded', data: { note: '现场照片' } }),
  ev('grid-case-c3', 1, 8, { type: 'CaseDispatched', data: { department: '供电所' } }),
  ev('grid-case-c1', 3, 9, { type: 'CaseDispatched', data: { department: '消防' } }),
  ev('grid-case-c1', 4, 10, { type: 'CaseHandled', data: { note: '已清理' } }),
  ev('grid-case-c1', 5, 11, { type: 'CaseClosed', data: {} }),
];

const EXPECTED_BOARD = [
  {
    _id: 'c1',
    _revision: 5,
    _stream: 'grid-case-c1',
    title: '消防通道被占用',
    village: '东村',
    status: 'closed',
    department: '消防',
    dispatchCount: 2,
    notes: 2,
  },
  {
    _id: 'c3',
    _revision: 1,
    _stream: 'grid-case-c3',
    title: '路灯损坏',
    village: '东村',
    status: 'dispatched',
    department: '供电所',
    dispatchCount: 1,
    notes: 0,
  },
];

// ----------------------------------------------------------------------------------------------

const stores: ReadStore[] = [];
function freshStore(): ReadStore {
  const s = new EmbeddedReadStore({ path: ':memory:' });
  stores.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

async function runAll(store: ReadStore, events: readonly SampleStoredEvent[]): Promise<ProjectOutcome[]> {
  const outcomes: ProjectOutcome[] = [];
  for (const e of events) {
    outcomes.push(await project(store, caseBoard, e));
    await project(store, districtTally, e);
  }
  return outcomes;
}

async function board(store: ReadStore): Promise<unknown[]> {
  return store.find(caseBoard.collection, {}, { sort: { _id: 1 } });
}

async function tally(store: ReadStore): Promise<unknown[]> {
  return store.find(districtTally.collection, {});
}

describe('project with the stream-revision guard (case board: one stream per document)', () => {
  it('builds the board from a history', async () => {
    const store = freshStore();
    await runAll(store, FIXED);
    expect(await board(store)).toEqual(EXPECTED_BOARD);
  });

  it('run twice: every event applied twice in a row gives the same board as once', async () => {
    const store = freshStore();
    const outcomes = await runAll(
      store,
      FIXED.flatMap((e) => [e, e]),
    );
    expect(await board(store)).toEqual(EXPECTED_BOARD);
    // every second application was recognised as a redelivery (or not for this view at all)
    for (let i = 1; i < outcomes.length; i += 2) expect(['stale', 'ignored']).toContain(outcomes[i].kind);
  });

  it('run twice: replaying the whole history after it changes nothing', async () => {
    const store = freshStore();
    await runAll(store, FIXED);
    const second = await runAll(store, FIXED);
    expect(await board(store)).toEqual(EXPECTED_BOARD);
    expect(second.filter((o) => o.kind === 'written' || o.kind === 'deleted')).toEqual([]);
  });

  it('a redelivered older event after the removal does not bring the case back (tombstone)', async () => {
    const store = freshStore();
    await runAll(store, FIXED);
    // CaseReported r0 again: evolve makes a document from it, the tombstone (revision 1) refuses the write
    expect(await project(store, caseBoard, FIXED[1])).toEqual({ kind: 'stale', id: 'c2', revision: 0 });
    expect(await store.get(caseBoard.collection, 'c2')).toBeNull();
  });

  it('reports what it did for each event', async () => {
    const store = freshStore();
    expect(await project(store, caseBoard, FIXED[0])).toEqual({ kind: 'written', id: 'c1', revision: 0 });
    expect(await project(store, caseBoard, FIXED[0])).toEqual({ kind: 'stale', id: 'c1', revision: 0 });
    expect(await project(store, caseBoard, FIXED[4])).toEqual({ kind: 'ignored', id: null });
    expect(await project(store, caseBoard, FIXED[1])).toEqual({ kind: 'written', id: 'c2', revision: 0 });
    expect(await project(store, caseBoard, FIXED[5])).toEqual({ kind: 'deleted', id: 'c2', revision: 1 });
    expect(await project(store, caseBoard, FIXED[5])).toEqual({ kind: 'ignored', id: 'c2' });
    // an update for a case the board never saw (its report is still to come) makes no document
    expect(await project(store, caseBoard, FIXED[7])).toEqual({ kind: 'ignored', id: 'c3' });
  });

  it('tells the store which write is a document’s first (expectNew), so an adapter may insert it plainly', async () => {
    const store = freshStore();
    const writes = recordUpserts(store);
    for (const e of [FIXED[0], FIXED[2], FIXED[1]]) await project(store, caseBoard, e);
    // c1's report (revision 0) is its first write, the dispatch (revision 1) is not; c2's report is
    expect(writes.map((w) => [w.id, w.revision, w.expectNew])).toEqual([
      ['c1', 0, true],
      ['c1', 1, false],
      ['c2', 0, true],
    ]);
  });

  it('property: any interleaving with any redeliveries gives the board and tally of a single delivery', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(SCRIPT, { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat({ max: 50 }), { maxLength: 40 }),
        fc.array(fc.tuple(fc.nat({ max: 200 }), fc.nat({ max: 200 })), { minLength: 1, maxLength: 20 }),
        async (scripts, picks, redeliveries) => {
          const history = scriptedHistory(scripts, picks);
          const once = new EmbeddedReadStore({ path: ':memory:' });
          const dup = new EmbeddedReadStore({ path: ':memory:' });
          try {
            await runAll(once, history);
            const delivered = withRedeliveries(history, redeliveries);
            await runAll(dup, delivered);
            expect(await board(dup)).toEqual(await board(once));
            expect(await tally(dup)).toEqual(await tally(once));
          } finally {
            await once.close();
            await dup.close();
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('concurrent calls for one case’s events, made in order, give the same result as one by one', async () => {
    const store = freshStore();
    const c1 = FIXED.filter((e) => e.streamId === 'grid-case-c1');
    const outcomes = await Promise.all(c1.map((e) => project(store, caseBoard, e)));
    expect(outcomes.map((o) => o.kind)).toEqual(['written', 'written', 'written', 'written', 'written', 'written']);
    expect(await store.get(caseBoard.collection, 'c1')).toEqual(EXPECTED_BOARD[0]);
  });

  it('refuses an event of another stream for the same document', async () => {
    const store = freshStore();
    await project(store, wronglyMerged, FIXED[0]);
    await expect(project(store, wronglyMerged, FIXED[1])).rejects.toMatchObject({ code: ProjectionStreamMismatchError.code });
    expect(await store.get(wronglyMerged.collection, 'one-doc')).toMatchObject({ n: 1, _stream: 'grid-case-c1' });
  });

  it('refuses an event without a usable revision', async () => {
    const store = freshStore();
    for (const revision of [-1, 1.5, Number.NaN]) {
      await expect(project(store, caseBoard, { ...FIXED[0], revision })).rejects.toMatchObject({ code: ProjectionEventError.code });
    }
    expect(await store.count(caseBoard.collection, {})).toBe(0);
  });
});

/** What was written: (collection, id, revision) of each upsert. */
const written = (writes: readonly RecordedUpsert[]) => writes.map((w) => [w.collection, w.id, w.revision]);

/** Splits `events` into consecutive runs at the given cut points. */
function runsOf<T>(events: readonly T[], cuts: readonly number[]): T[][] {
  const at = [...new Set(cuts.map((c) => c % (events.length + 1)))].sort((a, b) => a - b);
  const out: T[][] = [];
  let start = 0;
  for (const c of [...at, events.length]) {
    if (c > start) out.push(events.slice(start, c));
    start = Math.max(start, c);
  }
  return out;
}

describe('projectRun (a stream’s events together, one write)', () => {
  const c1 = FIXED.filter((e) => e.streamId === 'grid-case-c1');

  it('writes a case’s six events once, leaving the document one-by-one projection leaves', async () => {
    const store = freshStore();
    const writes = recordUpserts(store);
    expect(await projectRun(store, caseBoard, c1)).toEqual({ kind: 'written', id: 'c1', revision: 5, applied: 6 });
    expect(written(writes)).toEqual([[caseBoard.collection, 'c1', 5]]);
    expect(await store.get(caseBoard.collection, 'c1')).toEqual(EXPECTED_BOARD[0]);
  });

  it('skips the events the document already reflects, and writes nothing when it reflects them all', async () => {
    const store = freshStore();
    for (const e of c1.slice(0, 3)) await project(store, caseBoard, e);
    const writes = recordUpserts(store);
    expect(await projectRun(store, caseBoard, c1.slice(1))).toEqual({ kind: 'written', id: 'c1', revision: 5, applied: 3 });
    expect(await projectRun(store, caseBoard, c1)).toEqual({ kind: 'stale', id: 'c1', revision: 5, applied: 0 });
    expect(written(writes)).toEqual([[caseBoard.collection, 'c1', 5]]);
    expect(await store.get(caseBoard.collection, 'c1')).toEqual(EXPECTED_BOARD[0]);
  });

  it('leaves to project, writing nothing, what one write cannot express', async () => {
    const store = freshStore();
    const writes = recordUpserts(store);
    const c2 = FIXED.filter((e) => e.streamId === 'grid-case-c2');
    // a removal (the withdrawal), two streams, revisions out of order, a view's global-position guard
    expect(await projectRun(store, caseBoard, c2)).toBeUndefined();
    expect(await projectRun(store, caseBoard, [FIXED[0], FIXED[1]])).toBeUndefined();
    expect(await projectRun(store, caseBoard, [c1[1], c1[0]])).toBeUndefined();
    expect(await projectRun(store, districtTally, c1)).toBeUndefined();
    expect(written(writes)).toEqual([]);
  });

  it('on a removed document (a tombstone it cannot see) writes in one go only a run that starts the stream', async () => {
    const store = freshStore();
    const c2 = FIXED.filter((e) => e.streamId === 'grid-case-c2'); // reported (0), withdrawn (1): removed
    for (const e of c2) await project(store, caseBoard, e);
    const again = ev('grid-case-c2', 2, 12, { type: 'CaseReported', data: { title: '噪音扰民（再次上报）', village: '西村' } });
    const writes = recordUpserts(store);
    // the redelivered report (0) and the new one (2): the report below the tombstone must not shape the document
    expect(await projectRun(store, caseBoard, [c2[0], again])).toBeUndefined();
    expect(writes).toEqual([]);
    // one by one, as the caller then does: the old report is stale, the new one makes the document
    for (const e of [c2[0], again]) await project(store, caseBoard, e);
    expect(await store.get(caseBoard.collection, 'c2')).toMatchObject({ _revision: 2, title: '噪音扰民（再次上报）' });
  });

  it('throws what project throws: an event without a usable revision, a document of another stream', async () => {
    const store = freshStore();
    await expect(projectRun(store, caseBoard, [c1[0], { ...c1[1], revision: 1.5 }])).rejects.toMatchObject({ code: ProjectionEventError.code });
    await project(store, wronglyMerged, FIXED[0]);
    const c2 = FIXED.filter((e) => e.streamId === 'grid-case-c2');
    await expect(projectRun(store, wronglyMerged, c2)).rejects.toMatchObject({ code: ProjectionStreamMismatchError.code });
  });

  it('property: any split of each stream into runs, with redeliveries, gives the board of one-by-one projection', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(SCRIPT, { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat({ max: 50 }), { maxLength: 40 }),
        fc.array(fc.nat({ max: 60 }), { maxLength: 12 }),
        fc.array(fc.tuple(fc.nat({ max: 200 }), fc.nat({ max: 200 })), { maxLength: 10 }),
        async (scripts, picks, cuts, redeliveries) => {
          const history = scriptedHistory(scripts, picks);
          const once = new EmbeddedReadStore({ path: ':memory:' });
          const runs = new EmbeddedReadStore({ path: ':memory:' });
          try {
            for (const e of history) await project(once, caseBoard, e);
            // the delivery in runs: consecutive events of one stream (in stream order) go together
            const delivered = withRedeliveries(history, redeliveries);
            for (const run of runsOf(delivered, cuts)) {
              const byStream = new Map<string, SampleStoredEvent[]>();
              for (const e of run) byStream.set(e.streamId, [...(byStream.get(e.streamId) ?? []), e]);
              for (const events of byStream.values()) {
                if ((await projectRun(runs, caseBoard, events)) === undefined) for (const e of events) await project(runs, caseBoard, e);
              }
            }
            expect(await board(runs)).toEqual(await board(once));
          } finally {
            await once.close();
            await runs.close();
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('project with the global-position guard (district tally: many streams into one document)', () => {
  const EXPECTED_TALLY = [{ _id: 'district-1', _revision: 11, reported: 3, withdrawn: 1, closed: 1 }];

  it('counts each event once', async () => {
    const store = freshStore();
    await runAll(store, FIXED);
    expect(await tally(store)).toEqual(EXPECTED_TALLY);
  });

  it('run twice: each event twice in a row, and a replay from an old checkpoint, count once', async () => {
    const store = freshStore();
    for (const e of FIXED) {
      await project(store, districtTally, e);
      await project(store, districtTally, e);
    }
    for (const e of FIXED.slice(3)) await project(store, districtTally, e); // a reader restarting from checkpoint 3
    expect(await tally(store)).toEqual(EXPECTED_TALLY);
  });

  it('refuses an event without a global position', async () => {
    const store = freshStore();
    const { globalPosition: _omit, ...withoutPosition } = FIXED[0];
    await expect(project(store, districtTally, withoutPosition as SampleStoredEvent)).rejects.toMatchObject({ code: ProjectionEventError.code });
  });
});

describe('rebuildProjection', () => {
  it('empties the view and rebuilds the same documents as live projection', async () => {
    const store = freshStore();
    await runAll(store, FIXED);
    await store.upsert(caseBoard.collection, { _id: 'junk', title: 'left over' }, { revision: 99 });
    await store.upsert(caseBoard.collection, { _id: 'c1', title: 'corrupted' }, { revision: 99 });
    const result = await rebuildProjection(store, caseBoard, FIXED);
    expect(await board(store)).toEqual(EXPECTED_BOARD);
    expect(result).toEqual({ events: 11, written: 9, deleted: 1, stale: 0, ignored: 1, parked: 0 });
  });

  it('reads an async iterable (an event store reader)', async () => {
    const store = freshStore();
    async function* read(): AsyncGenerator<SampleStoredEvent> {
      for (const e of FIXED) yield e;
    }
    await rebuildProjection(store, districtTally, read());
    expect(await tally(store)).toEqual([{ _id: 'district-1', _revision: 11, reported: 3, withdrawn: 1, closed: 1 }]);
  });
});

describe('defineProjection', () => {
  it('checks the collection name, guard and indexes up front', () => {
    const base = { name: 'x', idOf: () => 'a', evolve: () => null };
    expect(() => defineProjection({ ...base, collection: 'bad.name' })).toThrow(expect.objectContaining({ code: 'READ_STORE.INVALID_ARGUMENT' }));
    expect(() => defineProjection({ ...base, collection: 'ok', guard: 'eventId' as never })).toThrow(
      expect.objectContaining({ code: ProjectionEventError.code }),
    );
    expect(() => defineProjection({ ...base, collection: 'ok', indexes: [{ keys: { 'a.$b': 1 } }] })).toThrow(
      expect.objectContaining({ code: 'READ_STORE.INVALID_ARGUMENT' }),
    );
    expect(defineProjection({ ...base, collection: 'ok' }).guard).toBe('streamRevision');
  });

  it('ensureProjectionIndexes creates the view’s indexes (a conflicting redefinition is refused)', async () => {
    const store = freshStore();
    await ensureProjectionIndexes(store, caseBoard);
    await ensureProjectionIndexes(store, caseBoard);
    await expect(store.ensureIndexes(caseBoard.collection, [{ keys: { status: 1 }, name: 'village_1_status_1' }])).rejects.toMatchObject({
      code: 'READ_STORE.INVALID_ARGUMENT',
    });
  });
});
