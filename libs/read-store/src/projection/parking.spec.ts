import { DomainError } from '@fengqiao/kernel';
import { EmbeddedReadStore } from '../adapters/embedded/embedded-read-store';
import { InvalidReadDocumentError, ReadStoreContentionError } from '../errors';
import type { ReadStore } from '../read-store.port';
import { caseBoard, type SampleCaseEvent, type SampleStoredEvent } from './case-board.sample';
import { applyOrPark, classifyProjectionFailure, countParkedEvents, listParkedEvents, PARKED_EVENTS, type ParkedEvent } from './parking';
import { project, projectOrPark, ProjectionEvolveError, rebuildProjection } from './projection';

const ev = (streamId: string, revision: number, globalPosition: number, e: SampleCaseEvent, id = `e-${globalPosition}`): SampleStoredEvent & { id: string } =>
  ({ ...e, id, streamId, revision, globalPosition }) as SampleStoredEvent & { id: string };

const stores: ReadStore[] = [];
const freshStore = (): ReadStore => {
  const s = new EmbeddedReadStore({ path: ':memory:' });
  stores.push(s);
  return s;
};
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

const AT = new Date('2026-03-02T01:00:00Z');

describe('a projection parks an event it cannot apply and goes on', () => {
  it('parks a NUL the store refuses, with the reason; other cases keep updating', async () => {
    const store = freshStore();
    const seen: ParkedEvent[] = [];
    const options = { onParked: (p: ParkedEvent) => seen.push(p), now: () => AT };
    const events = [
      ev('grid-case-c1', 0, 1, { type: 'CaseReported', data: { title: '消防通道被占用', village: '东村' } }),
      ev('grid-case-c2', 0, 2, { type: 'CaseReported', data: { title: 'a\u0000b', village: '西村' } }),
      ev('grid-case-c1', 1, 3, { type: 'CaseDispatched', data: { department: '城管' } }),
    ];
    const outcomes = [];
    for (const e of events) outcomes.push((await projectOrPark(store, caseBoard, e, options)).kind);
    expect(outcomes).toEqual(['written', 'parked', 'written']);
    expect(await store.get(caseBoard.collection, 'c1')).toMatchObject({ status: 'dispatched', department: '城管' });
    expect(await store.get(caseBoard.collection, 'c2')).toBeNull();

    const parked = await listParkedEvents(store);
    expect(parked).toEqual([
      expect.objectContaining({
        projection: 'case-board',
        eventId: 'e-2',
        eventType: 'CaseReported',
        streamId: 'grid-case-c2',
        revision: 0,
        globalPosition: 2,
        code: InvalidReadDocumentError.code,
        reason: expect.stringContaining('NUL'),
        attempts: 1,
        parkedAt: AT.toISOString(),
      }),
    ]);
    expect(seen.map((p) => p.eventId)).toEqual(['e-2']);
    expect(await countParkedEvents(store)).toBe(1);
    expect(await countParkedEvents(store, 'case-board')).toBe(1);
    expect(await countParkedEvents(store, 'other')).toBe(0);
  });

  it('parks an event that makes evolve throw, and keeps one record when it meets it again', async () => {
    const store = freshStore();
    const options = { onParked: () => undefined };
    await projectOrPark(store, caseBoard, ev('grid-case-c1', 0, 1, { type: 'CaseReported', data: { title: 't', village: 'v' } }), options);
    // a dispatch without data: evolve reads e.data.department of undefined
    const broken = ev('grid-case-c1', 1, 2, { type: 'CaseDispatched' } as unknown as SampleCaseEvent);
    await expect(project(store, caseBoard, broken)).rejects.toBeInstanceOf(ProjectionEvolveError);
    expect(await projectOrPark(store, caseBoard, broken, options)).toMatchObject({
      kind: 'parked',
      parked: { code: ProjectionEvolveError.code, reason: expect.stringContaining('TypeError') },
    });
    expect(await projectOrPark(store, caseBoard, broken, options)).toMatchObject({ kind: 'parked' });
    expect(await countParkedEvents(store)).toBe(1);
    // the next event of the same case still applies
    expect(await projectOrPark(store, caseBoard, ev('grid-case-c1', 2, 3, { type: 'CaseClosed', data: {} }), options)).toMatchObject({ kind: 'written' });
  });

  it('stores the record even when the event carries NUL and lone surrogates in its ids', async () => {
    const store = freshStore();
    const weird = { id: 'x\u0000\ud800', type: 'T\u0001', streamId: 's\u0000', revision: 0, globalPosition: 1 };
    const result = await applyOrPark(
      store,
      'v',
      weird,
      async () => {
        throw new InvalidReadDocumentError('bad', 'doc');
      },
      { onParked: () => undefined },
    );
    expect(result).toMatchObject({ kind: 'parked', parked: { eventId: 'x\\u0000\\ud800', eventType: 'T\\u0001', streamId: 's\\u0000' } });
    expect(await store.count(PARKED_EVENTS, {})).toBe(1);
  });

  it('rethrows transient failures for the caller to retry, and parks an unknown one only after repeated failures', async () => {
    const store = freshStore();
    const e = { id: 'e-1', streamId: 's', revision: 0 };
    const options = { maxAttempts: 3, onParked: () => undefined };
    const contention = new ReadStoreContentionError('c', 'id', 5);
    await expect(applyOrPark(store, 'v', e, () => Promise.reject(contention), options)).rejects.toBe(contention);
    const flaky = new Error('disk hiccup');
    await expect(applyOrPark(store, 'v', e, () => Promise.reject(flaky), options)).rejects.toBe(flaky);
    await expect(applyOrPark(store, 'v', e, () => Promise.reject(flaky), options)).rejects.toBe(flaky);
    expect(await countParkedEvents(store)).toBe(0);
    expect(await applyOrPark(store, 'v', e, () => Promise.reject(flaky), options)).toMatchObject({
      kind: 'parked',
      parked: { attempts: 3, reason: 'disk hiccup' },
    });
    // a success resets the count
    const other = { id: 'e-2', streamId: 's', revision: 1 };
    await expect(applyOrPark(store, 'v', other, () => Promise.reject(flaky), options)).rejects.toBe(flaky);
    expect(await applyOrPark(store, 'v', other, async () => 'ok', options)).toBe('ok');
    await expect(applyOrPark(store, 'v', other, () => Promise.reject(flaky), options)).rejects.toBe(flaky);
    expect(await countParkedEvents(store)).toBe(1);
  });

  it('classifies failures', () => {
    expect(classifyProjectionFailure(new ReadStoreContentionError('c', 'i', 1))).toBe('transient');
    expect(classifyProjectionFailure(new DomainError('X.CONFLICT', 'x', 'conflict'))).toBe('transient');
    expect(classifyProjectionFailure(new DomainError('X.STALE', 'x', 'revision_conflict'))).toBe('transient');
    expect(classifyProjectionFailure(new InvalidReadDocumentError('r', 'a'))).toBe('poison');
    expect(classifyProjectionFailure(new TypeError('x'))).toBe('poison');
    expect(classifyProjectionFailure(Object.assign(new Error('x'), { name: 'MongoNetworkError' }))).toBe('transient');
    expect(classifyProjectionFailure(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe('transient');
    expect(classifyProjectionFailure(new Error('x'))).toBe('unknown');
  });

  it('rebuilds a view past a parked event and counts it', async () => {
    const store = freshStore();
    const result = await rebuildProjection(
      store,
      caseBoard,
      [
        ev('grid-case-c1', 0, 1, { type: 'CaseReported', data: { title: 'ok', village: 'v' } }),
        ev('grid-case-c2', 0, 2, { type: 'CaseReported', data: { title: '\u0000', village: 'v' } }),
        ev('grid-case-c3', 0, 3, { type: 'CaseReported', data: { title: 'ok', village: 'v' } }),
      ],
      { onParked: () => undefined },
    );
    expect(result).toEqual({ events: 3, written: 2, deleted: 0, stale: 0, ignored: 0, parked: 1 });
  });
});
