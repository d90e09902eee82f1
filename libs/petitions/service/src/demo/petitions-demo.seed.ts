import { Actor, deterministicEventId } from '@fengqiao/kernel';
import { PetitionCommand } from '@fengqiao/petitions-domain';
import { PetitionRegistration, RegistrationInput } from '../application/registration';
import type { PetitionsContext } from '../petitions.context';
import { normaliseQueryCode, queryCodeHash } from '../public-petitions/query-code';
import { PETITION_VIEW } from '../read-models/petition-view';
import { RECEPTION_DAY_SCHEDULED, RECEPTION_POINT_DEFINED, toReceptionDayStreamId, toReceptionPointStreamId } from '../read-models/reception-views';

/** The query code of the demo's delivered online petition (public: README, demo only). */
export const DEMO_QUERY_CODE = 'FQDM-0000-0000-0000-0000-0001';
const DAY = 86_400_000;
const officer = (unitId: string): Actor => ({ userId: `u-xf-${unitId === 'd-fq' ? 'd' : unitId}`, role: 'petition_officer', unitId });

type Step = [daysAgo: number, type: PetitionCommand['type'], data: Record<string, unknown>, unit?: string];

const ROUTE = (to: string): Step[] => [[0, 'TransferPetition', { toUnitId: to, route: 'competent_body' }]];
const accept = (d: number, to: string): Step[] => [[d, 'NotifyAcceptance', { noticeRef: `${to}受〔2026〕${d}号` }, to]];
const opinion = (d: number, outcome: string): Step => [
  d,
  'IssueOpinion',
  { outcome, request: '请求依法处理', factsAndReasons: '经调查核实，情况属实', legalBasisCited: '《信访工作条例》第三十二条', documentRef: `意〔2026〕${d}号` },
];
const deliver = (d: number): Step => [d, 'DeliverOpinion', { receivedAt: '@', method: 'in_person' }];

/**
 * The demo district's petitions, seeded through the same commands the offices use (so every
 * event, clock and document is real): one petition in every state, one near its deadline and one
 * overdue, a group visit taken on a leader's reception day, a repeat refused under §19, a matter
 * directed to the court under §31, and a delivered online petition with the demo query code.
 * Times are counted back from now.
 *
 * Crash-safe and restart-safe: each piece is seeded on its own, so a kill during the first start
 * leaves nothing half-done for good. The reception point and day are appended only where their
 * stream does not exist (`no_stream`); a petition is registered only where it does not exist, and
 * each of its steps carries the correlation id `demo-seed/<petitionId>/<step>`, so a petition whose
 * steps were cut short goes on from the first step its stream does not hold. The persons are
 * numbered by the petition's place in the list, not by what was seeded in this run.
 */
export async function seedDemoPetitions(ctx: PetitionsContext): Promise<number> {
  const store = ctx.runtime.infra.readStore;
  const nowMs = ctx.clock.now().getTime();
  const ago = (days: number) => new Date(nowMs - days * DAY).toISOString();
  const registration = new PetitionRegistration(ctx);
  const { events } = ctx.runtime.infra;

  // 家门口信访: a reception point and a leader's reception day
  const system = officer('t-1');
  const point = {
    pointId: 'demo-point-v-1-1',
    name: '枫源社区家门口信访接待点',
    kind: 'village_centre',
    unitId: 'v-1-1',
    address: '枫源社区党群服务中心一楼',
    openHours: '工作日 8:30-17:00',
  };
  const today = new Date(nowMs + 8 * 3600_000).toISOString().slice(0, 10);
  const day = {
    dayId: 'demo-day-1',
    pointId: point.pointId,
    pointName: point.name,
    date: today,
    startTime: '09:00',
    endTime: '11:30',
    leaderName: '王建国',
    leaderTitle: '枫溪街道党工委书记',
    unitId: 'v-1-1',
  };
  let appended = 0;
  const ref = async (id: string, type: string, streamId: string, data: Record<string, unknown>) => {
    if ((await events.readStream(streamId)).length > 0) return; // seeded by an earlier start
    await events.append(
      streamId,
      [
        {
          id: deterministicEventId(`demo-seed/${id}`, 0),
          type,
          schemaVersion: 1,
          occurredAt: ago(1),
          actor: system,
          correlationId: id,
          causationId: id,
          jurisdiction: ctx.units.pathOf('v-1-1'),
          data,
        },
      ],
      { expectedRevision: 'no_stream' },
    );
    appended++;
  };
  await ref('demo-point', RECEPTION_POINT_DEFINED, toReceptionPointStreamId(point.pointId), point);
  await ref('demo-day', RECEPTION_DAY_SCHEDULED, toReceptionDayStreamId(day.dayId), day);
  await ctx.caughtUp();

  let n = 0;
  const person = (k: number) => ({
    name: ['张建华', '李秀英', '王志强', '刘桂兰', '陈国平', '杨丽', '赵文斌', '黄美玲', '周海涛', '吴晓燕'][k % 10],
    idNumber: `33068119700101${String(2000 + k)}`,
    phone: `1385750${String(1000 + k)}`,
    address: `浙江省诸暨市枫桥镇枫源村${k}组${k}号`,
  });
  const seed = async (
    key: string,
    unit: string,
    receivedDaysAgo: number,
    input: Partial<RegistrationInput>,
    steps: Step[],
    extra: { code?: string; person?: number } = {},
  ): Promise<void> => {
    const petitionId = `demo-${key}`;
    const personIndex = extra.person ?? ++n; // by the petition's place in the list
    try {
      await seedOne(petitionId, unit, receivedDaysAgo, input, steps, { ...extra, person: personIndex });
    } catch (e) {
      // one petition the calendar cannot time yet (e.g. a year without data) does not stop the others
      ctx.logger.warn(`demo petition ${petitionId} not seeded: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const seedOne = async (
    petitionId: string,
    unit: string,
    receivedDaysAgo: number,
    input: Partial<RegistrationInput>,
    steps: Step[],
    extra: { code?: string; person?: number },
  ): Promise<void> => {
    const at = ago(receivedDaysAgo);
    const existing = await ctx.runner.read(petitionId);
    if (extra.code && (await ctx.portal.read(petitionId)).revision < 0) {
      await ctx.portal.execute(petitionId, {
        type: 'IssueQueryCode',
        data: { petitionId, codeHash: queryCodeHash(normaliseQueryCode(extra.code) as string) },
        meta: { actor: officer(unit), now: at },
      });
    }
    const done = new Set(existing.events.map((e) => e.correlationId));
    if (existing.revision < 0) {
      await registration.register(
        {
          channel: 'letter',
          petitioners: [person(extra.person ?? 0)],
          summary: '反映村道硬化工程占用承包地未予补偿',
          matterType: 'land_expropriation',
          form: 'written',
          receivingUnitId: unit,
          receivedAt: at,
          ...input,
        },
        {
          kind: 'system',
          actor: officer(unit),
          source: input.receptionDayId
            ? { kind: 'reception', pointId: point.pointId, dayId: day.dayId }
            : input.channel === 'online'
              ? { kind: 'online_form' }
              : { kind: 'office' },
          petitionId,
          at,
        },
      );
      appended++;
    }
    for (const [i, [daysAgo, type, data, by]] of steps.entries()) {
      const correlationId = `demo-seed/${petitionId}/${i}`;
      if (done.has(correlationId)) continue; // stored by an earlier start
      const when = ago(daysAgo);
      const payload = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v === '@' ? when : v]));
      await ctx.runner.execute(petitionId, {
        type,
        data: payload,
        meta: {
          actor: officer(by ?? unit),
          now: when,
          correlationId,
          ...(type === 'ExtendHandling' || type === 'SupervisePetition' ? { reason: '情况复杂，需进一步调查' } : {}),
        },
      } as PetitionCommand);
      appended++;
    }
  };

  const T1 = 'dept-t1-cg';
  const toT1 = (d: number) => ROUTE(T1).map(([, t, x]) => [d, t, x] as Step);
  const handled = (r: number): Step[] => [...toT1(r - 1), ...accept(r - 2, 't-1'), [r - 3, 'StartHandling', { handlerIds: ['u-handler-t1'] }]];
  const answered = (r: number, o: number, dl: number): Step[] => [...handled(r), opinion(o, 'explain'), deliver(dl)];
  const reviewed = (r: number, o: number, dl: number, rq: number): Step[] => [
    ...answered(r, o, dl),
    [rq, 'RequestReview', { requestedAt: '@', reviewingUnitId: 't-1' }, 't-1'],
  ];
  const decided = (r: number, o: number, dl: number, rq: number, dec: number, rdl: number): Step[] => [
    ...reviewed(r, o, dl, rq),
    [rq - 1, 'StartReview', {}, 't-1'],
    [dec, 'DecideReview', { outcome: 'upheld', reasons: '原处理意见认定事实清楚', documentRef: `复查〔2026〕${dec}号` }, 't-1'],
    [rdl, 'DeliverReviewDecision', { receivedAt: '@' }, 't-1'],
  ];
  const reReview = (base: Step[], rq: number): Step[] => [...base, [rq, 'RequestReReview', { requestedAt: '@', reReviewingUnitId: 'd-fq' }, 'd-fq']];

  await seed('near-due', 't-1', 13, { channel: 'phone', form: 'oral', recordRef: '来电记录〔2026〕13号' }, []);
  await seed('overdue', 't-2', 20, { channel: 'fax', summary: '反映企业拖欠农民工工资', matterType: 'labour_social_security' }, []);
  await seed(
    'reception-group',
    't-1',
    0,
    {
      channel: 'visit',
      form: 'oral',
      recordRef: '接访记录〔2026〕1号',
      receptionDayId: day.dayId,
      petitioners: [person(21), person(22), person(23)],
      groupVisit: { visitorCount: 12, representatives: [0, 1, 2] },
      summary: '反映小区旁工地夜间施工噪声扰民',
      matterType: 'environment',
    },
    [],
  );
  await seed('routed', 't-1', 10, {}, toT1(9));
  await seed('accepted', 't-1', 40, {}, [...toT1(38), ...accept(36, 't-1')]);
  await seed(
    'handling',
    't-1',
    45,
    { summary: '反映宅基地审批久拖不决', matterType: 'rural_agriculture' },
    [
      ...handled(45),
      [10, 'ExtendHandling', { extendBy: 5, approvedBy: '枫溪街道分管负责人' }],
      [5, 'SupervisePetition', { supervisingUnitId: 'd-fq', form: 'supervision', grounds: ['delay'] }, 'd-fq'],
    ],
    { person: 50 },
  );
  await seed('opinion-issued', 't-1', 55, {}, [...handled(55), opinion(3, 'support')]);
  await seed(
    'delivered',
    'd-fq',
    45,
    { channel: 'online', summary: '网上反映：村口路灯长期不亮', matterType: 'urban_rural_construction' },
    answered(45, 22, 20),
    { code: DEMO_QUERY_CODE },
  );
  await seed('closed', 't-1', 120, {}, [...answered(120, 80, 75), [40, 'ClosePetition', {}]]);
  await seed('review-requested', 't-1', 90, {}, reviewed(90, 45, 40, 10));
  await seed('reviewing', 't-1', 90, {}, [...reviewed(90, 45, 40, 12), [11, 'StartReview', {}, 't-1']]);
  await seed('review-decided', 't-1', 120, {}, decided(120, 70, 65, 36, 26, 24));
  await seed('re-review-requested', 't-1', 150, {}, reReview(decided(150, 100, 95, 80, 60, 45), 20));
  await seed('re-reviewing', 't-1', 150, {}, [
    ...reReview(decided(150, 100, 95, 80, 60, 45), 22),
    [21, 'StartReReview', {}, 'd-fq'],
    [15, 'StartHearing', { hearingId: 'demo-hearing-1' }, 'd-fq'],
    [14, 'EndHearing', { hearingId: 'demo-hearing-1', recordRef: '听证笔录〔2026〕1号' }, 'd-fq'],
  ]);
  await seed('terminated', 't-1', 200, {}, [
    ...reReview(decided(200, 150, 145, 130, 110, 105), 90),
    [89, 'StartReReview', {}, 'd-fq'],
    [70, 'DecideReReview', { outcome: 'upheld', reasons: '复查意见正确', documentRef: '复核〔2026〕1号', publicised: true }, 'd-fq'],
  ]);
  // §19: the same person and matter as the petition being handled at the town, raised to the district
  await seed('repeat', 'd-fq', 2, { summary: '反映宅基地审批久拖不决（越级）', matterType: 'rural_agriculture' }, [], { person: 50 });
  await seed('legal-procedure', 't-3', 8, { summary: '要求撤销法院民事判决', matterType: 'law_litigation' }, [
    [7, 'DirectToLegalProcedure', { procedure: 'litigation', body: '枫桥区人民法院（申请再审）' }],
  ]);
  await ctx.caughtUp();
  return appended > 0 ? store.count(PETITION_VIEW, {}) : 0;
}
