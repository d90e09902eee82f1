/**
 * Does a 1-event append get slower as the MongoDB-protocol store grows? (issue 15: "append-1 p50 at
 * 20k commits within 1.5× of p50 at 1k"). Fills a collection with N commits by inserting copies of
 * a real commit's documents (fast, so 20,000 commits take seconds, not hours), then times sequential
 * 1-event appends to a new stream through a store instance with nothing cached.
 *
 *   MONGO_URL=… node -r @swc-node/register bench/mongodb-growth.ts [--sizes 1000,20000] [--samples 30]
 *
 * `--layout old --old-adapter FILE` measures an earlier adapter instead, e.g. the one before issue 15:
 *   git show f8623cc:libs/event-store/src/adapters/mongodb/mongodb-event-store.ts \
 *     > libs/event-store/src/adapters/mongodb/old-mongodb-event-store.tmp.ts
 * (it must sit next to the current one for its relative imports; do not commit it).
 */
import { resolve } from 'node:path';
import { MongoClient, type Db } from 'mongodb';
import { newId } from '@fengqiao/kernel';
import { MongoEventStore, type EventStore } from '@fengqiao/event-store';
import { contractEvent } from '@fengqiao/event-store/testing';

interface Layout {
  name: string;
  open(db: Db, collection: string): Promise<EventStore>;
  /** Inserts commits at positions from..to (1-event commits, one stream each). */
  fill(db: Db, collection: string, template: Record<string, unknown>, from: number, to: number): Promise<void>;
}

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? (args[i + 1] ?? fallback) : fallback;
};
const sizes = arg('--sizes', '1000,20000').split(',').map(Number);
const samples = Number(arg('--samples', '30'));
const layoutName = arg('--layout', 'current');

function commitCopy(template: Record<string, unknown>, position: number, withPage: boolean) {
  const streamId = `fill-${position}`;
  const id = newId();
  const events = (template.events as Array<Record<string, unknown>>).map((e) => ({ ...e, id }));
  return {
    ...(template as { lastHash?: string }),
    _id: position,
    lastPosition: position,
    streamId,
    firstRevision: 0,
    lastRevision: 0,
    eventIds: [id],
    events,
    ...(withPage ? { page: Math.floor(position / 100) } : {}),
  };
}

const current: Layout = {
  name: 'current',
  open: (db, collection) => MongoEventStore.create({ db, collection }),
  async fill(db, collection, template, from, to) {
    // the id documents go where the store keeps its claims (beside the commits, or apart; see mongodb-id-claims.ts)
    const store = await MongoEventStore.create({ db, collection });
    const claims = store.claimsCollectionName;
    await store.close();
    for (let start = from; start <= to; start += 1000) {
      const commits = [];
      for (let p = start; p <= Math.min(to, start + 999); p++) commits.push(commitCopy(template, p, true));
      await db.collection(collection).insertMany(commits as never[]);
      await db.collection(claims).insertMany(commits.map((c) => ({ _id: c.eventIds[0], claimStream: c.streamId, position: c._id })) as never[]);
      await db
        .collection(`${collection}_streams`)
        .insertMany(commits.map((c) => ({ _id: c.streamId, revision: 0, hash: c.lastHash, firstRevision: 0, position: c._id })) as never[]);
    }
    await db.collection(`${collection}_meta`).updateOne({ _id: 'position' } as never, { $set: { position: to } }, { upsert: true });
  },
};

async function oldLayout(): Promise<Layout> {
  // an earlier adapter, copied next to the current one for this measurement only (see the header)
  const file = arg('--old-adapter', 'libs/event-store/src/adapters/mongodb/old-mongodb-event-store.tmp.ts');
  const { MongoEventStore: Old } = (await import(resolve(file))) as { MongoEventStore: typeof MongoEventStore };
  return {
    name: 'old',
    open: (db, collection) => Old.create({ db, collection }),
    async fill(db, collection, template, from, to) {
      for (let start = from; start <= to; start += 1000) {
        const commits = [];
        for (let p = start; p <= Math.min(to, start + 999); p++) commits.push(commitCopy(template, p, false));
        await db.collection(collection).insertMany(commits as never[]);
      }
    },
  };
}

async function main(): Promise<void> {
  const url = process.env.MONGO_URL;
  if (!url) throw new Error('MONGO_URL is not set');
  const layout = layoutName === 'old' ? await oldLayout() : current;
  // --by-command: also print the median duration of each command (name and collection) of the timed appends
  const byCommand = args.includes('--by-command');
  const client = await MongoClient.connect(url, { monitorCommands: byCommand });
  const durations = new Map<string, number[]>();
  let timing = false;
  const names = new Map<number, string>();
  client.on('commandStarted', (e) => {
    if (timing) names.set(e.requestId, `${e.commandName} ${String(e.command[e.commandName])}`);
  });
  client.on('commandSucceeded', (e) => {
    const name = names.get(e.requestId);
    if (name === undefined) return;
    names.delete(e.requestId);
    durations.set(name, [...(durations.get(name) ?? []), e.duration]);
  });
  const db = client.db(`fq_growth_${process.pid}`);
  const collection = 'growth';
  try {
    // one real commit, the template of the copies
    const seed = await layout.open(db, collection);
    await seed.append(`seed-${newId()}`, [contractEvent()], { expectedRevision: 'no_stream' });
    await seed.close();
    const template = (await db.collection(collection).findOne({ _id: 1 } as never)) as Record<string, unknown>;
    let filled = 1;
    for (const size of sizes) {
      await layout.fill(db, collection, template, filled + 1, size);
      filled = size;
      const store = await layout.open(db, collection);
      const s = `growth-${newId()}`;
      const times: number[] = [];
      let expected: number | 'no_stream' = 'no_stream';
      durations.clear();
      for (let i = 0; i < samples; i++) {
        timing = true;
        const t0 = performance.now();
        expected = (await store.append(s, [contractEvent()], { expectedRevision: expected })).nextExpectedRevision;
        times.push(performance.now() - t0);
        timing = false;
      }
      await store.close();
      filled += samples;
      times.sort((a, b) => a - b);
      const p50 = times[Math.floor(times.length / 2)];
      process.stdout.write(
        `${layout.name}: ${size} commits: append-1 p50 ${p50.toFixed(1)} ms (first ${times.length} appends, min ${times[0].toFixed(1)}, max ${times[times.length - 1].toFixed(1)})\n`,
      );
      for (const [name, ds] of durations) {
        ds.sort((a, b) => a - b);
        process.stdout.write(`  ${name}: ${ds.length} × median ${ds[Math.floor(ds.length / 2)].toFixed(1)} ms\n`);
      }
      // keep positions dense for the next fill
      filled = (await db.collection(collection).countDocuments({ lastPosition: { $exists: true } })) as number; // commits, not claims
    }
  } finally {
    await db.dropDatabase();
    await client.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
