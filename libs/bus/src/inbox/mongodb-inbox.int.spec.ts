/** The Inbox contract against a MongoDB-wire server (MongoDB or FerretDB). */
import { MongoClient } from 'mongodb';
import pino from 'pino';
import { describeIntegration, uniqueName } from '@fengqiao/testing';
import { filterProblems, recordCommands } from '@fengqiao/event-store/testing';
import { inboxContract } from '../testing/inbox.contract';
import { INBOX_UNIQUE_INDEX, MongoInbox } from './mongodb-inbox';

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

  it('claims, completes and refuses a redelivery with equality-only queries, the same number at 10 and at 1,000 stored claims', async () => {
    const monitored = await MongoClient.connect(env().mongoUrl, { monitorCommands: true });
    const recorder = recordCommands(monitored, dbName);
    try {
      const inbox = await MongoInbox.create({ db: monitored.db(dbName), collection: 'inbox_claims_scale', logger: pino({ level: 'silent' }) });
      const deliver = (id: string) => recorder.during(() => inbox.runOnce('group-a', id, async () => 'ok'));
      for (let i = 0; i < 10; i++) await inbox.runOnce('group-a', `m-${i}`, async () => 'ok');
      const small = [await deliver('first-small'), await deliver('first-small')];
      const docs = Array.from({ length: 1000 }, (_, i) => ({ group: 'group-b', messageId: `bulk-${i}`, status: 'done', owner: 'x', leaseUntil: 0, doneAt: new Date() }));
      await client.db(dbName).collection('inbox_claims_scale').insertMany(docs);
      const large = [await deliver('first-large'), await deliver('first-large')];
      for (const commands of [...small, ...large]) expect(commands.flatMap(filterProblems)).toEqual([]);
      expect(large.map((c) => c.length)).toEqual(small.map((c) => c.length));
      expect(small[0].map((c) => c.name)).toEqual(['insert', 'update']); // claim, mark done
      expect(small[1].map((c) => c.name)).toEqual(['insert', 'find']); // refused claim, read: done already
    } finally {
      recorder.stop();
      await monitored.close();
    }
  }, 120_000);
});
