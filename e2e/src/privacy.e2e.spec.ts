/**
 * Issue 14 §2, as a user of the databases would check it: after the journeys (a case reported with
 * a named reporter, their name and phone and ID numbers in its text, filed, dispatched, handled; the demo's
 * mediation parties and petitioners in standalone), a scan of every SQLite file (standalone), every
 * Kafka topic and every MongoDB database of the run (distributed) finds none of their names, phones
 * or ID numbers in clear. An admin then erases the reporter: reads show 已删除, the key is gone in
 * every context that held one, and every chain still verifies.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { demoDistrict } from '@fengqiao/demo';
import { MongoEventStore, SqliteEventStore, verifyStore } from '@fengqiao/event-store';
import { contextDatabaseName } from '@fengqiao/platform';
import { describeIntegration, eventually } from '@fengqiao/testing';
import { Client, waitForCase } from './support/api';
import { startDistributed, startStandalone, SystemUnderTest } from './support/system';

const [lon, lat] = demoDistrict.pointInGrid('g-1-1-1');
const point = { lat, lng: lon };

const REPORTER = { name: '欧阳晓峰', phone: '13987650021' };
const NEIGHBOUR_PHONE = '18676543210';
const OWNER_ID = '11010519491231002X';
const HANDLER_PHONE = '15911112222';
/**
 * The demo's petitioners (petitions-demo.seed.ts), less the names a demo staff member also has
 * (staff names are the directory's, not data subjects' personal data).
 */
const STAFF = new Set(demoDistrict.users.map((u) => u.displayName.replace(/（.*$/, '')));
const PETITIONER_NAMES = ['张建华', '李秀英', '王志强', '刘桂兰', '陈国平', '赵文斌', '黄美玲', '周海涛', '吴晓燕'].filter((n) => !STAFF.has(n));

/** What must never be found in clear. */
const FORBIDDEN: RegExp[] = [
  new RegExp(`${REPORTER.name}|${REPORTER.phone}|${NEIGHBOUR_PHONE}|${OWNER_ID}|${HANDLER_PHONE}`),
  // the demo's mediation parties (1380000xxxx) and petitioners (1385750xxxx, 33068119700101xxxx)
  /1380000\d{4}|1385750\d{4}|33068119700101\d{4}/,
  new RegExp(PETITIONER_NAMES.join('|')),
];

function findClear(where: string, text: string): string[] {
  return FORBIDDEN.flatMap((re) => {
    const m = re.exec(text);
    return m ? [`${where}: "${m[0]}" …${text.slice(Math.max(0, m.index - 60), m.index + 60).replace(/\s+/g, ' ')}…`] : [];
  });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

function privacy(start: () => Promise<SystemUnderTest>) {
  let sut: SystemUnderTest;
  let op: Client;
  let dept: Client;
  let admin: Client;
  let caseId: string;

  beforeAll(async () => {
    sut = await start();
    [op, dept, admin] = await Promise.all(['op.v-1-1', 'dept.d-cg', 'admin'].map((u) => Client.login(sut.authUrl, u)));
    caseId = (
      await op.ok(`${sut.intakeUrl}/intake/cases`, {
        channel: 'hotline',
        category: 'illegal_parking',
        description: `${REPORTER.name}反映：消防通道被车辆长期占用，邻居电话${NEIGHBOUR_PHONE}，车主身份证${OWNER_ID}`,
        location: { point },
        urgency: 'urgent',
        reporter: { anonymous: false, ...REPORTER },
      })
    ).caseId as string;
    await op.ok(`${sut.intakeUrl}/intake/cases/${caseId}/file`, { level: 'village' });
    await waitForCase(op, sut.gridUrl, caseId, (c) => c.status === 'dispatched' && c.unitId === 'dept-d-cg', 'the work order to be dispatched');
    await dept.ok(`${sut.gridUrl}/grid-dispatch/cases/${caseId}/accept`, {});
    await dept.ok(`${sut.gridUrl}/grid-dispatch/cases/${caseId}/feedback`, { result: `已联系车主（电话${HANDLER_PHONE}）挪车` });
    await waitForCase(op, sut.gridUrl, caseId, (c) => c.status === 'feedback_submitted', 'the feedback');
  }, 400_000);

  afterAll(async () => {
    await sut?.stop();
  }, 60_000);

  it('the people see their own data where their role allows it', async () => {
    const got = await op.get(`${sut.intakeUrl}/intake/cases/${caseId}`);
    expect(got.body.reporter).toEqual({ anonymous: false, ...REPORTER });
    expect(got.body.description).toContain(NEIGHBOUR_PHONE);
    // the reporter's own name written into the description is protected like the numbers, shown to the operator
    expect(got.body.description).toContain(`${REPORTER.name}反映`);
    const work = await op.get(`${sut.gridUrl}/grid-dispatch/cases/${caseId}`);
    expect(JSON.stringify(work.body)).toContain(HANDLER_PHONE);
  });

  if (start === startStandalone) {
    it('no SQLite file of the standalone process holds a name, phone or ID number in clear', async () => {
      const dir = sut.dataDir!;
      // the demo's parties and petitioners are seeded behind the running process: wait for them
      await eventually(
        async () => {
          const has = (f: string, s: string) =>
            (existsSync(f) && readFileSync(f).includes(s)) || (existsSync(`${f}-wal`) && readFileSync(`${f}-wal`).includes(s));
          return has(join(dir, 'mediation', 'events.sqlite'), 'PartyDetailsRecorded') && has(join(dir, 'petitions', 'events.sqlite'), 'PetitionerRecorded')
            ? true
            : undefined;
        },
        { what: 'the demo parties and petitioners', timeoutMs: 120_000, intervalMs: 500 },
      );
      const found = filesUnder(dir).flatMap((f) => findClear(f.slice(dir.length), readFileSync(f).toString('utf8')));
      expect(found).toEqual([]);
    }, 180_000);
  } else {
    it('no Kafka topic and no MongoDB database of the run holds a name, phone or ID number in clear', async () => {
      const prefix = sut.kafkaTopicPrefix!;
      const kafka = new Kafka({ clientId: 'privacy-scan', brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
      const kafkaAdmin = kafka.admin();
      await kafkaAdmin.connect();
      const mine = (await kafkaAdmin.listTopics()).filter((t) => t.startsWith(prefix));
      const offsets = await Promise.all(
        mine.map(async (t) => ({ topic: t, total: (await kafkaAdmin.fetchTopicOffsets(t)).reduce((n, p) => n + Number(p.high), 0) })),
      );
      await kafkaAdmin.disconnect();
      expect(mine.some((t) => t.includes('intake.case.events'))).toBe(true);
      const expected = offsets.reduce((n, o) => n + o.total, 0);
      const seen: string[] = [];
      const consumer = kafka.consumer({ groupId: `${prefix}.privacy-scan` });
      await consumer.connect();
      await consumer.subscribe({ topics: mine, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ topic, message }) => {
          const headers = Object.entries(message.headers ?? {})
            .map(([k, v]) => `${k}=${String(v)}`)
            .join(' ');
          seen.push(`${topic} ${message.key?.toString('utf8') ?? ''} ${message.value?.toString('utf8') ?? ''} ${headers}`);
        },
      });
      await eventually(async () => (seen.length >= expected ? true : undefined), {
        what: `all ${expected} records of the run`,
        timeoutMs: 60_000,
        intervalMs: 200,
      });
      await consumer.disconnect();
      expect(seen.some((s) => s.includes(caseId))).toBe(true);
      const foundOnKafka = seen.flatMap((s, i) => findClear(`kafka record ${i}`, s));
      expect(foundOnKafka).toEqual([]);

      const client = await new MongoClient(process.env.MONGO_URL!).connect();
      try {
        const dbs = (await client.db().admin().listDatabases()).databases.map((d) => d.name).filter((n) => n.startsWith(`${sut.mongoDb}_`));
        expect(dbs.length).toBeGreaterThanOrEqual(3);
        const foundInMongo: string[] = [];
        for (const name of dbs) {
          for (const c of await client.db(name).listCollections().toArray()) {
            for (const doc of await client.db(name).collection(c.name).find({}).toArray())
              foundInMongo.push(...findClear(`${name}.${c.name}`, JSON.stringify(doc)));
          }
        }
        expect(foundInMongo).toEqual([]);
        // and the read models hold real dates
        const view = await client
          .db(`${sut.mongoDb}_intake`)
          .collection('intake_cases')
          .findOne({ reportedAt: { $gte: new Date(Date.now() - 3_600_000) }, _id: caseId as never });
        expect(view?.reportedAt).toBeInstanceOf(Date);
      } finally {
        await client.close();
      }
    }, 180_000);
  }

  it('an admin erases the reporter: reads show 已删除, the keys are gone, every chain verifies', async () => {
    const subjectId = `reporter-${caseId}`;
    const erased = await admin.ok(`${sut.intakeUrl}/privacy/subjects/${subjectId}/erasure`, { reason: '本人依个人信息保护法第四十七条申请删除' });
    expect(erased.contexts).toEqual(expect.arrayContaining([{ context: 'intake', held: true }]));

    const got = await op.get(`${sut.intakeUrl}/intake/cases/${caseId}`);
    expect(got.body.reporter).toEqual({ anonymous: false, name: '已删除', phone: '已删除' });
    expect(got.body.description).not.toContain(NEIGHBOUR_PHONE);
    expect(got.body.description).toContain('欧***反映');

    // grid-dispatch sealed the phone of the feedback for the same subject: its key goes too (over Kafka in distributed mode)
    const after = await eventually(
      async () => {
        const r = await op.get(`${sut.gridUrl}/grid-dispatch/cases/${caseId}`);
        return r.status === 200 && !JSON.stringify(r.body).includes(HANDLER_PHONE) ? r.body : undefined;
      },
      { what: 'grid-dispatch to apply the erasure', timeoutMs: 60_000, intervalMs: 300 },
    );
    expect(after.status).toBe('feedback_submitted');

    const contexts = ['intake', 'grid-dispatch'];
    if (sut.mode === 'standalone') {
      await sut.stopKeepingData!();
      for (const context of contexts) {
        const store = new SqliteEventStore({ path: join(sut.dataDir!, context, 'events.sqlite') });
        try {
          const verified = await verifyStore(store);
          expect(verified.ok).toBe(true);
          expect((await store.readStream(`privacy-subject-${subjectId}`)).map((e) => e.type)).toEqual(['SubjectErased']);
        } finally {
          await store.close();
        }
      }
    } else {
      for (const context of contexts) {
        const store = await MongoEventStore.connect(process.env.MONGO_URL!, contextDatabaseName(`mongodb://x/${sut.mongoDb}`, context));
        try {
          const audit = await eventually(
            async () => {
              const s = await store.readStream(`privacy-subject-${subjectId}`);
              return s.length > 0 ? s : undefined;
            },
            { what: `the erasure recorded by ${context}`, timeoutMs: 60_000, intervalMs: 300 },
          );
          expect(audit.map((e) => e.type)).toEqual(['SubjectErased']);
          const verified = await verifyStore(store, { densePositions: true });
          expect(verified.ok).toBe(true);
        } finally {
          await store.close();
        }
      }
    }
  }, 180_000);
}

describe('personal data in standalone mode', () => privacy(startStandalone));

describeIntegration('personal data in distributed mode (real Kafka + FerretDB)', ['kafka', 'mongo'], (env) =>
  privacy(() => startDistributed(env().kafkaBrokers, env().mongoUrl)),
);
