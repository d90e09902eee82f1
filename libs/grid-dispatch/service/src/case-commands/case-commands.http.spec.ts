import { newId } from '@fengqiao/kernel';
import { GridDispatchHarness } from '../testing/grid-dispatch.harness';

/**
 * The work-order commands over HTTP in standalone mode, with the demo district: 枫源社区 (v-1-1,
 * town t-1), its grid g-1-1-1, and the town's fire station dept-t1-xf, which routing picks for
 * blocked fire lanes there.
 */
const OP = 'op.v-1-1'; // 枫源社区 centre
const OP_OTHER_VILLAGE = 'op.v-1-2';
const OP_TOWN = 'op.t-1';
const DEPT = 'dept.t1-xf'; // assigned by routing
const DEPT_OTHER = 'dept.t1-cg';
const DEPT_DISTRICT_FIRE = 'dept.d-xf';
const GRID_WORKER = 'gw.g-1-1-1';
const AUDITOR = 'audit.d';

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
    return res.body as { status: string; appended: string[]; revision: number };
  };

  it('runs a case from acceptance to archive, with an extension and one rework, and shows each step on the timeline', async () => {
    const caseId = await dispatchedCase();
    expect(await ok(caseId, 'accept', DEPT)).toMatchObject({ status: 'in_progress', appended: ['DispatchAccepted'], revision: 2 });
    expect(await ok(caseId, 'progress', DEPT, { note: '已联系物业清理楼道杂物', attachments: [{ ref: 'file-1', mediaType: 'image/jpeg' }] })).toMatchObject({ appended: ['ProgressNoted'] });
    expect(await ok(caseId, 'request-extension', DEPT, { duration: 1, unit: 'working_days', reason: '车主外出，需联系拖车' })).toMatchObject({ status: 'extension_requested' });
    expect(await ok(caseId, 'rule-extension', OP, { decision: 'granted', reason: '理由充分' })).toMatchObject({ status: 'in_progress', appended: ['ExtensionGranted'] });
    expect(await ok(caseId, 'feedback', DEPT, { result: '车辆已移走' })).toMatchObject({ status: 'feedback_submitted' });
    expect(await ok(caseId, 'verify', OP, { result: 'fail', findings: '通道内仍堆有杂物' })).toMatchObject({ status: 'in_progress', appended: ['ReworkOrdered'] });
    expect(await ok(caseId, 'feedback', DEPT, { result: '杂物已清空' })).toMatchObject({ status: 'feedback_submitted' });
    expect(await ok(caseId, 'verify', OP, { result: 'pass', findings: '现场已畅通' })).toMatchObject({ status: 'verified', appended: ['CaseVerified'] });
    expect(await ok(caseId, 'close', OP, { summary: '消防通道已恢复畅通' })).toMatchObject({ status: 'closed' });
    expect(await ok(caseId, 'callback', OP, { rating: 5, satisfied: true, comment: '处理及时' })).toMatchObject({ status: 'callback_done' });
    expect(await ok(caseId, 'archive', OP)).toMatchObject({ status: 'archived' });

    const detail = await h.call('GET', `/grid-dispatch/cases/${caseId}`, { as: OP });
    expect(detail.status).toBe(200);
    expect(detail.etag).toBe('"12"');
    expect(detail.body).toMatchObject({ caseId, status: 'archived', statusLabel: '已归档', revision: 12, reworkCount: 1, extensionCount: 1 });
    expect(detail.body.state).toBeUndefined();
    const timeline = detail.body.timeline as { type: string; label: string; actor: { userId: string }; text?: string; deadline?: { kind: string; step?: string } }[];
    expect(timeline.map((e) => e.label)).toEqual([
      '工单建立', '派单', '签收', '处置进展', '申请延期', '同意延期', '处置反馈', '核查不通过，返工', '处置反馈', '核查通过', '结案', '回访评价', '归档',
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
      appended: ['ObjectionUpheld'],
    });
    // the old unit no longer sees the case; the new one accepts it
    expect((await h.command(caseId, 'accept', DEPT)).status).toBe(403);
    expect(await ok(caseId, 'accept', DEPT_DISTRICT_FIRE)).toMatchObject({ status: 'in_progress' });

    const other = await dispatchedCase();
    await ok(other, 'object', DEPT, { reason: '非本单位职责' });
    expect(await ok(other, 'rule-objection', OP, { decision: 'rejected', reason: '属消防站辖区职责' })).toMatchObject({ status: 'dispatched', appended: ['ObjectionRejected'] });
    expect(await ok(other, 'accept', DEPT)).toMatchObject({ status: 'in_progress' });
  });

  it('suspends and resumes, supervises and answers, escalates, refers and merges', async () => {
    const caseId = await inProgressCase();
    expect(await ok(caseId, 'suspend', OP, { reason: '等待业主委员会决议' })).toMatchObject({ status: 'suspended' });
    expect(await ok(caseId, 'resume', OP)).toMatchObject({ status: 'in_progress', appended: ['CaseResumed'] });
    expect(await ok(caseId, 'supervise', OP_TOWN, { opinion: '请于今日内处置完毕' })).toMatchObject({ appended: ['SupervisionIssued'] });
    const detail = await h.call('GET', `/grid-dispatch/cases/${caseId}`, { as: DEPT });
    expect(detail.body.supervisions).toEqual([expect.objectContaining({ level: 'town', opinion: '请于今日内处置完毕', issuedBy: 'u-op-t-1' })]);
    const queue = await h.call('GET', '/grid-dispatch/queue?kind=supervision&pageSize=200', { as: DEPT });
    expect(queue.body.items.find((i: { caseId: string }) => i.caseId === caseId)).toMatchObject({ waitingFor: ['handle', 'supervision'] });
    const supervisionId = detail.body.supervisions[0].supervisionId as string;
    expect(await ok(caseId, 'answer-supervision', DEPT, { supervisionId, answer: '已安排专人今日处置' })).toMatchObject({ appended: ['SupervisionAnswered'] });
    expect(await ok(caseId, 'escalate', OP, { reason: '涉及多个部门，提请街道协调' })).toMatchObject({ appended: ['Escalated'] });
    expect((await h.call('GET', `/grid-dispatch/cases/${caseId}`, { as: OP })).body).toMatchObject({ level: 'town', openSupervisions: 0 });
    expect(await ok(caseId, 'refer', OP, { target: 'mediation', reason: '实为邻里纠纷，转人民调解' })).toMatchObject({ status: 'referred' });

    const original = await dispatchedCase();
    const duplicate = await dispatchedCase();
    expect(await ok(duplicate, 'merge', OP, { duplicateOf: original })).toMatchObject({ status: 'merged_duplicate' });
    expect((await h.command(duplicate, 'merge', OP, { duplicateOf: `c-${newId()}` })).body.code).toBe('GRID_DISPATCH.UNKNOWN_DUPLICATE');
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
    expect(await ok(caseId, 'progress', gw, { note: '已上门了解情况' })).toMatchObject({ appended: ['ProgressNoted'] });
    expect(await ok(caseId, 'feedback', gw, { result: '双方已达成谅解' })).toMatchObject({ status: 'feedback_submitted' });
    await ok(caseId, 'verify', 'op.v-2-3', { result: 'pass', findings: '属实' });
    await ok(caseId, 'close', 'op.v-2-3', { summary: '已化解' });
    // 回访 is the centre's (decider and role table agree)
    const callback = await h.command(caseId, 'callback', gw, { rating: 4, satisfied: true });
    expect(callback).toMatchObject({ status: 403, body: { code: 'AUTH.ACTION_FORBIDDEN' } });
    expect((await h.command(caseId, 'callback', 'op.v-2-3', { rating: 4, satisfied: true })).status).toBe(200);
  });

  describe('refusals', () => {
    it('400: field errors in Chinese, unknown fields, unknown units, a malformed If-Match', async () => {
      const caseId = await dispatchedCase();
      const missing = await h.command(caseId, 'object', DEPT, {});
      expect(missing.status).toBe(400);
      expect(missing.body).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: expect.arrayContaining([expect.objectContaining({ field: 'reason', message: '请填写理由' })]) } });
      const cases: [string, string, unknown, string][] = [
        ['dispatch', OP, {}, 'unitId'],
        ['rule-objection', OP, { decision: 'maybe', reason: 'x' }, 'decision'],
        ['rule-objection', OP, { decision: 'upheld', reason: 'x' }, 'newUnitId'],
        ['progress', DEPT, { note: '' }, 'note'],
        ['progress', DEPT, { note: 'x', attachments: [{ ref: '' }] }, 'attachments.0.ref'],
        ['request-extension', DEPT, { duration: -1, unit: 'working_days', reason: 'x' }, 'duration'],
        ['request-extension', DEPT, { duration: 1, unit: 'fortnights', reason: 'x' }, 'unit'],
        ['rule-extension', OP, { decision: 'granted' }, 'reason'],
        ['verify', OP, { result: 'maybe', findings: 'x' }, 'result'],
        ['close', OP, {}, 'summary'],
        ['callback', OP, { rating: 6, satisfied: true }, 'rating'],
        ['callback', OP, { rating: 3 }, 'satisfied'],
        ['refer', OP, { target: 'court', reason: 'x' }, 'target'],
        ['supervise', OP, {}, 'opinion'],
        ['answer-supervision', DEPT, { answer: 'x' }, 'supervisionId'],
        ['escalate', OP, {}, 'reason'],
        ['merge', OP, {}, 'duplicateOf'],
        ['accept', DEPT, { unexpected: true }, 'unexpected'],
      ];
      for (const [command, as, body, field] of cases) {
        const res = await h.command(caseId, command, as, body);
        expect({ command, status: res.status, fields: (res.body.details?.fields ?? []).map((f: { field: string }) => f.field) }).toEqual({
          command,
          status: 400,
          fields: expect.arrayContaining([field]),
        });
      }
      expect(await h.command(caseId, 'rule-extension', OP, { decision: 'denied', duration: 2, reason: 'x' })).toMatchObject({ status: 400, body: { code: 'GRID_DISPATCH.EXTENSION_LENGTH_NOT_ALLOWED' } });
      const reopened = await h.command(caseId, 'accept', DEPT, {}, 'not-a-revision');
      expect(reopened).toMatchObject({ status: 400, body: { code: 'GRID_DISPATCH.INVALID_IF_MATCH' } });
      const unroutable = `c-${newId()}`;
      await h.fileCase({ caseId: unroutable, category: 'neighbour_dispute', gridId: 'g-2-3-1' }, 1);
      expect(await h.command(unroutable, 'dispatch', 'op.v-2-3', { unitId: 'dept-nowhere' })).toMatchObject({ status: 400, body: { code: 'GRID_DISPATCH.UNKNOWN_UNIT' } });
      expect(await h.command(unroutable, 'dispatch', 'op.v-2-3', { unitId: 'u-admin' })).toMatchObject({ status: 400, body: { code: 'GRID_DISPATCH.UNKNOWN_UNIT' } });
      // nothing was written by any refused command
      expect(await h.types(caseId)).toEqual(['WorkOrderOpened', 'CaseDispatched']);
    });

    it('400 from the decider for a reason made only of spaces', async () => {
      const caseId = await dispatchedCase();
      expect(await h.command(caseId, 'object', DEPT, { reason: '   ' })).toMatchObject({ status: 400, body: { code: 'GRID_CASE.REASON_REQUIRED' } });
    });

    it('404 for a case that does not exist', async () => {
      expect(await h.command(`c-${newId()}`, 'accept', DEPT)).toMatchObject({ status: 404, body: { code: 'GRID_CASE.NOT_FOUND' } });
      expect(await h.call('GET', `/grid-dispatch/cases/c-${newId()}`, { as: OP })).toMatchObject({ status: 404 });
    });

    it('409: a command the case\'s state does not allow', async () => {
      const caseId = await inProgressCase();
      expect(await h.command(caseId, 'accept', DEPT)).toMatchObject({ status: 409, body: { code: 'GRID_CASE.CANNOT_ACCEPT_DISPATCH', message: '工单当前状态为“处置中”，不能签收' } });
      expect(await h.command(caseId, 'close', OP, { summary: '结案' })).toMatchObject({ status: 409, body: { code: 'GRID_CASE.CANNOT_CLOSE_CASE' } });
      expect(await h.command(caseId, 'answer-supervision', DEPT, { supervisionId: 'nope', answer: 'x' })).toMatchObject({ status: 404, body: { code: 'GRID_CASE.UNKNOWN_SUPERVISION' } });
    });

    it('412: a stale If-Match; the current ETag goes through', async () => {
      const caseId = await dispatchedCase();
      const seen = await h.call('GET', `/grid-dispatch/cases/${caseId}`, { as: DEPT });
      expect(seen.etag).toBe('"1"');
      await ok(caseId, 'accept', DEPT);
      const stale = await h.command(caseId, 'progress', DEPT, { note: '按旧版本操作' }, seen.etag!);
      expect(stale).toMatchObject({ status: 412, body: { code: 'EVENT_STORE.WRONG_EXPECTED_REVISION' } });
      const fresh = await h.call('GET', `/grid-dispatch/cases/${caseId}`, { as: DEPT });
      expect(fresh.etag).toBe('"2"');
      const res = await h.command(caseId, 'progress', DEPT, { note: '按新版本操作' }, fresh.etag!);
      expect(res).toMatchObject({ status: 200, etag: '"3"', body: { revision: 3 } });
      expect(await h.types(caseId)).toEqual(['WorkOrderOpened', 'CaseDispatched', 'DispatchAccepted', 'ProgressNoted']);
    });

    it('403: another unit, another village, a grid worker on a department\'s case, an auditor; 401 without a token', async () => {
      const caseId = await dispatchedCase();
      expect(await h.command(caseId, 'accept', DEPT_OTHER)).toMatchObject({ status: 403, body: { code: 'AUTH.OUT_OF_JURISDICTION' } });
      expect(await h.command(caseId, 'object', DEPT_OTHER, { reason: 'x' })).toMatchObject({ status: 403, body: { code: 'AUTH.OUT_OF_JURISDICTION' } });
      expect(await h.command(caseId, 'supervise', OP_OTHER_VILLAGE, { opinion: '督办' })).toMatchObject({ status: 403, body: { code: 'AUTH.OUT_OF_JURISDICTION' } });
      expect(await h.call('GET', `/grid-dispatch/cases/${caseId}`, { as: OP_OTHER_VILLAGE })).toMatchObject({ status: 403 });
      // the grid worker sees the case (it is in their grid) but it is the department's to accept
      expect(await h.command(caseId, 'accept', GRID_WORKER)).toMatchObject({ status: 403, body: { code: 'GRID_CASE.NOT_ASSIGNED_UNIT' } });
      // a department cannot take a centre's decision, an auditor cannot write, nobody acts without a token
      expect(await h.command(caseId, 'dispatch', DEPT, { unitId: 'dept-t1-xf' })).toMatchObject({ status: 403, body: { code: 'AUTH.ACTION_FORBIDDEN' } });
      expect(await h.command(caseId, 'accept', AUDITOR)).toMatchObject({ status: 403, body: { code: 'AUTH.ACTION_FORBIDDEN' } });
      expect((await h.call('POST', `/grid-dispatch/cases/${caseId}/accept`, { body: {} })).status).toBe(401);
      // the town's centre is above the village: it may act
      expect(await ok(caseId, 'supervise', OP_TOWN, { opinion: '请尽快签收' })).toMatchObject({ appended: ['SupervisionIssued'] });
      expect(await h.types(caseId)).toEqual(['WorkOrderOpened', 'CaseDispatched', 'SupervisionIssued']);
    });
  });
});
