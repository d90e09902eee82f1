import { EventStore, SqliteEventStore } from '@fengqiao/event-store';
import { Actor } from '@fengqiao/kernel';
import { ReferenceTable, StaleTableReadError } from '@fengqiao/platform';

const admin: Actor = { userId: 'admin', role: 'admin', unitId: 'd-fq' };

/**
 * A real store whose next reads come back empty without an error, as a document database does
 * for a moment while it restarts under the service (the fault campaign's lost dispatch: the
 * consumer took "no routing table" for an answer). Only the reads are faulted; the data is real.
 */
function blankingReads(store: EventStore): EventStore & { blank(what: { head?: number; stream?: number }): void } {
  let head = 0;
  let stream = 0;
  return {
    append: (id, events, opts) => store.append(id, events, opts),
    readAll: (opts) => store.readAll(opts),
    close: () => store.close(),
    streamRevision: async (id) => (head > 0 ? (head--, 'no_stream') : store.streamRevision(id)),
    readStream: async (id, opts) => (stream > 0 ? (stream--, []) : store.readStream(id, opts)),
    blank(what) {
      head = what.head ?? 0;
      stream = what.stream ?? 0;
    },
  };
}

describe('ReferenceTable (grid-dispatch\'s rule tables): a table read never goes back to "no table"', () => {
  let sqlite: SqliteEventStore;
  let store: ReturnType<typeof blankingReads>;
  const table = () =>
    new ReferenceTable<{ unitId: string }>(store, 'routing-rules', 'RoutingRulesPublished', (r) => [...r], '派单规则', { rowsField: 'rules' });

  beforeEach(async () => {
    sqlite = new SqliteEventStore({ path: ':memory:' });
    store = blankingReads(sqlite);
    await table().publish([{ unitId: 'dept-d-cg' }], { actor: admin, jurisdiction: [] }, '2026-12-06T00:00:00.000Z', { expectedVersion: 0 });
  });

  afterEach(async () => {
    await sqlite.close();
  });

  it('a stream read behind the head (a fresh process, the first read) is retried, not taken as no table', async () => {
    const fresh = table();
    store.blank({ stream: 1 });
    await expect(fresh.current()).rejects.toBeInstanceOf(StaleTableReadError);
    expect(fresh.isLoaded).toBe(false);
    await expect(fresh.current()).resolves.toMatchObject({ version: 1, rows: [{ unitId: 'dept-d-cg' }] });
  });

  it('a head and a stream read behind a version already seen are retried, and the version seen is kept', async () => {
    const t = table();
    expect(await t.current()).toMatchObject({ version: 1 });
    await t.publish([{ unitId: 'dept-t1-cg' }], { actor: admin, jurisdiction: [] }, '2026-12-06T00:01:00.000Z', { expectedVersion: 1 });
    store.blank({ head: 1, stream: 1 });
    await expect(t.current()).rejects.toBeInstanceOf(StaleTableReadError);
    expect(t.cachedCurrent()).toMatchObject({ version: 2, rows: [{ unitId: 'dept-t1-cg' }] });
    await expect(t.current()).resolves.toMatchObject({ version: 2 });
  });

  it('a table never published is still "no table" (the unroutable queue, as designed)', async () => {
    const empty = new ReferenceTable<{ unitId: string }>(store, 'deadline-rules', 'DeadlineRulesPublished', (r) => [...r], '期限配置', { rowsField: 'rules' });
    await expect(empty.current()).resolves.toBeNull();
    expect(empty.isLoaded).toBe(true);
  });
});
