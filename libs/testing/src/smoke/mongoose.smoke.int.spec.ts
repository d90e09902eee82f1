import mongoose, { Schema } from 'mongoose';
import { describeIntegration, uniqueName } from '../integration';

interface CaseDoc {
  caseId: string;
  unitId: string;
  status: string;
  category: string;
  opened: number;
}

/**
 * mongoose against the real MongoDB-wire server (FerretDB under .ci/run): the subset our read
 * models rely on — CRUD, a unique index, an upsert with $inc, and $match/$group/$sum.
 */
describeIntegration('mongoose smoke: CRUD, unique index, upsert with $inc, aggregation', ['mongo'], (env) => {
  let conn: mongoose.Connection;
  const dbName = uniqueName('smoke').replace(/[^A-Za-z0-9_-]/g, '_');

  beforeAll(async () => {
    conn = await mongoose.createConnection(env().mongoUrl, { dbName, serverSelectionTimeoutMS: 10_000 }).asPromise();
  }, 30_000);

  afterAll(async () => {
    await conn?.dropDatabase().catch(() => undefined);
    await conn?.close();
  });

  const caseSchema = new Schema<CaseDoc>({
    caseId: { type: String, required: true },
    unitId: { type: String, required: true },
    status: { type: String, required: true },
    category: { type: String, required: true },
    opened: { type: Number, default: 0 },
  });
  caseSchema.index({ caseId: 1 }, { unique: true });

  const model = (): mongoose.Model<CaseDoc> => (conn.models['Case'] as mongoose.Model<CaseDoc> | undefined) ?? conn.model<CaseDoc>('Case', caseSchema, 'cases');

  it('creates, reads, updates and deletes', async () => {
    const Case = model();
    await Case.init();
    await Case.create({ caseId: 'c-1', unitId: 'village-1', status: 'reported', category: '消防通道', opened: 1 });
    const found = await Case.findOne({ caseId: 'c-1' }).lean();
    expect(found?.category).toBe('消防通道');
    await Case.updateOne({ caseId: 'c-1' }, { $set: { status: 'filed' } });
    expect((await Case.findOne({ caseId: 'c-1' }).lean())?.status).toBe('filed');
    await Case.deleteOne({ caseId: 'c-1' });
    expect(await Case.countDocuments({ caseId: 'c-1' })).toBe(0);
  });

  it('rejects a duplicate on a unique index', async () => {
    const Case = model();
    await Case.init();
    await Case.create({ caseId: 'dup', unitId: 'v', status: 'reported', category: 'x' });
    await expect(Case.create({ caseId: 'dup', unitId: 'v', status: 'reported', category: 'x' })).rejects.toMatchObject({ code: 11000 });
    expect(await Case.countDocuments({ caseId: 'dup' })).toBe(1);
  });

  it('upserts with $inc and $setOnInsert', async () => {
    const counters = conn.collection<{ _id: string; unitId: string; count: number }>('counters');
    for (let i = 0; i < 3; i++) {
      await counters.updateOne({ _id: 'village-7:filed' }, { $inc: { count: 1 }, $setOnInsert: { unitId: 'village-7' } }, { upsert: true });
    }
    expect(await counters.findOne({ _id: 'village-7:filed' })).toEqual({ _id: 'village-7:filed', unitId: 'village-7', count: 3 });
  });

  it('aggregates with $match, $group and $sum', async () => {
    const Case = model();
    await Case.insertMany([
      { caseId: 'a1', unitId: 'town-1', status: 'open', category: 'c', opened: 2 },
      { caseId: 'a2', unitId: 'town-1', status: 'open', category: 'c', opened: 3 },
      { caseId: 'a3', unitId: 'town-2', status: 'open', category: 'c', opened: 5 },
      { caseId: 'a4', unitId: 'town-2', status: 'closed', category: 'c', opened: 7 },
    ]);
    // counting with $sum: 1 is what the read models use (analytics keeps other totals in counter
    // documents); FerretDB 1.24 answers 0 for $sum over a field, so that form is not relied on
    const rows = await Case.aggregate<{ _id: string; cases: number }>([
      { $match: { status: 'open' } },
      { $group: { _id: '$unitId', cases: { $sum: 1 } } },
      { $sort: { _id: 1 } },
    ]);
    expect(rows).toEqual([
      { _id: 'town-1', cases: 2 },
      { _id: 'town-2', cases: 1 },
    ]);
  });
});
