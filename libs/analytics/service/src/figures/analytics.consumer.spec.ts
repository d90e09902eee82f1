import { IntakeCaseAcceptedV1, IntakeCaseFiledV1, IntakeCaseReportedV1, IntegrationEvent } from '@fengqiao/contracts';
import { SqliteEventStore } from '@fengqiao/event-store';
import type { ContextRuntime } from '@fengqiao/platform';
import { EmbeddedReadStore, type ReadStore } from '@fengqiao/read-store';
import { recordUpserts } from '@fengqiao/read-store/testing';
import type { Principal } from '@fengqiao/identity';
import { handleWarning, WARNING_STREAM_PREFIX } from '../warnings/early-warnings';
import { createFiguresConsumer, RECENT_REPORTS } from './analytics.consumer';

const J = ['d-fq', 't-1', 'v-1-1', 'g-1-1-1'];
const reported = (caseId: string, hour: number): IntegrationEvent => ({
  id: `reported-${caseId}`,
  type: IntakeCaseReportedV1.type,
  source: '/intake',
  subject: caseId,
  time: `2026-03-02T${String(hour).padStart(2, '0')}:00:00+08:00`,
  correlationId: caseId,
  causationId: caseId,
  data: {
    caseId,
    channel: 'hotline',
    category: 'illegal_parking',
    description: '占道停车',
    urgency: 'normal',
    gridId: 'g-1-1-1',
    location: { address: '枫源村3组' },
    jurisdiction: J,
    reportedAt: `2026-03-02T${String(hour).padStart(2, '0')}:00:00+08:00`,
  },
});

/**
 * The figures consumer takes no inbox claim (`idempotent`): a redelivery must change nothing, and a
 * delivery that failed after its fold must complete on its retry, on the real embedded stores.
 */
describe('analytics figures consumer without an inbox', () => {
  let readStore: EmbeddedReadStore;
  let events: SqliteEventStore;
  let runtime: ContextRuntime;
  const figures = createFiguresConsumer();
  const warnings = async () => (await events.readAll()).filter((e) => e.streamId.startsWith(WARNING_STREAM_PREFIX));
  const rules = async () => (await warnings()).map((e) => `${e.type} ${String(e.data.rule)}`).sort();
  /** three reports at one place in one grid and category, within hours: both rules fire */
  const RAISED = ['EarlyWarningRaised EW.CATEGORY_SURGE', 'EarlyWarningRaised EW.REPEATED_PLACE'];

  beforeEach(async () => {
    readStore = new EmbeddedReadStore({ path: ':memory:' });
    events = new SqliteEventStore({ path: ':memory:' });
    runtime = { infra: { readStore, events } } as unknown as ContextRuntime;
    await figures.prepare(runtime);
  });
  afterEach(async () => {
    await readStore.close();
    await events.close();
  });

  /** Three reports at one place, an hour apart: enough to raise the place's warnings. */
  const reportThreeCases = async () => {
    for (const [caseId, hour] of [
      ['case-1', 9],
      ['case-2', 10],
      ['case-3', 11],
    ] as const)
      await figures.consumer.handle(reported(caseId, hour), runtime);
  };

  it('says it is idempotent by itself', () => {
    expect(figures.consumer.idempotent).toBe(true);
  });

  it('a redelivered report changes nothing: the facts, the recent reports and the one warning stay as they were', async () => {
    await reportThreeCases();
    const before = { facts: await readStore.get('analytics_cases', 'case-3'), recent: await readStore.find(RECENT_REPORTS, {}), warnings: await warnings() };
    expect(await rules()).toEqual(RAISED);
    await figures.consumer.handle(reported('case-3', 11), runtime);
    await figures.consumer.handle(reported('case-1', 9), runtime);
    expect(await readStore.get('analytics_cases', 'case-3')).toEqual(before.facts);
    expect(await readStore.find(RECENT_REPORTS, {})).toEqual(before.recent);
    expect((await warnings()).map((e) => e.id)).toEqual(before.warnings.map((e) => e.id));
  });

  it('a report whose recent-reports write lost a race completes on its retry: the place counts it and the warning is raised', async () => {
    await figures.consumer.handle(reported('case-1', 9), runtime);
    await figures.consumer.handle(reported('case-2', 10), runtime);
    // another replica writes the place's recent reports between this delivery's read and its write
    let raced = false;
    const racing = new Proxy(readStore, {
      get(target, key, receiver) {
        if (key !== 'get') return Reflect.get(target, key, receiver);
        return async (collection: string, id: string) => {
          const doc = await target.get(collection, id);
          if (collection === RECENT_REPORTS && id.startsWith('place:') && doc && !raced) {
            raced = true;
            const { _revision, ...rest } = doc;
            await target.upsert(RECENT_REPORTS, rest, { revision: _revision + 1 });
          }
          return doc;
        };
      },
    }) as ReadStore;
    const racingRuntime = { infra: { readStore: racing, events } } as unknown as ContextRuntime;
    await expect(figures.consumer.handle(reported('case-3', 11), racingRuntime)).rejects.toThrow(/changed meanwhile/);
    expect(await readStore.get('analytics_cases', 'case-3')).toMatchObject({ applied: ['reported-case-3'] }); // folded before it failed
    expect(await warnings()).toEqual([]);

    await figures.consumer.handle(reported('case-3', 11), runtime); // the bus retries the delivery
    const place = await readStore.find<{ reports: Array<{ caseId: string }> }>(RECENT_REPORTS, { _id: 'place:addr:枫源村3组' });
    expect(place[0]?.reports.map((r) => r.caseId)).toEqual(['case-1', 'case-2', 'case-3']);
    expect(await rules()).toEqual(RAISED);
    for (const raised of await warnings()) expect(raised.data).toMatchObject({ caseIds: ['case-1', 'case-2', 'case-3'] });
  });

  it('raises a warning again only once the last one was resolved: acknowledged, it stays one warning', async () => {
    const operator: Principal = { userId: 'op-1', username: 'op', roles: ['operator'], unitId: 'd-fq', unitPath: ['d-fq'], directoryVersion: 1 };
    await reportThreeCases();
    const place = (await warnings()).find((e) => e.data.rule === 'EW.REPEATED_PLACE')?.streamId as string;
    await handleWarning(runtime, operator, place, 'acknowledge', '已签收');
    await figures.consumer.handle(reported('case-4', 12), runtime);
    expect((await events.readStream(place)).map((e) => e.type)).toEqual(['EarlyWarningRaised', 'EarlyWarningAcknowledged']);
    await handleWarning(runtime, operator, place, 'resolve', '已处置');
    await figures.consumer.handle(reported('case-5', 13), runtime);
    const history = await events.readStream(place);
    expect(history.map((e) => e.type)).toEqual(['EarlyWarningRaised', 'EarlyWarningAcknowledged', 'EarlyWarningResolved', 'EarlyWarningRaised']);
    expect(history[3].data).toMatchObject({ caseIds: ['case-1', 'case-2', 'case-3', 'case-4', 'case-5'] });
  });

  describe('a case’s events that came together (handleRun)', () => {
    const later = (caseId: string, type: string, data: Record<string, unknown>): IntegrationEvent => ({
      ...reported(caseId, 11),
      id: `${type}-${caseId}`,
      type,
      data: { caseId, jurisdiction: J, ...data },
    });
    /** case-3's report, acceptance and filing (re-categorised on filing) */
    const run = [
      reported('case-3', 11),
      later('case-3', IntakeCaseAcceptedV1.type, { at: '2026-03-02T11:05:00+08:00' }),
      later('case-3', IntakeCaseFiledV1.type, {
        at: '2026-03-02T11:10:00+08:00',
        filedAt: '2026-03-02T11:10:00+08:00',
        category: 'road_damage',
        gridId: 'g-1-1-1',
        channel: 'hotline',
      }),
    ];
    const state = async (store: ReadStore, eventStore: SqliteEventStore) => {
      const { _revision: _r, ...facts } = (await store.get<object>('analytics_cases', 'case-3')) ?? { _revision: 0 };
      const raised = (await eventStore.readAll()).filter((e) => e.streamId.startsWith(WARNING_STREAM_PREFIX));
      return { facts, recent: await store.find(RECENT_REPORTS, {}, { sort: { _id: 1 } }), warnings: raised.map((e) => [e.id, e.type, e.data]) };
    };

    it('folds them with one write of the case’s facts and leaves what one-by-one delivery leaves, warnings included', async () => {
      const oneByOne = { readStore: new EmbeddedReadStore({ path: ':memory:' }), events: new SqliteEventStore({ path: ':memory:' }) };
      const other = { infra: oneByOne } as unknown as ContextRuntime;
      const alone = createFiguresConsumer();
      try {
        await alone.prepare(other);
        for (const [caseId, hour] of [
          ['case-1', 9],
          ['case-2', 10],
        ] as const) {
          await figures.consumer.handle(reported(caseId, hour), runtime);
          await alone.consumer.handle(reported(caseId, hour), other);
        }
        for (const event of run) await alone.consumer.handle(event, other);

        const writes = recordUpserts(readStore);
        await figures.consumer.handleRun!(run, runtime);
        expect(writes.filter((w) => w.collection === 'analytics_cases' && w.id === 'case-3')).toHaveLength(1);
        expect(await rules()).toEqual(RAISED);
        expect(await state(readStore, events)).toEqual(await state(oneByOne.readStore, oneByOne.events));

        // the same run again (as a run, or one by one after a failure): nothing is written again,
        // and the report is still counted where and as what it was reported (not as re-categorised)
        const before = await state(readStore, events);
        writes.length = 0;
        await figures.consumer.handleRun!(run, runtime);
        for (const event of run) await figures.consumer.handle(event, runtime);
        expect(writes).toEqual([]);
        expect(await state(readStore, events)).toEqual(before);
        expect((await readStore.find(RECENT_REPORTS, {})).map((d) => d._id).sort()).toEqual(['place:addr:枫源村3组', 'surge:g-1-1-1/illegal_parking']);
      } finally {
        await oneByOne.readStore.close();
        await oneByOne.events.close();
      }
    });

    it('hands events of several cases to handle one by one', async () => {
      await figures.consumer.handleRun!([reported('case-1', 9), reported('case-2', 10)], runtime);
      expect((await readStore.find('analytics_cases', {}, { sort: { _id: 1 } })).map((d) => d._id)).toEqual(['case-1', 'case-2']);
    });
  });
});
