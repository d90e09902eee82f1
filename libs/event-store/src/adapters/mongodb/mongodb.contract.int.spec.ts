/**
 * The EventStore contract against a real MongoDB-wire server (MongoDB ≥ 6 or FerretDB 1.24), found
 * by jest.global-setup.js. A fresh database per run, dropped afterwards.
 */
// The shared integration harness is test-only code; the module-boundary rule has no test exception for infra libs.

import { describeIntegration, uniqueName } from '@fengqiao/testing';
import canonicalize from 'canonicalize';
import { MongoClient } from 'mongodb';
import { newId } from '@fengqiao/kernel';
import { eventStoreContract, contractEvent } from '../../testing/event-store.contract';
import { verifyStreamChain } from '../../integrity/hash-chain';
import { MongoEventStore, type CommitDoc } from './mongodb-event-store';

describeIntegration('MongoEventStore (MongoDB / FerretDB)', ['mongo'], (env) => {
  let client: MongoClient;
  const dbName = uniqueName('fq_es').replace(/-/g, '_');

  beforeAll(async () => {
    client = await MongoClient.connect(env().mongoUrl);
  });
  afterAll(async () => {
    await client?.db(dbName).dropDatabase();
    await client?.close();
  });

  // FerretDB on SQLite is slow-ish: fewer, but still concurrent, writers than on SQLite; 20 racers for one revision.
  eventStoreContract('mongodb', () => MongoEventStore.create({ db: client.db(dbName), collection: 'contract_events' }), {
    writers: 6,
    eventsPerWriter: 30,
    racers: 20,
  });

  describe('specific to the MongoDB adapter', () => {
    it('keeps one global order across two store instances (two processes) writing at once', async () => {
      const a = await MongoEventStore.create({ db: client.db(dbName), collection: 'two_writers' });
      const b = await MongoEventStore.create({ db: client.db(dbName), collection: 'two_writers' });
      const streams = ['s-a', 's-b', 's-c', 's-d'].map((s) => `${s}-${newId()}`);
      await Promise.all(
        streams.map(async (s, i) => {
          const store = i % 2 ? a : b;
          let expected: number | 'no_stream' = 'no_stream';
          for (let k = 0; k < 10; k++) {
            const r = await store.append(s, [contractEvent(), contractEvent()], { expectedRevision: expected });
            expected = r.nextExpectedRevision;
          }
        }),
      );
      const all = await a.readAll({ maxCount: 1000 });
      expect(all).toHaveLength(80);
      expect(all.map((e) => e.globalPosition)).toEqual(Array.from({ length: 80 }, (_, i) => i + 1)); // dense, no hole
      for (const s of streams) expect(verifyStreamChain(all.filter((e) => e.streamId === s)).ok).toBe(true);
      await a.close();
      await b.close();
    }, 120_000);

    it('settles every append of a grouped insert when one in the middle collides on a stale cached head', async () => {
      const a = await MongoEventStore.create({ db: client.db(dbName), collection: 'grouped' });
      const b = await MongoEventStore.create({ db: client.db(dbName), collection: 'grouped' });
      const y = `y-${newId()}`;
      const z = `z-${newId()}`;
      await a.append(y, [contractEvent()], { expectedRevision: 'no_stream' }); // a caches y at 0
      await a.append(z, [contractEvent()], { expectedRevision: 'no_stream' }); // a caches z at 0
      await b.append(y, [contractEvent()], { expectedRevision: 0 }); // y moves to 1 behind a's back
      await b.append(z, [contractEvent()], { expectedRevision: 0 }); // z too; b also takes a's next position
      const xs = Array.from({ length: 8 }, () => `x-${newId()}`);
      const outcomes = await Promise.allSettled([
        ...xs.slice(0, 4).map((x) => a.append(x, [contractEvent(), contractEvent()], { expectedRevision: 'no_stream' })),
        a.append(y, [contractEvent(), contractEvent()], { expectedRevision: 'any' }), // stale head: collides, goes round
        a.append(z, [contractEvent()], { expectedRevision: 0 }), // stale head: collides, a real conflict
        ...xs.slice(4).map((x) => a.append(x, [contractEvent(), contractEvent()], { expectedRevision: 'no_stream' })),
      ]);
      const zOutcome = outcomes.splice(5, 1)[0];
      expect(zOutcome.status).toBe('rejected');
      expect(zOutcome.status === 'rejected' && zOutcome.reason).toMatchObject({ name: 'WrongExpectedRevisionError', expected: 0, actual: 1 });
      expect(outcomes.map((o) => o.status)).toEqual(Array(9).fill('fulfilled'));
      expect((await a.readStream(y)).map((e) => e.revision)).toEqual([0, 1, 2, 3]);
      expect(await a.streamRevision(z)).toBe(1);
      const all = await a.readAll({ maxCount: 1000 });
      expect(all).toHaveLength(4 + 16 + 2);
      expect(all.map((e) => e.globalPosition)).toEqual(Array.from({ length: all.length }, (_, i) => i + 1)); // dense
      for (const s of [y, z, ...xs]) expect(verifyStreamChain(all.filter((e) => e.streamId === s)).ok).toBe(true);
      await a.close();
      await b.close();
    }, 60_000);

    it('appends after a commit written without lastHash (documents from before the field existed)', async () => {
      const store = await MongoEventStore.create({ db: client.db(dbName), collection: 'old_commits' });
      const s = `old-${newId()}`;
      await store.append(s, [contractEvent(), contractEvent()], { expectedRevision: 'no_stream' });
      await client
        .db(dbName)
        .collection('old_commits')
        .updateMany({ streamId: s }, { $unset: { lastHash: '' } });
      const fresh = await MongoEventStore.create({ db: client.db(dbName), collection: 'old_commits' }); // no cached head
      await fresh.append(s, [contractEvent()], { expectedRevision: 1 });
      const events = await fresh.readStream(s);
      expect(events.map((e) => e.revision)).toEqual([0, 1, 2]);
      expect(verifyStreamChain(events).ok).toBe(true);
      await store.close();
      await fresh.close();
    });

    it('reads a page of maxCount events from 10-event commits, starting inside a commit', async () => {
      const store = await MongoEventStore.create({ db: client.db(dbName), collection: 'paging' });
      const s = `page-${newId()}`;
      let expected: number | 'no_stream' = 'no_stream';
      for (let k = 0; k < 5; k++) {
        const r = await store.append(
          s,
          Array.from({ length: 10 }, () => contractEvent()),
          { expectedRevision: expected },
        );
        expected = r.nextExpectedRevision;
      }
      const page = await store.readAll({ afterPosition: 7, maxCount: 15 });
      expect(page.map((e) => e.globalPosition)).toEqual(Array.from({ length: 15 }, (_, i) => i + 8));
      expect((await store.readAll({ afterPosition: 45, maxCount: 15 })).map((e) => e.globalPosition)).toEqual([46, 47, 48, 49, 50]);
      await store.close();
    });

    it('stores data as a BSON document and instants as BSON dates; reads back the exact JSON, so chains verify', async () => {
      const store = await MongoEventStore.create({ db: client.db(dbName), collection: 'raw_shape' });
      const s = `raw-${newId()}`;
      const data = {
        'a.b': { $gt: 1 },
        'nul\u0000key': 'x',
        whole: 2,
        wholeDouble: 2.0,
        fraction: 0.1,
        negativeZero: -0,
        big: 9007199254740991,
        beyondInt32: 2147483648,
        tiny: 5e-324,
        huge: 1.7976931348623157e308,
        order: { z: 1, a: 2, 10: 3, 9: 4 },
        list: [3, 'x', null, true, { b: 1, a: 2 }, [[1], []]],
      };
      const when = '2024-05-06T08:30:00.123456+08:00'; // an offset and more than millisecond digits
      await store.append(s, [contractEvent({ data, occurredAt: when }), contractEvent({ data: { plain: '消防' } })], { expectedRevision: 'no_stream' });
      const raw = await client.db(dbName).collection('raw_shape').findOne({ streamId: s, firstRevision: 0 });
      const [first, second] = raw?.events as Array<Record<string, unknown>>;
      expect(first.data).toMatchObject({ 'a\uFF0Eb': { '\uFF04gt': 1 }, whole: 2, big: 9007199254740991, order: { z: 1, a: 2 } });
      expect((first.data as { list: unknown[] }).list[5]).toEqual({ items: [{ items: [1] }, { items: [] }] }); // FerretDB refuses nested arrays
      expect(second.data).toEqual({ plain: '消防' });
      expect(first.occurredAt).toBeInstanceOf(Date);
      expect((first.occurredAt as Date).toISOString()).toBe('2024-05-06T00:30:00.123Z');
      expect(first.recordedAt).toBeInstanceOf(Date);
      // a BI query on a date and on a data field finds the event
      const byDate = await client
        .db(dbName)
        .collection('raw_shape')
        .findOne({ streamId: s, 'events.occurredAt': { $gte: new Date('2024-05-06T00:00:00Z') } });
      expect(byDate?._id).toBe(raw?._id);
      const read = await store.readStream(s);
      expect(read[0].data).toEqual(JSON.parse(canonicalize(data) ?? '')); // exactly what the JSON (and the hash) holds
      expect(Object.is(read[0].data.negativeZero, 0)).toBe(true); // JSON has no -0: canonical JSON writes 0
      expect(Object.keys(read[0].data.order as object)).toEqual(Object.keys(JSON.parse(canonicalize(data.order) ?? '') as object));
      expect(read[0].occurredAt).toBe(when);
      expect(verifyStreamChain(read).ok).toBe(true);
      const reopened = await MongoEventStore.create({ db: client.db(dbName), collection: 'raw_shape' }); // no cache
      expect(verifyStreamChain(await reopened.readStream(s)).ok).toBe(true);
      expect(verifyStreamChain((await reopened.readAll({ maxCount: 1000 })).filter((e) => e.streamId === s)).ok).toBe(true);
      await store.close();
      await reopened.close();
    });

    it('stores the canonical JSON beside the BSON copy only for data the copy would not read back exactly', async () => {
      const store = await MongoEventStore.create({ db: client.db(dbName), collection: 'json_when_needed' });
      const s = `json-${newId()}`;
      // each shape its own event: whether `json` is stored, and what reads back
      const shapes: Array<[string, Record<string, unknown>, boolean]> = [
        ['plain', { title: '占道经营', count: 3, ok: true, none: null, tags: ['a', 'b'], at: { lng: 120.21551000000001 } }, false],
        ['numbers', { negativeZero: -0, beyondInt32: 2147483648, big: 9007199254740991, tiny: 5e-324, huge: 1.7976931348623157e308, fraction: 0.1 }, false],
        ['integer-like keys', { order: { z: 1, a: 2, 10: 3, 9: 4 } }, false],
        ['a key with a dot', { 'a.b': 1 }, true],
        ['a key with a leading $', { $set: 1 }, true],
        ['a nested array', { list: [[1], []] }, true],
        ['a lone surrogate', { text: 'x\ud800y' }, true],
        ['a __proto__ key', JSON.parse('{"__proto__": {"polluted": true}, "k": 1}') as Record<string, unknown>, true],
        ['a NUL in a string', { text: 'a\u0000b' }, true],
      ];
      await store.append(
        s,
        shapes.map(([, data]) => contractEvent({ data })),
        { expectedRevision: 'no_stream' },
      );
      const raw = await client.db(dbName).collection('json_when_needed').findOne({ streamId: s, firstRevision: 0 });
      const stored = raw?.events as Array<Record<string, unknown>>;
      expect(stored.map((e, i) => [shapes[i][0], typeof e.json === 'string'])).toEqual(shapes.map(([name, , json]) => [name, json]));
      const reopened = await MongoEventStore.create({ db: client.db(dbName), collection: 'json_when_needed' }); // no cache
      for (const read of [
        await store.readStream(s),
        await reopened.readStream(s),
        (await reopened.readAll({ maxCount: 1000 })).filter((e) => e.streamId === s),
      ]) {
        read.forEach((e, i) => {
          const expected = JSON.parse(canonicalize(shapes[i][1]) ?? '') as Record<string, unknown>;
          expect([shapes[i][0], e.data]).toEqual([shapes[i][0], expected]);
          expect(Object.keys(e.data)).toEqual(Object.keys(expected));
          expect(Object.getPrototypeOf(e.data)).toBe(Object.prototype);
        });
        expect(Object.is(read[1].data.negativeZero, 0)).toBe(true);
        expect(verifyStreamChain(read).ok).toBe(true);
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      await store.close();
      await reopened.close();
    });

    it('migrates commits of the older layout on start (data as a JSON string, instants as strings, no page)', async () => {
      const name = 'old_layout';
      const db = client.db(dbName);
      const writer = await MongoEventStore.create({ db, collection: name });
      const s = `old-${newId()}`;
      const t = `old-${newId()}`;
      const first = contractEvent({ data: { n: 1, 'k.k': [1.5] } });
      await writer.append(s, [first, contractEvent()], { expectedRevision: 'no_stream' });
      await writer.append(t, [contractEvent()], { expectedRevision: 'no_stream' });
      await writer.append(s, [contractEvent()], { expectedRevision: 1 });
      await writer.close();
      // rewrite every commit as the older layout wrote it, and drop what layout 2 adds
      const commits = db.collection<CommitDoc>(name);
      for (const c of await commits.find({ _id: { $gt: 0 } }).toArray()) {
        const events = c.events.map(({ json, occurredAtText, ...e }) => ({
          ...e,
          // layout 1 held the canonical JSON in `data` (layout 2 stores `json` only when the BSON copy is not exact)
          data: json ?? canonicalize(e.data),
          occurredAt: occurredAtText ?? (e.occurredAt as Date).toISOString(),
          recordedAt: (e.recordedAt as Date).toISOString(),
        }));
        await commits.replaceOne({ _id: c._id }, { ...c, page: undefined, events } as unknown as CommitDoc);
        await commits.updateOne({ _id: c._id }, { $unset: { page: '' } });
      }
      for (const suffix of ['_streams', '_ids', '_meta']) await db.collection(name + suffix).drop();
      await db.collection(name).deleteMany({ _id: { $type: 'string' } } as never); // claims beside the commits (layout 3)
      const before = await commits.find({ _id: { $gt: 0 } }).toArray();
      expect(typeof before[0].events[0].data).toBe('string');

      const reports: string[] = [];
      const upgraded = await MongoEventStore.create({ db, collection: name, onMigrationProgress: (m) => reports.push(m), migrationReportEvery: 2 });
      // it says what it does, how far it got, and when it is done
      expect(reports[0]).toMatch(new RegExp(`^event store "${name}": layout 1 → 3, 3 commits`));
      expect(reports).toContain(`event store "${name}": layout 1 → 2: 2 of ~3 commits`);
      expect(reports[reports.length - 1]).toMatch(new RegExp(`^event store "${name}": layout 3 in \\d+\\.\\d s$`));
      expect(await commits.find({ page: { $exists: false }, _id: { $gt: 0 } }).toArray()).toHaveLength(0);
      const read = await upgraded.readStream(s);
      expect(read.map((e) => e.revision)).toEqual([0, 1, 2]);
      expect(read[0].data).toEqual(first.data);
      expect(verifyStreamChain(read).ok).toBe(true);
      expect((await upgraded.readAll({ maxCount: 100 })).map((e) => e.globalPosition)).toEqual([1, 2, 3, 4]);
      // the migrated id documents: an old id in another stream is refused, a retry is idempotent
      await expect(upgraded.append(`x-${newId()}`, [first], { expectedRevision: 'no_stream' })).rejects.toMatchObject({ name: 'DuplicateEventIdError' });
      expect(await upgraded.append(t, [contractEvent()], { expectedRevision: 0 })).toMatchObject({ firstRevision: 1, lastPosition: 5 });
      expect(await upgraded.streamRevision(s)).toBe(2);
      await upgraded.close();
    });

    it('finds a commit whose writer died right after storing it through its claims, and walks over a stale stream head', async () => {
      const name = 'crashed_writer';
      const db = client.db(dbName);
      const store = await MongoEventStore.create({ db, collection: name });
      const s = `crash-${newId()}`;
      await store.append(s, [contractEvent()], { expectedRevision: 'no_stream' });
      const batch = [contractEvent(), contractEvent()];
      const r = await store.append(s, batch, { expectedRevision: 0 });
      // what a crash between the commit insert and its hints leaves behind
      await db.collection(`${name}_streams`).deleteOne({ _id: s } as never);
      const fresh = await MongoEventStore.create({ db, collection: name }); // another process, no cache
      expect(await fresh.append(s, batch, { expectedRevision: 'any' })).toEqual(r); // idempotent, not stored twice
      expect((await fresh.readStream(s)).map((e) => e.revision)).toEqual([0, 1, 2]);
      await expect(fresh.append(`other-${newId()}`, [batch[0]], { expectedRevision: 'no_stream' })).rejects.toMatchObject({ name: 'DuplicateEventIdError' });
      expect((await fresh.append(s, [contractEvent()], { expectedRevision: 2 })).nextExpectedRevision).toBe(3);
      await store.close();
      await fresh.close();
    });

    it('waits for the claims of a writer that died before its commit until their lease ends, then takes them over once', async () => {
      const name = 'dead_claims';
      const db = client.db(dbName);
      const leaseMs = 1500;
      const s = `dead-${newId()}`;
      const batch = [contractEvent(), contractEvent()];
      // a writer (another process) claimed the ids just now and died before inserting its commit
      const stores = await Promise.all([1, 2, 3].map(() => MongoEventStore.create({ db, collection: name, claimLeaseMs: leaseMs })));
      const claimedAt = new Date();
      await db
        .collection(stores[0].claimsCollectionName)
        .insertMany(batch.map((e) => ({ _id: e.id, claimStream: s, owner: 'dead-writer', at: claimedAt })) as never[]);
      const t0 = Date.now();
      // three processes retry the same append at once: one stores it, the others get its result
      const results = await Promise.all(stores.map((st) => st.append(s, batch, { expectedRevision: 'any' })));
      expect(Date.now() - claimedAt.getTime()).toBeGreaterThanOrEqual(leaseMs);
      expect(Date.now() - t0).toBeLessThan(leaseMs * 4);
      expect(results[1]).toEqual(results[0]);
      expect(results[2]).toEqual(results[0]);
      expect((await stores[0].readStream(s)).map((e) => e.id)).toEqual(batch.map((e) => e.id));
      await Promise.all(stores.map((st) => st.close()));
    });

    it('appends 300 events in one commit (FerretDB on PostgreSQL refuses an index row over 2704 bytes), idempotently', async () => {
      const name = 'big_commit';
      const store = await MongoEventStore.create({ db: client.db(dbName), collection: name });
      const s = `big-${newId()}`;
      const batch = Array.from({ length: 300 }, () => contractEvent());
      const r = await store.append(s, batch, { expectedRevision: 'no_stream' });
      expect(r).toMatchObject({ firstRevision: 0, nextExpectedRevision: 299 });
      const read = await store.readStream(s);
      expect(read.map((e) => e.id)).toEqual(batch.map((e) => e.id));
      expect(verifyStreamChain(read).ok).toBe(true);
      const all = (await store.readAll({ maxCount: 1000 })).filter((e) => e.streamId === s);
      expect(all.map((e) => e.id)).toEqual(batch.map((e) => e.id));
      // the same append again, from this process and from another one (no cache): the stored result
      expect(await store.append(s, batch, { expectedRevision: 'no_stream' })).toEqual(r);
      const fresh = await MongoEventStore.create({ db: client.db(dbName), collection: name });
      expect(await fresh.append(s, batch, { expectedRevision: 'any' })).toEqual(r);
      await expect(fresh.append(`other-${newId()}`, [batch[150]], { expectedRevision: 'no_stream' })).rejects.toMatchObject({ name: 'DuplicateEventIdError' });
      expect(await fresh.readStream(s)).toHaveLength(300);
      await store.close();
      await fresh.close();
    }, 60_000);

    it('on start replaces the eventIds index an earlier version left (FerretDB: drops it; MongoDB: unique per id)', async () => {
      const name = 'old_event_ids_index';
      const db = client.db(dbName);
      await (await MongoEventStore.create({ db, collection: name })).close();
      // what the version before left on FerretDB: a plain index on the whole array
      await db
        .collection(name)
        .dropIndex('event_ids')
        .catch(() => undefined);
      await db.collection(name).createIndex({ eventIds: 1 }, { name: 'event_ids' });
      const store = await MongoEventStore.create({ db, collection: name });
      const ferretdb = typeof (await db.command({ buildInfo: 1 })).ferretdbVersion === 'string';
      const index = (await db.collection(name).listIndexes().toArray()).find((i) => i.name === 'event_ids');
      if (ferretdb) {
        expect(index).toBeUndefined();
        expect(store.enforcesUniqueEventIds).toBe(false);
      } else {
        expect(index?.unique).toBe(true);
        expect(store.enforcesUniqueEventIds).toBe(true);
      }
      const batch = Array.from({ length: 300 }, () => contractEvent());
      expect(await store.append(`big-${newId()}`, batch, { expectedRevision: 'no_stream' })).toMatchObject({ nextExpectedRevision: 299 });
      await store.close();
    }, 60_000);

    it('gives the claims back when the append stores nothing, so the same ids can be appended after a conflict', async () => {
      const store = await MongoEventStore.create({ db: client.db(dbName), collection: 'released_claims' });
      const s = `released-${newId()}`;
      await store.append(s, [contractEvent()], { expectedRevision: 'no_stream' });
      const batch = [contractEvent()];
      await expect(store.append(s, batch, { expectedRevision: 5 })).rejects.toMatchObject({ name: 'WrongExpectedRevisionError' });
      await expect(store.append(s, batch, { expectedRevision: 'no_stream' })).rejects.toMatchObject({ name: 'WrongExpectedRevisionError' });
      expect((await store.append(s, batch, { expectedRevision: 0 })).nextExpectedRevision).toBe(1);
      expect(
        await client
          .db(dbName)
          .collection(store.claimsCollectionName)
          .countDocuments({ _id: batch[0].id } as never),
      ).toBe(1);
      await store.close();
    });

    it('keeps the claims beside the commits where the server allows it (FerretDB), apart where not (MongoDB), and remembers', async () => {
      const name = 'claims_place';
      const db = client.db(dbName);
      const ferretdb = typeof (await db.command({ buildInfo: 1 })).ferretdbVersion === 'string';
      const store = await MongoEventStore.create({ db, collection: name });
      expect(store.claimsBesideCommits).toBe(ferretdb);
      expect(store.claimsCollectionName).toBe(ferretdb ? name : `${name}_ids`);
      expect(await db.collection(`${name}_meta`).findOne({ _id: 'layout' } as never)).toMatchObject({ version: 3, claimsBeside: ferretdb });
      const s = `place-${newId()}`;
      const batch = [contractEvent(), contractEvent()];
      await store.append(s, batch, { expectedRevision: 'no_stream' });
      const claims = await db
        .collection(store.claimsCollectionName)
        .find({ _id: { $in: batch.map((e) => e.id) } } as never)
        .toArray();
      expect(claims.map((c) => c.claimStream)).toEqual([s, s]);
      expect(claims.every((c) => c.streamId === undefined)).toBe(true); // a stream read asks for { streamId }
      // no probe left behind, and readers see commits only
      expect(await db.collection(name).countDocuments({ _id: /^probe-/ } as never)).toBe(0);
      expect((await store.readStream(s)).map((e) => e.id)).toEqual(batch.map((e) => e.id));
      expect((await store.readAll({ maxCount: 10 })).map((e) => e.id)).toEqual(batch.map((e) => e.id));
      // the choice is read back, not asked again
      const again = await MongoEventStore.create({ db, collection: name });
      expect(again.claimsBesideCommits).toBe(ferretdb);
      await store.close();
      await again.close();
    });

    it('settles every append of a grouped insert when a claim in the middle is refused', async () => {
      const store = await MongoEventStore.create({ db: client.db(dbName), collection: 'grouped_claims' });
      const stored = [contractEvent(), contractEvent()];
      const s = `stored-${newId()}`;
      const first = await store.append(s, stored, { expectedRevision: 'no_stream' });
      const fresh = contractEvent();
      // queued behind one insert in flight, these go out together (claims beside: each commit after its claims)
      const inFlight = store.append(`lead-${newId()}`, [contractEvent()], { expectedRevision: 'no_stream' });
      const a = `a-${newId()}`;
      const c = `c-${newId()}`;
      const results = await Promise.allSettled([
        store.append(a, [contractEvent()], { expectedRevision: 'no_stream' }),
        store.append(s, stored, { expectedRevision: 'any' }), // a retry: its claims are refused, the stored result comes back
        store.append(`b-${newId()}`, [fresh, stored[1]], { expectedRevision: 'no_stream' }), // one new id, one taken
        store.append(c, [contractEvent()], { expectedRevision: 'no_stream' }),
      ]);
      await inFlight;
      expect(results[0]).toMatchObject({ status: 'fulfilled', value: { firstRevision: 0 } });
      expect(results[1]).toEqual({ status: 'fulfilled', value: first });
      expect(results[2]).toMatchObject({ status: 'rejected', reason: { name: 'DuplicateEventIdError' } });
      expect(results[3]).toMatchObject({ status: 'fulfilled', value: { firstRevision: 0 } });
      const all = await store.readAll({ maxCount: 100 });
      expect(all.map((e) => e.globalPosition)).toEqual(Array.from({ length: all.length }, (_, i) => i + 1)); // dense
      expect(all).toHaveLength(5);
      expect(await store.readStream(s)).toHaveLength(2);
      // the refused append gave back the claim of its new id, and only that one
      expect(await store.append(`d-${newId()}`, [fresh], { expectedRevision: 'no_stream' })).toMatchObject({ lastPosition: 6 });
      await expect(store.append(`e-${newId()}`, [stored[1]], { expectedRevision: 'no_stream' })).rejects.toMatchObject({ name: 'DuplicateEventIdError' });
      await store.close();
    });

    it('moves the claims of layout 2 beside the commits on start, where they belong there', async () => {
      const name = 'layout_two';
      const db = client.db(dbName);
      const writer = await MongoEventStore.create({ db, collection: name });
      if (!writer.claimsBesideCommits) {
        await writer.close();
        return; // MongoDB: layout 2's place for the claims is still theirs (covered by every other test)
      }
      const s = `two-${newId()}`;
      const batch = [contractEvent(), contractEvent()];
      const r = await writer.append(s, batch, { expectedRevision: 'no_stream' });
      await writer.close();
      // what layout 2 left: id documents in <name>_ids, none beside the commits
      const beside = await db
        .collection(name)
        .find({ _id: { $type: 'string' } } as never)
        .toArray();
      expect(beside).toHaveLength(2);
      await db
        .collection(`${name}_ids`)
        .insertMany(beside.map(({ _id, claimStream }) => ({ _id, streamId: claimStream, position: r.lastPosition - 1 })) as never[]);
      await db.collection(name).deleteMany({ _id: { $type: 'string' } } as never);
      await db.collection(`${name}_meta`).updateOne({ _id: 'layout' } as never, { $set: { version: 2 }, $unset: { claimsBeside: '' } });

      const reports: string[] = [];
      const upgraded = await MongoEventStore.create({ db, collection: name, onMigrationProgress: (m) => reports.push(m), migrationReportEvery: 1 });
      expect(upgraded.claimsBesideCommits).toBe(true);
      expect(reports).toEqual([
        `event store "${name}": layout 2 → 3, 1 commit (claims beside the commits); stop older versions of the service first`,
        `event store "${name}": claims beside the commits: 1 of ~2 copied`,
        `event store "${name}": claims beside the commits: 2 of ~2 copied`,
        expect.stringMatching(/ layout 3 in \d+\.\d s$/),
      ]);
      // a store already at layout 3 says nothing
      const again = await MongoEventStore.create({ db, collection: name, onMigrationProgress: (m) => reports.push(m) });
      expect(reports).toHaveLength(4);
      await again.close();
      await expect(upgraded.append(`x-${newId()}`, [batch[1]], { expectedRevision: 'no_stream' })).rejects.toMatchObject({ name: 'DuplicateEventIdError' });
      expect(await upgraded.append(s, batch, { expectedRevision: 'any' })).toEqual(r);
      expect(await upgraded.readStream(s)).toHaveLength(2);
      await upgraded.close();
    });
  });
});
