import { MongoClient } from 'mongodb';
import { describeIntegration, uniqueName } from '@fengqiao/testing';
import { dropRunDatabases } from './run-databases';

describeIntegration('dropRunDatabases', ['mongo'], (env) => {
  it("drops the run's databases and leaves every other one, a run whose name is a prefix of this one's included", async () => {
    const run = uniqueName('bench_t').replace(/[^A-Za-z0-9_]/g, '_');
    const client = await MongoClient.connect(env().mongoUrl);
    try {
      const names = [`${run}_intake`, `${run}_grid_dispatch`, `${run}x_intake`, `other_${run}_intake`];
      for (const name of names) await client.db(name).collection('c').insertOne({ n: 1 });
      expect((await dropRunDatabases(env().mongoUrl, run)).sort()).toEqual([`${run}_grid_dispatch`, `${run}_intake`]);
      const left = (await client.db('admin').admin().listDatabases({ nameOnly: true })).databases.map((d) => d.name);
      expect(left).not.toContain(`${run}_intake`);
      expect(left).not.toContain(`${run}_grid_dispatch`);
      expect(left).toEqual(expect.arrayContaining([`${run}x_intake`, `other_${run}_intake`]));
      for (const name of [`${run}x_intake`, `other_${run}_intake`]) await client.db(name).dropDatabase();
    } finally {
      await client.close();
    }
  }, 60_000);
});
