/** The Inbox contract against a MongoDB-wire server (MongoDB or FerretDB). */
import { MongoClient } from 'mongodb';
import pino from 'pino';
import { describeIntegration, uniqueName } from '@fengqiao/testing';
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
});
