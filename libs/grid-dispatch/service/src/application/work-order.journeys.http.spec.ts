import { newId } from '@fengqiao/kernel';
import { GridDispatchHarness } from '../testing/grid-dispatch.harness';

/**
 * Journeys across the work-order commands over HTTP (each command's own spec, with its refusals,
 * is in its use-case folder) in standalone mode, with the demo district: 枫源社区 (v-1-1,
 * town t-1), its grid g-1-1-1, and the town's fire station dept-t1-xf, which routing picks for
 * blocked fire lanes there.
 */
const OP = 'op.v-1-1'; // 枫源社区 centre
const OP_TOWN = 'op.t-1';
const DEPT = 'dept.t1-xf'; // assigned by routing
const DEPT_DISTRICT_FIRE = 'dept.d-xf';

describe('work-order commands over HTTP', () => {
  let h: GridDispatchHarness;

  beforeAll(async () => {
    h = await GridDispatchHarness.start();
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  });

  /** a fire-lane case in g-1-1-1, opened and routed to dept-t1-xf */
  async function dispatchedCase(): Promise<string> {
    const caseId = `c-${newId()}`;
    await h.fileCase({ caseId });
    return caseId;
  }

  async function inProgressCase(): Promise<string> {
    const caseId = await dispatchedCase();
    expect((await h.command(caseId, 'accept', DEPT)).status).toBe(200);
    return caseId;
  }

  const ok = async (caseId: string, command: string, as: string, body: unknown = {}) => {
    const res = await h.command(caseId, command, as, body);
    if (res.status !== 200) throw new Error(`${command} as ${as}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { status: string; events: string[]; revision: number };
  };

  it('runs a case from acceptance to archive, with an extension and one rework, and shows each step on the timeline', async () => {
    const caseId = await dispatchedCase();
    expect(await ok(caseId, 'accept', DEPT)).toMatchObject({ status: 'in_progress', events: ['DispatchAccepted'], revision: 2 });
    expect(await ok(caseId, 'progress', DEPT, { note: '已联系物业清理楼道杂物', attachments: [{ ref: 'file-1', mediaType: 'image/jpeg' }] })).toMatchObject({
      events: ['ProgressNoted'],
    });
    expect(await ok(caseId, 'request-extension', DEPT, { duration: 1, unit: 'working_days', reason: '车主外出，需联系拖车' })).toMatchObject({
      status: 'extension_requested',
    });
    expect(await ok(caseId, 'rule-extension', OP, { decision: 'granted', reason: '理由充分' })).toMatchObject({
      status: 'in_progress',
      events: ['ExtensionGranted'],
    });
    expect(await ok(caseId, 'feedback', DEPT, { result: '车辆已移走' })).toMatchObject({ status: 'feedback_submitted' });
    expect(await ok(caseId, 'verify', OP, { result: 'fail', findings: '通道内仍堆有杂物' })).toMatchObject({
      status: 'in_progress',
      events: ['ReworkOrdered'],
    });
    expect(await ok(caseId, 'feedback', DEPT, { result: '杂物已清空' })).toMatchObject({ status: 'feedback_submitted' });
    expect(await ok(caseId, 'verify', OP, { result: 'pass', findings: '现场已畅通' })).toMatchObject({ status: 'verified', events: ['CaseVerified'] });
    expect(await ok(caseId, 'close', OP, { summary: '消防通道已恢复畅通' })).toMatchObject({ status: 'closed' });
    expect(await ok(caseId, 'callback', OP, { rating: 5, satisfied: true, comment: '处理及时' })).toMatchObject({ status: 'callback_done' });
    expect(await ok(caseId, 'archive', OP)).toMatchObject({ status: 'archived' });

    const detail = await h.call('GET', `/grid-dispatch/cases/${caseId}`, { as: OP });
    expect(detail.status).toBe(200);
    expect(detail.etag).toBe('"12"');
    expect(detail.body).toMatchObject({ caseId, status: 'archived', statusLabel: '已归档', revision: 12, reworkCount: 1, extensionCount: 1 });
    expect(detail.body.state).toBeUndefined();
    const timeline = detail.body.timeline as {
      type: string;
      label: string;
      actor: { userId: string };
      text?: string;
      deadline?: { kind: string; step?: string };
    }[];
    expect(timeline.map((e) => e.label)).toEqual([
      '工单建立',
      '派单',
      '签收',
      '处置进展',
      '申请延期',
      '同意延期',
      '处置反馈',
      '核查不通过，返工',
      '处置反馈',
      '核查通过',
      '结案',
      '回访评价',
      '归档',
    ]);
    expect(timeline[2]).toMatchObject({ actor: { userId: 'u-dept-t1-xf' }, deadline: { kind: 'started', step: 'handle' } });
    expect(timeline[7]).toMatchObject({ text: '通道内仍堆有杂物', statusAfter: 'in_progress' });
    expect(timeline[4]).toMatchObject({ reason: '车主外出，需联系拖车' });
  });

  it('handles an objection: upheld redispatches to another unit, rejected sends it back', async () => {
    const caseId = await dispatchedCase();
    expect(await ok(caseId, 'object', DEPT, { reason: '车辆停放属交通管理，非消防站职责' })).toMatchObject({ status: 'objection' });
    expect(await ok(caseId, 'rule-objection', OP, { decision: 'upheld', newUnitId: 'dept-d-xf', reason: '改派区消防救援大队' })).toMatchObject({
      status: 'dispatched',
      events: ['ObjectionUpheld'],
    });
    // the old unit no longer sees the case; the new one accepts it
    expect((await h.command(caseId, 'accept', DEPT)).status).toBe(403);
    expect(await ok(caseId, 'accept', DEPT_DISTRICT_FIRE)).toMatchObject({ status: 'in_progress' });

    const other = await dispatchedCase();
    await ok(other, 'object', DEPT, { reason: '非本单位职责' });
    expect(await ok(other, 'rule-objection', OP, { decision: 'rejected', reason: '属消防站辖区职责' })).toMatchObject({
      status: 'dispatched',
      events: ['ObjectionRejected'],
    });
    expect(await ok(other, 'accept', DEPT)).toMatchObject({ status: 'in_progress' });
  });

  it('suspends and resumes, supervises and answers, escalates, refers and merges', async () => {
    const caseId = await inProgressCase();
    expect(await ok(caseId, 'suspend', OP, { reason: '等待业主委员会决议' })).toMatchObject({ status: 'suspended' });
    expect(await ok(caseId, 'resume', OP)).toMatchObject({ status: 'in_progress', events: ['CaseResumed'] });
    expect(await ok(caseId, 'supervise', OP_TOWN, { opinion: '请于今日内处置完毕' })).toMatchObject({ events: ['SupervisionIssued'] });
    const detail = await h.call('GET', `/grid-dispatch/cases/${caseId}`, { as: DEPT });
    expect(detail.body.supervisions).toEqual([expect.objectContaining({ level: 'town', opinion: '请于今日内处置完毕', issuedBy: 'u-op-t-1' })]);
    const queue = await h.call('GET', '/grid-dispatch/queue?kind=supervision&pageSize=200', { as: DEPT });
    expect(queue.body.items.find((i: { caseId: string }) => i.caseId === caseId)).toMatchObject({ waitingFor: ['handle', 'supervision'] });
    const supervisionId = detail.body.supervisions[0].supervisionId as string;
    expect(await ok(caseId, 'answer-supervision', DEPT, { supervisionId, answer: '已安排专人今日处置' })).toMatchObject({ events: ['SupervisionAnswered'] });
    expect(await ok(caseId, 'escalate', OP, { reason: '涉及多个部门，提请街道协调' })).toMatchObject({ events: ['Escalated'] });
    expect((await h.call('GET', `/grid-dispatch/cases/${caseId}`, { as: OP })).body).toMatchObject({ level: 'town', openSupervisions: 0 });
    expect(await ok(caseId, 'refer', OP, { target: 'mediation', reason: '实为邻里纠纷，转人民调解' })).toMatchObject({ status: 'referred' });

    const original = await dispatchedCase();
    const duplicate = await dispatchedCase();
    expect(await ok(duplicate, 'merge', OP, { duplicateOf: original })).toMatchObject({ status: 'merged_duplicate' });
    expect((await h.command(duplicate, 'merge', OP, { duplicateOf: `c-${newId()}` })).body.code).toBe('GRID_DISPATCH.TARGET_NOT_FOUND');
  });

  it('reopens a closed case, which then waits for dispatch again', async () => {
    const caseId = await inProgressCase();
    await ok(caseId, 'feedback', DEPT, { result: '已清理' });
    await ok(caseId, 'verify', OP, { result: 'pass', findings: '已畅通' });
    await ok(caseId, 'close', OP, { summary: '结案' });
    expect(await ok(caseId, 'reopen', OP, { reason: '群众反映杂物再次堆放' })).toMatchObject({ status: 'reopened' });
    const queue = await h.call('GET', '/grid-dispatch/queue?kind=dispatch&pageSize=200', { as: OP });
    expect(queue.body.items.find((i: { caseId: string }) => i.caseId === caseId)).toMatchObject({ status: 'reopened', suggestedUnitId: 'dept-t1-xf' });
    expect(await ok(caseId, 'dispatch', OP, { unitId: 'dept-t1-xf' })).toMatchObject({ status: 'dispatched' });
  });

  it('lets the grid worker accept, handle and feed back a case dispatched to their grid, but not call back', async () => {
    const caseId = `c-${newId()}`;
    await h.fileCase({ caseId, category: 'neighbour_dispute', gridId: 'g-2-3-1' }, 1); // unroutable
    await ok(caseId, 'dispatch', 'op.v-2-3', { unitId: 'g-2-3-1' });
    const gw = 'gw.g-2-3-1';
    expect(await ok(caseId, 'accept', gw)).toMatchObject({ status: 'in_progress' });
    expect(await ok(caseId, 'progress', gw, { note: '已上门了解情况' })).toMatchObject({ events: ['ProgressNoted'] });
    expect(await ok(caseId, 'feedback', gw, { result: '双方已达成谅解' })).toMatchObject({ status: 'feedback_submitted' });
    await ok(caseId, 'verify', 'op.v-2-3', { result: 'pass', findings: '属实' });
    await ok(caseId, 'close', 'op.v-2-3', { summary: '已化解' });
    // 回访 is the centre's (decider and role table agree)
    const callback = await h.command(caseId, 'callback', gw, { rating: 4, satisfied: true });
    expect(callback).toMatchObject({ status: 403, body: { code: 'AUTH.ACTION_FORBIDDEN' } });
    expect((await h.command(caseId, 'callback', 'op.v-2-3', { rating: 4, satisfied: true })).status).toBe(200);
  });
});
