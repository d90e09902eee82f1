import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { EmbeddedReadStore } from '../adapters/embedded/embedded-read-store';
import type { ReadStore } from '../read-store.port';
import { caseBoard, districtTally, type SampleCaseEvent, type SampleStoredEvent } from './case-board.sample';
import { lastWrittenCount, LAST_WRITTEN_MAX, READ_AGAIN, withLastWritten } from './last-written';
import { project } from './projection';
import { countingGets } from '../testing/counting-gets';

const ev = (streamId: string, revision: number, globalPosition: number, e: SampleCaseEvent): SampleStoredEvent =>
  ({ ...e, streamId, revision, globalPosition }) as SampleStoredEvent;

const reported = (c: string, rev = 0, pos = 1) => ev(`grid-case-${c}`, rev, pos, { type: 'CaseReported', data: { title: `事件 ${c}`, village: '东村' } });
const note = (c: string, rev: number, pos: number) => ev(`grid-case-${c}`, rev, pos, { type: 'CaseNoteAdded', data: { note: `备注 ${rev}` } });

const dirs: string[] = [];
const stores: ReadStore[] = [];
function fileStores(n: number): EmbeddedReadStore[] {
  const dir = mkdtempSync(join(tmpdir(), 'fq-last-written-'));
  dirs.push(dir);
  const opened = Array.from({ length: n }, () => new EmbeddedReadStore({ path: join(dir, 'read.db'), synchronous: 'NORMAL' }));
  stores.push(...opened);
  return opened;
}
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('project remembers the documents it wrote (last-written.ts)', () => {
  it('reads a document once, then projects its next events without reading it again', async () => {
    const [raw] = fileStores(1);
    const { store, gets } = countingGets(raw);
    await project(store, caseBoard, reported('c1'));
    for (let r = 1; r <= 5; r++) expect(await project(store, caseBoard, note('c1', r, r + 1))).toEqual({ kind: 'written', id: 'c1', revision: r });
    expect(gets()).toBe(1);
    expect(await raw.get(caseBoard.collection, 'c1')).toMatchObject({ notes: 5, _revision: 5, _stream: 'grid-case-c1' });
  });

  it('reads again when another process wrote the document since, and builds on what that process wrote', async () => {
    const [a, b] = fileStores(2);
    await project(a, caseBoard, reported('c1'));
    await project(a, caseBoard, note('c1', 1, 2));
    // another replica projects the next two events (its own memory: none, so it reads)
    await project(b, caseBoard, note('c1', 2, 3));
    await project(b, caseBoard, ev('grid-case-c1', 3, 4, { type: 'CaseDispatched', data: { department: '城管' } }));
    // this process remembers revision 1: its compare-and-set fails, it reads revision 3 and goes on from there
    expect(await project(a, caseBoard, note('c1', 4, 5))).toEqual({ kind: 'written', id: 'c1', revision: 4 });
    expect(await a.get(caseBoard.collection, 'c1')).toMatchObject({ notes: 3, status: 'dispatched', department: '城管', dispatchCount: 1, _revision: 4 });
  });

  it('rebuilds an emptied collection from the first event although it remembers later revisions', async () => {
    const [store] = fileStores(1);
    const events = [reported('c1', 0, 1), note('c1', 1, 2), note('c1', 2, 3)];
    for (const e of events) await project(store, caseBoard, e);
    await store.deleteAll(caseBoard.collection);
    // remembered: revision 2, so event 0 looks stale to the memory; the store, which is empty, decides
    const outcomes = [];
    for (const e of events) outcomes.push(await project(store, caseBoard, e));
    expect(outcomes.map((o) => o.kind)).toEqual(['written', 'written', 'written']);
    expect(await store.get(caseBoard.collection, 'c1')).toMatchObject({ notes: 2, _revision: 2 });
  });

  it('still answers stale for a redelivery, from the stored document', async () => {
    const [raw] = fileStores(1);
    const { store, gets } = countingGets(raw);
    await project(store, caseBoard, reported('c1'));
    await project(store, caseBoard, note('c1', 1, 2));
    expect(await project(store, caseBoard, note('c1', 1, 2))).toEqual({ kind: 'stale', id: 'c1', revision: 1 });
    expect(gets()).toBe(2); // the first event's, and the redelivery's (a stale answer is never taken from memory)
    expect(await raw.get(caseBoard.collection, 'c1')).toMatchObject({ notes: 1, _revision: 1 });
  });

  it('two processes projecting one history in turns, with redeliveries, end where one process alone ends', async () => {
    const histories = fc.array(fc.constantFrom('note', 'dispatch', 'handle', 'close'), { minLength: 1, maxLength: 12 });
    await fc.assert(
      fc.asyncProperty(
        histories,
        fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }),
        fc.array(fc.nat(20), { maxLength: 5 }),
        async (steps, turns, again) => {
          const events: SampleStoredEvent[] = [reported('c1')];
          for (const [i, step] of steps.entries()) {
            const rev = i + 1;
            const data: SampleCaseEvent =
              step === 'note'
                ? { type: 'CaseNoteAdded', data: { note: `备注 ${rev}` } }
                : step === 'dispatch'
                  ? { type: 'CaseDispatched', data: { department: `部门 ${rev}` } }
                  : step === 'handle'
                    ? { type: 'CaseHandled', data: { note: `处置 ${rev}` } }
                    : { type: 'CaseClosed', data: {} };
            events.push(ev('grid-case-c1', rev, rev + 1, data));
          }
          const delivered = events.flatMap((e, i) => (again.includes(i) ? [e, events[Math.max(0, i - 1)], e] : [e]));
          const [a, b, alone] = [...fileStores(2), ...fileStores(1)];
          for (const [i, e] of delivered.entries()) {
            const store = turns[i % turns.length] ? a : b;
            await project(store, caseBoard, e);
            await project(store, districtTally, e);
          }
          for (const e of events) {
            await project(alone, caseBoard, e);
            await project(alone, districtTally, e);
          }
          expect(await a.find(caseBoard.collection, {})).toEqual(await alone.find(caseBoard.collection, {}));
          expect(await b.find(districtTally.collection, {})).toEqual(await alone.find(districtTally.collection, {}));
          await Promise.all(stores.splice(0).map((s) => s.close()));
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('withLastWritten', () => {
  it('decides again on the stored document when the step throws on the remembered one, and keeps at most LAST_WRITTEN_MAX documents', async () => {
    const [store] = fileStores(1);
    await withLastWritten<{ n: number }, boolean>(store, 'docs', 'd', ({ write }) => write({ _id: 'd', n: 1 }, { revision: 1 }));
    const seen: Array<[boolean, unknown]> = [];
    const outcome = await withLastWritten<{ n: number }, string>(store, 'docs', 'd', async ({ current, remembered }) => {
      seen.push([remembered, current?.n]);
      if (remembered) throw new Error('evolve failed on the remembered version');
      return 'decided on the stored one';
    });
    expect(outcome).toBe('decided on the stored one');
    expect(seen).toEqual([
      [true, 1],
      [false, 1],
    ]);
    await expect(withLastWritten(store, 'docs', 'x', async () => READ_AGAIN)).rejects.toThrow(/READ_AGAIN/);

    for (let i = 0; i < LAST_WRITTEN_MAX + 10; i++) await withLastWritten(store, 'many', `d${i}`, ({ write }) => write({ _id: `d${i}` }, { revision: 1 }));
    expect(lastWrittenCount(store)).toBe(LAST_WRITTEN_MAX);
  });
});
