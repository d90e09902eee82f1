import { demoDistrict, districtDepartmentId } from '@fengqiao/demo';
import { LooseJson } from '@fengqiao/testing';
import { CASE_VIEW, CaseView } from '../case-view/case-view';
import { gridDispatchEvent, IntakeTestApp, pointIn, startIntakeTestApp, TEST_API_KEY } from '../testing/intake-test-app';
import { applyGridDispatchEvent } from './on-grid-dispatch-event.consumer';

/**
 * The `intake.case-status` consumer: grid-dispatch's integration events on the in-process bus
 * update the intake view and so the public Open311 status; each event fed twice changes nothing
 * the second time, and an older one changes nothing at all.
 */
describe('grid-dispatch progress in the intake view (consumer intake.case-status)', () => {
  let t: IntakeTestApp;
  beforeAll(async () => {
    t = await startIntakeTestApp();
  }, 60_000);
  afterAll(() => t?.close());

  const path = ['d-fq', 't-1', 'v-1-3', 'g-1-3-2'];
  const deptId = districtDepartmentId('urban_management');
  const deptName = demoDistrict.departments.find((d) => d.id === deptId)!.name;
  const withDept = [...path, deptId];
  const fileThroughOpen311 = async (): Promise<string> => {
    const posted = await t.call<LooseJson>('POST', '/open311/v2/requests.json', {
      form: {
        api_key: TEST_API_KEY,
        service_code: 'streetlight_fault',
        lat: String(pointIn('g-1-3-2').lat),
        long: String(pointIn('g-1-3-2').lng),
        description: '路灯不亮',
      },
    });
    expect(posted.status).toBe(201);
    const caseId = posted.body[0].service_request_id as string;
    expect((await t.call('POST', `/intake/cases/${caseId}/file`, { as: 'districtOperator', body: {} })).status).toBe(200);
    return caseId;
  };
  const open311 = async (caseId: string) => (await t.call<LooseJson>('GET', `/open311/v2/requests/${caseId}.json`)).body[0];
  const doc = (caseId: string) => t.runtime.infra.readStore.get<CaseView>(CASE_VIEW, caseId);

  it('status, responsible unit and due time reach Open311; a redelivery and an older event change nothing', async () => {
    const caseId = await fileThroughOpen311();
    const filedAt = t.clock.now().getTime();
    const at = (minutes: number) => new Date(filedAt + minutes * 60_000).toISOString();

    const dispatched = gridDispatchEvent('CaseDispatched', {
      caseId,
      status: 'dispatched',
      at: at(10),
      jurisdiction: withDept,
      gridId: 'g-1-3-2',
      unitId: deptId,
      step: 'accept',
      dueAt: at(60 * 24),
    });
    await t.publishGridDispatch(dispatched);
    await t.viewWhen(caseId, (v) => v.dispatch?.status === 'dispatched', 'the dispatch to reach the view');
    expect(await open311(caseId)).toMatchObject({
      status: 'open',
      status_notes: '已派单，待承办单位签收',
      agency_responsible: deptName,
      expected_datetime: at(60 * 24),
      updated_datetime: at(10),
    });
    // the department it went to may now read it in intake too
    expect((await t.call('GET', `/intake/cases/${caseId}`, { as: 'department' })).status).toBe(200);
    const afterFirst = (await doc(caseId))!;

    // the same event again (a redelivery), then an older one with a new id, then a newer one
    await t.publishGridDispatch(dispatched);
    await t.publishGridDispatch(gridDispatchEvent('WorkOrderOpened', { caseId, status: 'filed', at: at(1), jurisdiction: path }));
    await t.publishGridDispatch(
      gridDispatchEvent('DispatchAccepted', {
        caseId,
        status: 'in_progress',
        at: at(30),
        jurisdiction: withDept,
        unitId: deptId,
        step: 'handle',
        dueAt: at(60 * 24 * 5),
      }),
    );
    const afterAccepted = await t.viewWhen(caseId, (v) => v.dispatch?.status === 'in_progress', 'the acceptance to reach the view');
    // exactly one more write: the redelivered and the older event wrote nothing
    expect((await doc(caseId))!._revision).toBe(afterFirst._revision + 1);
    expect(afterAccepted.dispatch!.eventIds.filter((id) => id === dispatched.id)).toHaveLength(1);
    expect(await open311(caseId)).toMatchObject({ status: 'open', status_notes: '处置中', expected_datetime: at(60 * 24 * 5) });

    const closed = gridDispatchEvent('CaseClosed', {
      caseId,
      status: 'closed',
      at: at(60 * 48),
      jurisdiction: withDept,
      unitId: deptId,
      step: 'callback',
      dueAt: at(60 * 24 * 7),
    });
    await t.publishGridDispatch(closed);
    await t.viewWhen(caseId, (v) => v.open311Status === 'closed', 'the closing to reach the view');
    expect(await open311(caseId)).toMatchObject({ status: 'closed', status_notes: '已办结', updated_datetime: at(60 * 48), expected_datetime: null });
    const closedList = await t.call<LooseJson>('GET', '/open311/v2/requests.json?status=closed');
    expect(closedList.body.map((r: LooseJson) => r.service_request_id)).toContain(caseId);

    // fed twice straight into the view, bypassing the inbox: the second time is a no-op
    const archived = gridDispatchEvent('CaseArchived', { caseId, status: 'archived', at: at(60 * 72), jurisdiction: withDept, unitId: deptId });
    expect(await applyGridDispatchEvent(t.runtime, archived)).toBe(true);
    const once = await doc(caseId);
    expect(await applyGridDispatchEvent(t.runtime, archived)).toBe(false);
    expect(await doc(caseId)).toEqual(once);
    expect(once!.closedAt).toBe(at(60 * 48));
  });

  it('a reopened case is open again for Open311', async () => {
    const caseId = await fileThroughOpen311();
    const base = t.clock.now().getTime();
    const at = (minutes: number) => new Date(base + minutes * 60_000).toISOString();
    await t.publishGridDispatch(gridDispatchEvent('CaseClosed', { caseId, status: 'closed', at: at(5), jurisdiction: path }));
    await t.viewWhen(caseId, (v) => v.open311Status === 'closed', 'closed');
    await t.publishGridDispatch(gridDispatchEvent('CaseReopened', { caseId, status: 'reopened', at: at(6), jurisdiction: path }));
    const reopened = await t.viewWhen(caseId, (v) => v.open311Status === 'open', 'reopened');
    expect(reopened.closedAt).toBeNull();
    expect(await open311(caseId)).toMatchObject({ status: 'open', status_notes: '重新办理，待派单' });
  });

  it('an event for a case intake has not projected yet is kept, but shows nowhere until the report is there', async () => {
    const early = gridDispatchEvent('WorkOrderOpened', { caseId: 'case-from-nowhere', status: 'filed', at: t.clock.now().toISOString(), jurisdiction: path });
    expect(await applyGridDispatchEvent(t.runtime, early)).toBe(true);
    const partial = (await doc('case-from-nowhere'))!;
    expect(partial).toMatchObject({ status: null, open311Status: null, dispatch: { status: 'filed' } });
    // not a case anyone can list or read until intake's own events arrive
    expect((await t.call('GET', '/intake/cases/case-from-nowhere', { as: 'districtOperator' })).status).toBe(404);
    expect((await t.call('GET', '/open311/v2/requests/case-from-nowhere.json')).status).toBe(404);
  });
});
