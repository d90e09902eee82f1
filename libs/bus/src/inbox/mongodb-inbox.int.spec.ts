/** The Inbox contract against a MongoDB-wire server (MongoDB or FerretDB). */
import { MongoClient } from 'mongodb';
import pino from 'pino';
import { describeIntegration, uniqueName } from '@fengqiao/testing';
import { filterProblems, recordCommands, scanProblems, type RecordedCommand } from '@fengqiao/event-store/testing';
import { inboxContract } from '../testing/inbox.contract';
import { claimKey, INBOX_UNIQUE_INDEX, MongoInbox } from './mongodb-inbox';

/** A find, update or delete of a claim that is not by `_id` (what the planner cannot get wrong). */
function lookupProblems(c: RecordedCommand): string[] {
  const filters =
    c.name === 'find'
      ? [c.command.filter]
      : c.name === 'update'
        ? c.command.updates.map((u: { q: unknown }) => u.q)
        : c.name === 'delete'
          ? c.command.deletes.map((d: { q: unknown }) => d.q)
          : [];
  return filters.filter((f: { _id?: unknown }) => typeof f?._id !== 'string').map((f: unknown) => `${c.name} by ${JSON.stringify(f)}`);
}

describeIntegration('MongoInbox (MongoDB / FerretDB)', ['mongo'], (env) => {
  let client: MongoClient;
  const dbName = uniqueName('fq_bus_inbox').replace(/-/g, '_');

  beforeAll(async () => {
    client = await MongoClient.connect(env().mongoUrl);
  });
  afterAll(async () => {
    await client?.db(dbName).dropDatabase();
    await client?.close();
  });

  inboxContract('mongodb', (options) => MongoInbox.create({ db: client.db(dbName), logger: pino({ level: 'silent' }), ...options }));

  it('has a unique index on (group, messageId)', async () => {
    await MongoInbox.create({ db: client.db(dbName), collection: 'indexed_inbox' });
    const indexes = await client.db(dbName).collection('indexed_inbox').indexes();
    expect(indexes.find((i) => i.name === INBOX_UNIQUE_INDEX)).toMatchObject({ key: { group: 1, messageId: 1 }, unique: true });
  });

  // Issue 15: FerretDB on PostgreSQL answered `{ group, messageId }` from an index on `group` alone, so
  // each claim read every claim of its consumer group. Every lookup is by `_id` now.
  it('claims, completes and refuses a redelivery by `_id` alone, the same commands at 10 and at 1,000 claims of its group', async () => {
    const monitored = await MongoClient.connect(env().mongoUrl, { monitorCommands: true });
    const recorder = recordCommands(monitored, dbName);
    try {
      const inbox = await MongoInbox.create({ db: monitored.db(dbName), collection: 'inbox_claims_scale', logger: pino({ level: 'silent' }) });
      const deliver = (id: string) => recorder.during(() => inbox.runOnce('group-a', id, async () => 'ok'));
      for (let i = 0; i < 10; i++) await inbox.runOnce('group-a', `m-${i}`, async () => 'ok');
      const small = [await deliver('first-small'), await deliver('first-small')];
      const docs = Array.from({ length: 1000 }, (_, i) => ({
        _id: claimKey('group-a', `bulk-${i}`),
        group: 'group-a',
        messageId: `bulk-${i}`,
        status: 'done',
        owner: 'x',
        leaseUntil: 0,
        doneAt: new Date(),
      }));
      await client.db(dbName).collection<{ _id: string }>('inbox_claims_scale').insertMany(docs);
      const large = [await deliver('first-large'), await deliver('first-large')];
      for (const commands of [...small, ...large]) {
        expect(commands.flatMap(filterProblems)).toEqual([]);
        expect(commands.flatMap(lookupProblems)).toEqual([]);
      }
      expect(large.map((c) => c.length)).toEqual(small.map((c) => c.length));
      expect(small[0].map((c) => c.name)).toEqual(['insert', 'update']); // claim, mark done
      expect(small[1].map((c) => c.name)).toEqual(['insert', 'find']); // refused claim, read: done already
      // and the server answers them from an index on a collection of 1,000 claims of one group
      const scans = await scanProblems(client.db(dbName), large.flat(), 1000);
      expect(scans.judged).toContain('inbox_claims_scale');
      expect(scans.problems).toEqual([]);
    } finally {
      recorder.stop();
      await monitored.close();
    }
  }, 120_000);

  it('keeps the claims stored before `_id` keys: a done one refuses its redelivery, an expired pending one is taken over once', async () => {
    const collection = 'legacy_inbox';
    const inbox = await MongoInbox.create({ db: client.db(dbName), collection, logger: pino({ level: 'silent' }) });
    // the layout before: an ObjectId `_id`, found by (group, messageId)
    await client
      .db(dbName)
      .collection(collection)
      .insertMany([
        { group: 'g', messageId: 'old-done', status: 'done', owner: 'gone', leaseUntil: 0, doneAt: new Date() },
        { group: 'g', messageId: 'old-pending', status: 'pending', owner: 'dead-process', leaseUntil: Date.now() - 1_000 },
      ]);
    let runs = 0;
    const work = async () => (runs += 1);
    expect(await inbox.runOnce('g', 'old-done', work)).toMatchObject({ executed: false });
    expect(runs).toBe(0);
    expect(await inbox.runOnce('g', 'old-pending', work)).toEqual({ executed: true, result: 1 });
    expect(await inbox.runOnce('g', 'old-pending', work)).toMatchObject({ executed: false });
    expect(runs).toBe(1);
    expect(await client.db(dbName).collection(collection).findOne({ group: 'g', messageId: 'old-pending' })).toMatchObject({ status: 'done' });
    expect(await client.db(dbName).collection(collection).countDocuments({ group: 'g', messageId: 'old-pending' })).toBe(1);
  });

  // FerretDB 1.24 applies an update's filter before a separate write: a compare-and-set takeover let
  // several inboxes take one expired claim; the takeover marker's insert lets exactly one.
  it('lets exactly one of 20 inboxes take over an expired claim of a dead process, 5 times over', async () => {
    const db = client.db(dbName);
    const collection = 'takeover_inbox';
    const inboxes = await Promise.all(
      Array.from({ length: 20 }, () => MongoInbox.create({ db, collection, logger: pino({ level: 'silent' }), maxWaitMs: 30_000 })),
    );
    for (let round = 0; round < 5; round++) {
      const id = uniqueName('msg');
      await db.collection(collection).insertOne({ group: 'g', messageId: id, status: 'pending', owner: 'dead-process', leaseUntil: Date.now() - 1_000 });
      let runs = 0;
      const outcomes = await Promise.all(
        inboxes.map((inbox) =>
          inbox.runOnce('g', id, async () => {
            runs += 1;
            await new Promise((r) => setTimeout(r, 50));
            return runs;
          }),
        ),
      );
      expect(runs).toBe(1);
      expect(outcomes.filter((o) => o.executed)).toHaveLength(1);
      expect(await inboxes[0].seen('g', id)).toBe(true);
    }
  }, 120_000);
});
