import { LooseJson } from '@fengqiao/testing';
import { petitioner, PetitionsTestApp, registration, startPetitionsTestApp } from '../testing/petitions-test-app';

/** 家门口信访: reception points and leaders' reception days, the public schedule, what a day produced. */
describe("家门口信访 (reception points and leaders' reception days)", () => {
  let t: PetitionsTestApp;
  beforeAll(async () => {
    t = await startPetitionsTestApp();
  }, 60_000);
  afterAll(() => t?.close());

  it('the town office keeps its points and days; the schedule is public; a visit taken on the day records it; the desk shows what the day produced', async () => {
    const point = await t.ok<LooseJson>(
      'POST',
      '/petitions/reception-points',
      'town1Officer',
      { name: '枫源社区家门口信访接待点', kind: 'village_centre', unitId: 'v-1-1', address: '枫源社区党群服务中心一楼', openHours: '工作日 8:30-17:00' },
      201,
    );
    expect(point).toMatchObject({ name: '枫源社区家门口信访接待点', unitId: 'v-1-1', jurisdiction: ['d-fq', 't-1', 'v-1-1'] });
    const day = await t.ok<LooseJson>(
      'POST',
      '/petitions/reception-days',
      'town1Officer',
      { pointId: point.pointId, date: '2025-09-25', startTime: '09:00', endTime: '11:30', leaderName: '王建国', leaderTitle: '枫溪街道党工委书记' },
      201,
    );
    expect(day).toMatchObject({ pointName: '枫源社区家门口信访接待点', date: '2025-09-25', cancelled: false });

    const schedule = await t.call('GET', '/public/petitions/reception-schedule?from=2025-09-23&days=7');
    expect(schedule.status).toBe(200);
    expect(schedule.body.days).toEqual([
      expect.objectContaining({
        dayId: day.dayId,
        leaderName: '王建国',
        leaderTitle: '枫溪街道党工委书记',
        pointName: '枫源社区家门口信访接待点',
        startTime: '09:00',
      }),
    ]);
    expect(schedule.body.points.map((p: LooseJson) => p.pointId)).toContain(point.pointId);

    const taken = await t.ok<LooseJson>(
      'POST',
      '/petitions',
      'town1Officer',
      registration({
        channel: 'visit',
        form: 'oral',
        recordRef: '接访记录〔2025〕1号',
        petitioners: [petitioner(40), petitioner(41)],
        groupVisit: { visitorCount: 8, representatives: [0, 1] },
        receptionDayId: day.dayId,
      }),
      201,
    );
    await t.ok(
      'POST',
      '/petitions',
      'town1Officer',
      registration({ channel: 'visit', form: 'oral', recordRef: '接访记录〔2025〕2号', petitioners: [petitioner(42)], receptionDayId: day.dayId }),
      201,
    );
    const detail = await t.call('GET', `/petitions/${taken.petitionId}`, { as: 'town1Officer' });
    expect(detail.body.source).toEqual({ kind: 'reception', pointId: point.pointId, dayId: day.dayId });
    const report = await t.ok<LooseJson>('GET', `/petitions/reception-days/${day.dayId}`, 'town1Officer');
    expect(report).toMatchObject({ petitions: 2, groupVisits: 1, byStatus: { registered: 2 } });

    // a letter cannot claim a reception day; an unknown day is refused with the field named
    const letter = await t.call('POST', '/petitions', { as: 'town1Officer', body: registration({ petitioners: [petitioner(43)], receptionDayId: day.dayId }) });
    expect(letter.status).toBe(400);
    expect(letter.body.details.field).toBe('channel');
    const unknown = await t.call('POST', '/petitions', {
      as: 'town1Officer',
      body: registration({ channel: 'visit', petitioners: [petitioner(44)], receptionDayId: 'nope' }),
    });
    expect(unknown.body).toMatchObject({ code: 'PETITIONS.UNKNOWN_RECEPTION_DAY', details: { field: 'receptionDayId' } });

    // another town's office may not schedule at this point; a cancelled day leaves the public schedule
    expect(
      (
        await t.call('POST', '/petitions/reception-days', {
          as: 'town2Officer',
          body: { pointId: point.pointId, date: '2025-09-26', startTime: '09:00', endTime: '10:00', leaderName: '李', leaderTitle: '镇长' },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await t.call('POST', '/petitions/reception-points', {
          as: 'districtOperator',
          body: { name: 'x', kind: 'village_centre', unitId: 'v-1-1', address: 'x' },
        })
      ).status,
    ).toBe(403);
    await t.ok('POST', `/petitions/reception-days/${day.dayId}/cancel`, 'town1Officer', {});
    expect((await t.call('GET', '/public/petitions/reception-schedule?from=2025-09-23&days=7')).body.days).toEqual([]);
    const bad = await t.call('POST', '/petitions/reception-days', {
      as: 'town1Officer',
      body: { pointId: point.pointId, date: '2025-13-01', startTime: '9am', endTime: '10:00', leaderName: '', leaderTitle: 'x' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.details.fields.map((f: LooseJson) => f.field)).toEqual(expect.arrayContaining(['date', 'startTime', 'leaderName']));
  });
});
