/**
 * The desk's queries and the figures give the same answers on the embedded read store and on the
 * real MongoDB-wire server (FerretDB in our CI): the view documents of cases in every state are
 * made by the running service (standalone), copied into a fresh database, and queried on both.
 */
import { MongoReadStore, ReadDoc } from '@fengqiao/read-store';
import { describeIntegration, uniqueName } from '@fengqiao/testing';
import mongoose from 'mongoose';
import { MEDIATION_CASE_VIEW, MEDIATION_CASE_VIEW_INDEXES, MediationCaseView } from '../case-view/mediation-case.view';
import { mediationFigures } from '../figures/figures.http.controller';
import { caseIn, DRIVEN_STATES } from '../testing/case-driver';
import { MediationTestApp, startMediationTestApp } from '../testing/mediation-test-app';
import { queueFilter } from './desk-queries';
import { DESK_QUEUES } from './list-cases.request.dto';

describeIntegration('mediation desk queries on MongoDB / FerretDB agree with the embedded store', ['mongo'], (env) => {
  const dbName = uniqueName('fq_mediation_desk').replace(/[^A-Za-z0-9_]/g, '_');
  let t: MediationTestApp;
  let mongo: MongoReadStore;

  beforeAll(async () => {
    t = await startMediationTestApp();
    mongo = await MongoReadStore.connect({ url: env().mongoUrl, dbName });
    await mongo.ensureIndexes(MEDIATION_CASE_VIEW, MEDIATION_CASE_VIEW_INDEXES);
    for (const state of DRIVEN_STATES) await caseIn(t, 'mc-v-1-1', state);
    await caseIn(t, 'mc-v-1-2', 'effective');
    const docs = await t.runtime.infra.readStore.find<MediationCaseView>(MEDIATION_CASE_VIEW, {});
    for (const { _revision, ...doc } of docs as ReadDoc<MediationCaseView>[]) await mongo.upsert(MEDIATION_CASE_VIEW, doc, { revision: _revision });
  }, 120_000);

  afterAll(async () => {
    const admin = await mongoose.createConnection(env().mongoUrl, { dbName }).asPromise();
    await admin.dropDatabase();
    await admin.close();
    await mongo?.close();
    await t?.close();
  });

  const scope = { jurisdiction: { $in: ['mc-v-1-1'] } };
  const ids = async (store: MongoReadStore | MediationTestApp['runtime']['infra']['readStore'], filter: Record<string, unknown>) =>
    (
      await store.find<MediationCaseView>(
        MEDIATION_CASE_VIEW,
        { $and: [scope, filter] },
        { sort: { registeredAtMs: -1 }, projection: { state: 0, timeline: 0, sessions: 0 } },
      )
    )
      .map((d) => `${d.caseId}:${d.status}`)
      .sort();

  it.each(DESK_QUEUES.map((q) => [q]))('queue %s', async (queue) => {
    for (const days of [0, 26]) {
      const filter = queueFilter(queue, t.clock.now().getTime() + days * 24 * 3600_000);
      expect(await ids(mongo, filter)).toEqual(await ids(t.runtime.infra.readStore, filter));
    }
  });

  it('my cases, by status, and the figures', async () => {
    const mine = { mediatorIds: t.userId('mediator11') };
    expect(await ids(mongo, mine)).toEqual(await ids(t.runtime.infra.readStore, mine));
    expect((await ids(mongo, mine)).length).toBeGreaterThan(5);
    expect(await ids(mongo, { status: 'mediating' })).toEqual(await ids(t.runtime.infra.readStore, { status: 'mediating' }));
    const onMongo = await mediationFigures(mongo, scope);
    expect(onMongo).toEqual(await mediationFigures(t.runtime.infra.readStore, scope));
    expect(onMongo).toMatchObject({ registered: DRIVEN_STATES.length, terminated: 2 });
  });
});
