/**
 * Scale test of the MongoDB event store (issue 15): not timed, it counts queries. With the driver's
 * command monitoring it records every command an append, a stream read, a read-all page and a
 * stream-revision lookup send, on a small store and again after many more commits, and checks that
 * every filter is an equality on `_id` or on top-level scalar fields (what MongoDB answers from an
 * index and FerretDB 1.24 pushes down: no `$in`, `$gt`, `$or`, dotted path or sort) and that the
 * number of commands per operation does not grow with the store; then asks the server (`explain`)
 * whether it answers those lookups on the large collections from an index (no collection scan).
 */
import { describeIntegration, uniqueName } from '@fengqiao/testing';
import { MongoClient } from 'mongodb';
import { newId } from '@fengqiao/kernel';
import { contractEvent } from '../../testing/event-store.contract';
import { filterProblems, recordCommands, scanProblems, type CommandRecorder, type RecordedCommand } from '../../testing/command-recorder';
import { HINT_EVERY, MongoEventStore } from './mongodb-event-store';
import { isFerretDb } from './mongodb-layout';
import { FERRETDB_LOOKUP_IN_PAGE_COMMITS } from './mongodb-read-all';

const FILL_COMMITS = Number(process.env.FQ_SCALE_COMMITS ?? 1500);

/** Commands of one operation: reads (`find`), inserts and all. */
interface Count {
  reads: number;
  inserts: number;
  all: number;
}

interface Sample {
  appendToNewStream: Count;
  appendToKnownStream: Count;
  appendByFreshProcess: Count;
  readStream: Count;
  readAllPage: Count;
  streamRevision: Count;
}

const count = (commands: RecordedCommand[]): Count => ({
  reads: commands.filter((c) => c.name === 'find').length,
  inserts: commands.filter((c) => c.name === 'insert').length,
  all: commands.length,
});

describeIntegration('MongoEventStore at scale: only _id / top-level equality queries, constant per operation', ['mongo'], (env) => {
  let client: MongoClient;
  let recorder: CommandRecorder;
  const dbName = uniqueName('fq_es_scale').replace(/-/g, '_');
  const collection = 'scale_events';
  const problems: string[] = [];
  const recorded: RecordedCommand[] = [];

  beforeAll(async () => {
    client = await MongoClient.connect(env().mongoUrl, { monitorCommands: true });
    recorder = recordCommands(client, dbName);
  });
  afterAll(async () => {
    recorder?.stop();
    await client?.db(dbName).dropDatabase();
    await client?.close();
  });

  const record = async (action: () => Promise<unknown>): Promise<RecordedCommand[]> => {
    const commands = await recorder.during(action);
    problems.push(...commands.flatMap(filterProblems));
    recorded.push(...commands);
    return commands;
  };

  /** Commands of each hot-path operation on the store as it is now. */
  /** `own` is appended to by `store` only (its head is cached there), `shared` by a new store instance each time. */
  async function sample(store: MongoEventStore, own: string, ownExpected: number, shared: string, sharedExpected: number): Promise<Sample> {
    const fresh = `fresh-${newId()}`;
    const appendToNewStream = count(await record(() => store.append(fresh, [contractEvent()], { expectedRevision: 'no_stream' })));
    const appendToKnownStream = count(await record(() => store.append(own, [contractEvent()], { expectedRevision: ownExpected })));
    const other = await MongoEventStore.create({ db: client.db(dbName), collection }); // a process with nothing cached
    const appendByFreshProcess = count(await record(() => other.append(shared, [contractEvent()], { expectedRevision: sharedExpected })));
    const stream = shared;
    const readStream = count(await record(() => other.readStream(fresh)));
    const readAllPage = count(await record(() => other.readAll({ afterPosition: 0, maxCount: 40 })));
    // a page from a checkpoint inside a commit, near the end: obeys the rule too (its count depends on where it starts)
    const last = (await other.readStream(stream, { direction: 'backward', maxCount: 1 }))[0].globalPosition;
    await record(() => other.readAll({ afterPosition: last - 30, maxCount: 100 }));
    const streamRevision = count(await record(() => other.streamRevision(stream)));
    await other.close();
    return { appendToNewStream, appendToKnownStream, appendByFreshProcess, readStream, readAllPage, streamRevision };
  }

  it(`issues the same number of equality-only commands per operation at 20 and at ${FILL_COMMITS}+ commits`, async () => {
    const store = await MongoEventStore.create({ db: client.db(dbName), collection });
    const own = `own-${newId()}`;
    const shared = `shared-${newId()}`;
    await store.append(own, [contractEvent()], { expectedRevision: 'no_stream' });
    await store.append(shared, [contractEvent(), contractEvent()], { expectedRevision: 'no_stream' });
    for (let i = 0; i < 20; i++) await store.append(`filler-${newId()}`, [contractEvent(), contractEvent()], { expectedRevision: 'no_stream' });
    const small = await sample(store, own, 0, shared, 1);

    // many more commits: 16 writers on their own streams, appends of 1–3 events (recorded too: they must obey the rule as well)
    const perWriter = Math.ceil(FILL_COMMITS / 16);
    await record(() =>
      Promise.all(
        Array.from({ length: 16 }, async (_, w) => {
          const s = `fill-${w}-${newId()}`;
          let expected: number | 'no_stream' = 'no_stream';
          for (let k = 0; k < perWriter; k++) {
            const events = Array.from({ length: 1 + ((w + k) % 3) }, () => contractEvent());
            expected = (await store.append(s, events, { expectedRevision: expected })).nextExpectedRevision;
          }
        }),
      ),
    );
    const large = await sample(store, own, 1, shared, 2);
    const count = await client.db(dbName).collection(collection).countDocuments({});
    expect(count).toBeGreaterThanOrEqual(FILL_COMMITS + 20);

    expect(problems).toEqual([]);
    // and the server answers each of those lookups on a large collection from an index, not a scan
    // (FerretDB on PostgreSQL needs deploy/local's GIN twins of its indexes for that)
    const scans = await scanProblems(client.db(dbName), recorded, 1000);
    expect(scans.judged).toContain(collection);
    expect(scans.problems).toEqual([]);
    // The hints are written every HINT_EVERY commits of a process, so whether one append writes one differs
    // (writes: at most the claim, the commit and two hints); the reads must not change with the store.
    // A process with nothing cached walks from the stream head hint over the commits after it, and
    // from the position hint to the first free position: each walk is at most HINT_EVERY commits per writing
    // process (the hint interval), whatever the size of the store.
    const reads = (x: Sample) => ({ ...Object.fromEntries(Object.entries(x).map(([k, v]: [string, Count]) => [k, v.reads])), appendByFreshProcess: 0 });
    expect(reads(large)).toEqual(reads(small));
    const hintInterval = HINT_EVERY;
    for (const x of [small, large]) expect(x.appendByFreshProcess.reads).toBeLessThanOrEqual(2 * (hintInterval + 2));
    // where the claims live beside the commits (FerretDB), the claim and the commit are one insert
    const inserts = store.claimsBesideCommits ? 1 : 2;
    for (const x of [small, large]) {
      // an append to a new stream, or to a stream this process knows, reads nothing: the claim of
      // its event id, the commit, and sometimes a hint
      expect(x.appendToNewStream).toMatchObject({ reads: 0, inserts, all: expect.any(Number) });
      expect(x.appendToNewStream.all).toBeLessThanOrEqual(inserts + 2);
      expect(x.appendToKnownStream).toMatchObject({ reads: 0, inserts });
      expect(x.appendToKnownStream.all).toBeLessThanOrEqual(inserts + 2);
      expect(x.readAllPage.all).toBeLessThanOrEqual(4);
    }
    await store.close();
  }, 600_000);

  it('a reader at the end of the log that fell behind follows it by lookups while they cost less than its page read', async () => {
    const behindCollection = 'behind_events';
    const db = client.db(dbName);
    const store = await MongoEventStore.create({ db, collection: behindCollection });
    let last = 0;
    for (let i = 0; i < 600; i++) last = (await store.append(`behind-${newId()}`, [contractEvent()], { expectedRevision: 'no_stream' })).lastPosition;
    expect(last).toBe(600); // one page (positions 0–999), one event per commit
    const finds = (commands: RecordedCommand[]) =>
      commands.filter((c) => c.name === 'find' && c.collection === behindCollection).map((c) => Object.keys(c.command.filter as object).join());
    const readFrom = async (after: number) => {
      let positions: number[] = [];
      const commands = await record(async () => {
        positions = (await store.readAll({ afterPosition: after, maxCount: 1000 })).map((e) => e.globalPosition);
      });
      expect(positions).toEqual(Array.from({ length: last - after }, (_, i) => after + 1 + i));
      return finds(commands);
    };
    const ferret = await isFerretDb(db);
    // 40 commits behind, late in the page: the page read would return some 600 commits (on FerretDB,
    // about 120 lookups' worth), so the reader looks the 40 up, and the 41st finds the end
    const late = await readFrom(last - 40);
    if (ferret) expect(late).toEqual(Array(41).fill('_id'));
    else expect(late).toEqual([...Array(16).fill('_id'), 'page']); // MongoDB: 16 lookups, then the page (an index scan)
    // 580 behind from early in the page: a few lookups, then the page
    const early = await readFrom(20);
    expect(early.filter((f) => f === 'page')).toEqual(['page']);
    expect(early.filter((f) => f === '_id').length).toBe(16);
    // far behind late in the page: lookups up to what the page before the reader would cost, then the page
    const far = await readFrom(450);
    if (ferret) {
      const lookups = far.filter((f) => f === '_id').length;
      expect(lookups).toBeGreaterThanOrEqual(Math.floor(451 / FERRETDB_LOOKUP_IN_PAGE_COMMITS));
      expect(lookups).toBeLessThanOrEqual(Math.ceil(451 / (FERRETDB_LOOKUP_IN_PAGE_COMMITS - 1)));
    }
    expect(far[far.length - 1]).toBe('page');
    await store.close();
  }, 120_000);

  it('readers of one store following the log share their tail lookups while they are on the way, each with its own copy; nothing is kept after', async () => {
    const tailCollection = 'tail_events';
    const db = client.db(dbName);
    const store = await MongoEventStore.create({ db, collection: tailCollection });
    const first = await store.append(`tail-${newId()}`, [contractEvent()], { expectedRevision: 'no_stream' });
    const after = first.lastPosition;
    await store.append(`tail-${newId()}`, [contractEvent()], { expectedRevision: 'no_stream' });
    const lookups = (commands: RecordedCommand[]) =>
      commands.filter((c) => c.name === 'find' && c.collection === tailCollection).map((c) => JSON.stringify(c.command.filter));

    // relay, projector and audit follower woken by the same append: three reads at once
    let reads: Awaited<ReturnType<MongoEventStore['readAll']>>[] = [];
    const together = await record(async () => {
      reads = await Promise.all([1, 2, 3].map(() => store.readAll({ afterPosition: after })));
    });
    expect(lookups(together)).toEqual([JSON.stringify({ _id: after + 1 }), JSON.stringify({ _id: after + 2 })]);
    expect(reads.map((r) => r.map((e) => e.globalPosition))).toEqual([[after + 1], [after + 1], [after + 1]]);
    expect(reads[1]).toEqual(reads[0]);
    expect(reads[2]).toEqual(reads[0]);
    // each has its own events: an edit by one reader is not seen by the others
    (reads[0][0].data as Record<string, unknown>)['edited'] = true;
    (reads[2][0].data as Record<string, unknown>)['edited by the third'] = true;
    expect(reads[1][0].data).not.toHaveProperty('edited');
    expect(reads[1][0].data).not.toHaveProperty('edited by the third');
    expect(reads[0][0].data).not.toHaveProperty('edited by the third');

    // nothing is kept: a reader coming later asks the store again, and sees it as it is now
    const alone = await record(async () => {
      expect((await store.readAll({ afterPosition: after })).map((e) => e.globalPosition)).toEqual([after + 1]);
    });
    expect(lookups(alone)).toEqual([JSON.stringify({ _id: after + 1 }), JSON.stringify({ _id: after + 2 })]);
    await db.collection(tailCollection).deleteOne({ _id: after + 1 } as never);
    expect(await store.readAll({ afterPosition: after })).toEqual([]);
    await store.close();
  }, 60_000);
});
