/**
 * The MongoDB databases a benchmark run made (a run's services name theirs `<run>_<context>`), dropped
 * when the run ends: the distributed dispatch benchmark left some 40 collections and a minute's cases
 * per run on the developer's local server (239 runs' worth in one local PostgreSQL, 1.7 GB).
 */
import { MongoClient } from 'mongodb';

/** Drops every database whose name starts with `${run}_`; returns the names dropped. */
export async function dropRunDatabases(mongoUrl: string, run: string): Promise<string[]> {
  const client = await MongoClient.connect(mongoUrl, { serverSelectionTimeoutMS: 10_000 });
  try {
    const { databases } = await client.db('admin').admin().listDatabases({ nameOnly: true });
    const mine = databases.map((d) => d.name).filter((name) => name.startsWith(`${run}_`));
    for (const name of mine) await client.db(name).dropDatabase();
    return mine;
  } finally {
    await client.close();
  }
}
