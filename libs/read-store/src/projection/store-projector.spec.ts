import { EmbeddedReadStore } from '../adapters/embedded/embedded-read-store';
import { caseBoard, CaseBoardEntry, type SampleCaseEvent, type SampleStoredEvent } from './case-board.sample';
import { recordUpserts } from '../testing/counting-gets';
import { listParkedEvents } from './parking';
import { defineProjection } from './projection';
import { ProjectedView, ProjectorFeed, StoreProjector, viewOf } from './store-projector';

/** An append-only log in the store's global order, as `EventStore.readAll` serves it. */
class Log implements ProjectorFeed<SampleStoredEvent> {
  readonly events: SampleStoredEvent[] = [];
  reads = 0;
  append(caseNo: number, ...events: SampleCaseEvent[]): void {
    const streamId = `grid-case-${caseNo}`;
    for (const e of events) {
      const revision = this.events.filter((x) => x.streamId === streamId).length;
      this.events.push({ ...e, streamId, revision, globalPosition: this.events.length + 1 } as SampleStoredEvent);
    }
  }
  readonly afterPositions: number[] = [];
  async readAll(o: { afterPosition: number; maxCount: number }): Promise<SampleStoredEvent[]> {
    this.reads++;
    this.afterPositions.push(o.afterPosition);
    return this.events.filter((e) => e.globalPosition > o.afterPosition).slice(0, o.maxCount);
  }
}

/** A view that only hands each event to `apply` (writes nothing). */
const recording = (apply: (e: SampleStoredEvent) => Promise<void>): ProjectedView<SampleStoredEvent> => ({
  name: 'recording',
  collection: 'recording',
  indexes: [],
  apply: (_store, e) => apply(e),
});

describe('StoreProjector (the one projector of the contexts)', () => {
  let store: EmbeddedReadStore;
  let log: Log;
  const projector = (batchSize = 3, checkpointEveryMs = 0) =>
    new StoreProjector({
      name: 'test.views',
      feed: log,
      store,
      views: [viewOf(caseBoard)],
      checkpoints: 'checkpoints',
      pollIntervalMs: 20,
      batchSize,
      checkpointEveryMs,
      onError: () => undefined,
    });

  beforeEach(() => {
    store = new EmbeddedReadStore({ path: ':memory:' });
    log = new Log();
  });
  afterEach(async () => {
    await store.close();
  });

  it('catches up in batches, saves the checkpoint, and a restart resumes from it without re-reading', async () => {
    for (let n = 1; n <= 4; n++)
      log.append(n, { type: 'CaseReported', data: { title: `事件 ${n}`, village: '东村' } }, { type: 'CaseDispatched', data: { department: '城管' } });
    const p = projector();
    await p.init();
    expect(await p.catchUp()).toBe(8);
    expect(p.checkpoint).toBe(8);
    expect(await store.get('checkpoints', 'test.views')).toMatchObject({ position: 8 });
    expect(await store.count('case_board', { status: 'dispatched' })).toBe(4);

    log.append(2, { type: 'CaseClosed', data: {} });
    const again = projector();
    await again.init();
    expect(again.checkpoint).toBe(8);
    expect(await again.catchUp()).toBe(1);
    expect(await store.get<CaseBoardEntry>('case_board', '2')).toMatchObject({ status: 'closed' });
  });

  it('serialises passes: concurrent catch-ups (commands in flight) apply each event once, and each resolves with its write visible', async () => {
    const p = projector(2);
    await p.init();
    const readsBefore = log.reads;
    const passes: Promise<number>[] = [];
    for (let n = 1; n <= 5; n++) {
      log.append(n, { type: 'CaseReported', data: { title: `事件 ${n}`, village: '西村' } }, { type: 'CaseHandled', data: { note: '已处置' } });
      passes.push(
        p.catchUp().then(async (count) => {
          // read-your-writes: once its catch-up resolves, the command's own case shows it
          expect(await store.get<CaseBoardEntry>('case_board', String(n))).toMatchObject({ status: 'handled', notes: 1 });
          return count;
        }),
      );
    }
    // the five catch-ups came before any pass started: they share one (10 events in batches of 2:
    // five full reads and the empty one that ends it), instead of one pass each
    expect(await Promise.all(passes)).toEqual([10, 10, 10, 10, 10]);
    expect(log.reads - readsBefore).toBe(6);
    expect(await store.count('case_board', { notes: 1 })).toBe(5);
  });

  it('a catch-up that comes while a pass runs gets a pass of its own after it (its event is read)', async () => {
    const p = projector();
    await p.init();
    log.append(1, { type: 'CaseReported', data: { title: '事件 1', village: '东村' } });
    const first = p.catchUp();
    await new Promise((r) => setImmediate(r)); // the first pass has started
    log.append(2, { type: 'CaseReported', data: { title: '事件 2', village: '东村' } });
    const second = p.catchUp();
    await first;
    await second;
    expect(await store.get('case_board', '2')).not.toBeNull();
    expect(p.checkpoint).toBe(2);
  });

  it('polls for what another replica appended, and waitFor resolves once the views have a position', async () => {
    const p = projector();
    await p.init();
    p.start();
    try {
      log.append(7, { type: 'CaseReported', data: { title: '事件 7', village: '东村' } });
      expect(await p.waitFor(1, 5_000)).toBe(true);
      expect(await store.get('case_board', '7')).not.toBeNull();
      expect(await p.waitFor(99, 50)).toBe(false);
    } finally {
      await p.stop();
    }
  });

  it('its poll takes over a checkpoint another replica moved on (the two share the read store), and applies none of what that one applied', async () => {
    log.append(1, { type: 'CaseReported', data: { title: '事件 1', village: '东村' } }, { type: 'CaseDispatched', data: { department: '城管' } });
    const a = projector();
    const appliedByB: number[] = [];
    const b = new StoreProjector<SampleStoredEvent>({
      name: 'test.views',
      feed: log,
      store,
      views: [recording(async (e) => void appliedByB.push(e.globalPosition))],
      checkpoints: 'checkpoints',
      pollIntervalMs: 20,
      batchSize: 3,
      checkpointEveryMs: 0,
      onError: () => undefined,
    });
    await a.init();
    await b.init();
    await a.catchUp();
    b.start();
    try {
      expect(await b.waitFor(2, 5_000)).toBe(true);
      log.append(2, { type: 'CaseReported', data: { title: '事件 2', village: '东村' } });
      expect(await b.waitFor(3, 5_000)).toBe(true);
      // b found the saved checkpoint once the feed showed it events, and applied only what came after it
      expect(appliedByB).toEqual([3]);
    } finally {
      await b.stop();
    }
    expect(await store.get('checkpoints', 'test.views')).toMatchObject({ position: 3 });
  });

  it('an idle poll reads the feed only, not the saved checkpoint', async () => {
    log.append(1, { type: 'CaseReported', data: { title: '事件 1', village: '东村' } });
    const p = projector();
    await p.init();
    await p.catchUp();
    const checkpointReads: string[] = [];
    const get = store.get.bind(store);
    store.get = (async (collection: string, id: string) => {
      if (collection === 'checkpoints') checkpointReads.push(id);
      return get(collection, id);
    }) as typeof store.get;
    const readsBefore = log.reads;
    p.start();
    try {
      const deadline = Date.now() + 5_000;
      while (log.reads - readsBefore < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      expect(log.reads - readsBefore).toBeGreaterThanOrEqual(5);
      expect(checkpointReads).toEqual([]);
      // news: the poll reads the checkpoint once before it applies them
      log.append(2, { type: 'CaseReported', data: { title: '事件 2', village: '东村' } });
      expect(await p.waitFor(2, 5_000)).toBe(true);
      expect(checkpointReads).toEqual(['test.views']);
    } finally {
      await p.stop();
    }
  });

  it('stop() ends a long catch-up after the page it is on, its checkpoint saved; a restart reads on from there', async () => {
    for (let n = 1; n <= 10; n++) log.append(n, { type: 'CaseReported', data: { title: `事件 ${n}`, village: '东村' } });
    const p = projector(2);
    await p.init();
    const pass = p.catchUp();
    // let it apply a page or two, then stop it
    while (p.checkpoint < 2) await new Promise((r) => setImmediate(r));
    await p.stop();
    const applied = await pass;
    expect(applied).toBeLessThan(10);
    expect(applied).toBe(p.checkpoint);
    expect(await store.get('checkpoints', 'test.views')).toMatchObject({ position: p.checkpoint });
    expect(await p.catchUp()).toBe(0);

    const again = projector(2);
    await again.init();
    expect(await again.catchUp()).toBe(10 - applied);
    expect(await store.count('case_board', {})).toBe(10);
  });

  it('saves the checkpoint at most once per checkpointEveryMs while passes apply a few events, after every full batch, and on stop()', async () => {
    const p = projector(3, 60_000);
    await p.init();
    const saves: number[] = [];
    const upsert = store.upsert.bind(store);
    store.upsert = (async (collection: string, doc: { _id: string; position?: number }, options: Parameters<typeof store.upsert>[2]) => {
      if (collection === 'checkpoints') saves.push(doc.position!);
      return upsert(collection, doc, options);
    }) as typeof store.upsert;
    // commands' catch-ups, one event each: the first saves (nothing saved yet), the next ones wait
    for (let n = 1; n <= 4; n++) {
      log.append(n, { type: 'CaseReported', data: { title: `事件 ${n}`, village: '东村' } });
      expect(await p.catchUp()).toBe(1);
    }
    expect(saves).toEqual([1]);
    expect(p.checkpoint).toBe(4);
    // a catch-up over many: every full batch is saved
    for (let n = 5; n <= 11; n++) log.append(n, { type: 'CaseReported', data: { title: `事件 ${n}`, village: '东村' } });
    expect(await p.catchUp()).toBe(7);
    expect(saves).toEqual([1, 7, 10]);
    await p.stop();
    expect(saves).toEqual([1, 7, 10, 11]);
    expect(await store.get('checkpoints', 'test.views')).toMatchObject({ position: 11 });
  });

  it('parallelStreams: applies the streams of a batch at the same time, each stream in store order', async () => {
    log.append(1, { type: 'CaseReported', data: { title: '事件 1', village: '东村' } }, { type: 'CaseHandled', data: { note: '已处置' } });
    log.append(2, { type: 'CaseReported', data: { title: '事件 2', village: '东村' } });
    const applied: string[] = [];
    let secondStarted!: () => void;
    const started = new Promise<void>((r) => (secondStarted = r));
    const p = new StoreProjector<SampleStoredEvent>({
      name: 'test.parallel',
      feed: log,
      store,
      views: [
        recording(async (e) => {
          if (e.streamId === 'grid-case-2') secondStarted();
          // the first event of case 1 waits until case 2 has started (or gives up after 2 s)
          if (e.streamId === 'grid-case-1' && e.revision === 0) await Promise.race([started, new Promise((r) => setTimeout(r, 2_000).unref())]);
          applied.push(`${e.streamId}@${e.revision}`);
        }),
      ],
      checkpoints: 'checkpoints',
      pollIntervalMs: 20,
      parallelStreams: true,
      onError: () => undefined,
    });
    await p.init();
    expect(await p.catchUp()).toBe(3);
    expect(applied).toEqual(['grid-case-2@0', 'grid-case-1@0', 'grid-case-1@1']);
    expect(p.checkpoint).toBe(3);
  });

  describe('parallelStreams with a view that applies a stream’s events together (viewOf)', () => {
    const parallel = (views: ProjectedView<SampleStoredEvent>[]) =>
      new StoreProjector<SampleStoredEvent>({
        name: 'test.runs',
        feed: log,
        store,
        views,
        checkpoints: 'checkpoints',
        pollIntervalMs: 20,
        parallelStreams: true,
        parking: { onParked: () => undefined },
        onError: () => undefined,
      });

    it('writes each case of a batch once, leaving the board one-by-one projection leaves', async () => {
      log.append(1, { type: 'CaseReported', data: { title: '事件 1', village: '东村' } }, { type: 'CaseDispatched', data: { department: '城管' } });
      log.append(2, { type: 'CaseReported', data: { title: '事件 2', village: '西村' } });
      log.append(1, { type: 'CaseHandled', data: { note: '已处置' } }, { type: 'CaseClosed', data: {} });
      const writes = recordUpserts(store);
      const p = parallel([viewOf(caseBoard)]);
      await p.init();
      expect(await p.catchUp()).toBe(5);
      expect(
        writes
          .filter((w) => w.collection === 'case_board')
          .map((w) => `${w.id}@${w.revision}`)
          .sort(),
      ).toEqual(['1@3', '2@0']);

      const oneByOne = new EmbeddedReadStore({ path: ':memory:' });
      try {
        const q = new StoreProjector<SampleStoredEvent>({
          name: 'test.one',
          feed: log,
          store: oneByOne,
          views: [viewOf(caseBoard)],
          checkpoints: 'checkpoints',
          pollIntervalMs: 20,
        });
        await q.init();
        await q.catchUp();
        expect(await store.find('case_board', {}, { sort: { _id: 1 } })).toEqual(await oneByOne.find('case_board', {}, { sort: { _id: 1 } }));
      } finally {
        await oneByOne.close();
      }
    });

    it('parks alone an event the view cannot apply; the other events of its case still apply', async () => {
      const fussy = defineProjection<CaseBoardEntry, SampleStoredEvent>({
        ...caseBoard,
        name: 'fussy-board',
        evolve: (doc, e) => {
          if (e.type === 'CaseHandled' && e.data.note === '坏数据') throw new TypeError('bad note');
          return caseBoard.evolve(doc, e);
        },
      });
      log.append(
        1,
        { type: 'CaseReported', data: { title: '事件 1', village: '东村' } },
        { type: 'CaseHandled', data: { note: '坏数据' } },
        { type: 'CaseDispatched', data: { department: '城管' } },
      );
      const p = parallel([viewOf(fussy)]);
      await p.init();
      expect(await p.catchUp()).toBe(3);
      expect(await store.get<CaseBoardEntry>('case_board', '1')).toMatchObject({ _revision: 2, status: 'dispatched', department: '城管', notes: 0 });
      expect(await listParkedEvents(store)).toEqual([
        expect.objectContaining({ projection: 'fussy-board', streamId: 'grid-case-1', revision: 1, code: 'PROJECTION.EVOLVE_FAILED' }),
      ]);
    });
  });

  it('reports a failing view on health and keeps trying on the poll', async () => {
    const failing = new StoreProjector({
      name: 'test.failing',
      feed: log,
      store,
      views: [
        {
          name: 'broken',
          collection: 'broken',
          indexes: [],
          apply: async () => {
            throw new Error('cannot apply');
          },
        },
      ],
      checkpoints: 'checkpoints',
      pollIntervalMs: 5,
      onError: () => undefined,
    });
    log.append(1, { type: 'CaseReported', data: { title: '事件 1', village: '东村' } });
    await failing.init();
    failing.start();
    try {
      const deadline = Date.now() + 5_000;
      while (failing.health().failures < 2 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
      expect(failing.health()).toEqual({ position: 0, failures: expect.any(Number) });
      expect(failing.health().failures).toBeGreaterThanOrEqual(2);
    } finally {
      await failing.stop();
    }
  });
});
