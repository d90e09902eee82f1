/**
 * The deadline schedulers' tick on a real MongoDB-wire server (issue 15: no query that scans). Not
 * timed: it records the commands a tick sends and asks the server (`explain`) how it answers them,
 * on a read model of 1,200 views of which a few are due. A tick between sweeps asks for the recent
 * timer buckets by equality, which the server answers from an index; the sweep's range query is
 * shown for contrast (on FerretDB 1.24 it reads the whole collection: that is why it runs only at
 * start and every few minutes).
 */
import { describeIntegration, uniqueName } from '@fengqiao/testing';
import { recordCommands, scanProblems, type CommandRecorder } from '@fengqiao/event-store/testing';
import { MongoReadStore } from '@fengqiao/read-store';
import { findDueViews, timerBucketOf } from './due-timers';

const NOW = Date.parse('2027-01-04T09:00:30Z');
const MINUTE = 60_000;

describeIntegration('findDueViews on a MongoDB-wire server: a tick asks by equality, answered from an index', ['mongo'], (env) => {
  const dbName = uniqueName('fq_due_timers').replace(/-/g, '_');
  let store: MongoReadStore;
  let recorder: CommandRecorder;

  beforeAll(async () => {
    store = await MongoReadStore.connect({ url: env().mongoUrl, dbName, clientOptions: { monitorCommands: true } });
    recorder = recordCommands(store.mongoClient, dbName);
    await store.ensureIndexes('views', [{ keys: { nextTimerAtMs: 1 } }, { keys: { nextTimerBucket: 1 } }]);
    const db = store.mongoClient.db(dbName);
    // 1,200 views: most due in the coming days or closed (no timer), three due in the last minutes, one due an hour ago
    const atOf = (i: number): number | null => (i % 3 === 0 ? null : NOW + (1 + (i % 500)) * 7 * MINUTE);
    const views = Array.from({ length: 1200 }, (_, i) => ({
      _id: `c${i}`,
      caseId: `c${i}`,
      nextTimerAtMs: atOf(i),
      nextTimerBucket: timerBucketOf(atOf(i)),
      _revision: 1,
    }));
    for (const [id, at] of [
      ['due-now', NOW],
      ['due-3-min-ago', NOW - 3 * MINUTE],
      ['due-1-min-ago', NOW - MINUTE],
      ['due-an-hour-ago', NOW - 60 * MINUTE],
    ] as const) {
      views.push({ _id: id, caseId: id, nextTimerAtMs: at, nextTimerBucket: timerBucketOf(at), _revision: 1 });
    }
    await db.collection<{ _id: string }>('views').insertMany(views);
  }, 120_000);

  afterAll(async () => {
    recorder?.stop();
    await store?.mongoClient.db(dbName).dropDatabase();
    await store?.close();
  });

  const due = (sweep: boolean) =>
    recorder.during(async () => {
      const found = await findDueViews<{ caseId: string; nextTimerAtMs: number | null }>({
        store,
        collection: 'views',
        nowMs: NOW,
        page: { limit: 100, skip: 0 },
        scope: { sweep },
        fields: ['caseId'],
      });
      result = found.map((d) => d.caseId);
    });
  let result: string[] = [];

  it('between sweeps: equality queries on the timer bucket, each answered from an index, and the due views in order', async () => {
    const commands = await due(false);
    expect(result).toEqual(['due-3-min-ago', 'due-1-min-ago', 'due-now']);
    const finds = commands.filter((c) => c.name === 'find');
    expect(finds.length).toBeGreaterThan(0);
    for (const f of finds) {
      // an equality, not a range (the read store's own sort by _id orders the few views of one bucket)
      expect(typeof f.command.filter.nextTimerBucket).toBe('number');
    }
    const report = await scanProblems(store.mongoClient.db(dbName), commands, 1000);
    expect(report.judged).toEqual(['views']);
    expect(report.problems).toEqual([]);
  });

  it('a sweep finds everything due with the range query (on FerretDB 1.24 a scan: hence only now and then)', async () => {
    const commands = await due(true);
    expect(result).toEqual(['due-an-hour-ago', 'due-3-min-ago', 'due-1-min-ago', 'due-now']);
    expect(commands.filter((c) => c.name === 'find').map((c) => Object.keys(c.command.filter))).toEqual([['nextTimerAtMs', '_tombstone']]);
    // what every tick cost before: FerretDB answers the range by reading the collection (MongoDB from its index)
    const db = store.mongoClient.db(dbName);
    const ferretdb = typeof (await db.command({ buildInfo: 1 })).ferretdbVersion === 'string';
    expect((await scanProblems(db, commands, 1000)).problems).toHaveLength(ferretdb ? 1 : 0);
  });
});
