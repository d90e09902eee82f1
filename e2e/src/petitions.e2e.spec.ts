import { solveProofOfWork } from '@fengqiao/petitions-service';
import { describeIntegration, eventually, LooseJson } from '@fengqiao/testing';
import { demoDistrict } from '@fengqiao/demo';
import { Client, waitForCase } from './support/api';
import { PetitionsSystem, startPetitionsDistributed, startPetitionsStandalone } from './support/petitions-system';

/**
 * DESIGN §2 journey 3 (petitions) through the real system, in standalone mode (one process) and in
 * distributed mode (a process per service, real Kafka, FerretDB): the same journeys, the same
 * assertions.
 */
function journeys(start: () => Promise<PetitionsSystem>) {
  let sut: PetitionsSystem;
  let xfD: Client; // 区信访局
  let xfT: Client; // 枫溪街道信访办
  let op: Client; // 枫源社区综治中心
  let gw: Client;
  let lead: Client; // 区综治中心 (analytics); logged in once: logins are rate-limited per address
  let n = 0;
  const stamp = Date.now() % 100000;
  const person = () => ({ name: `旅程${++n}`, idNumber: `3306811985${String(stamp).padStart(5, '0')}${String(n).padStart(3, '0')}`, phone: '13912345678' });

  beforeAll(async () => {
    sut = await start();
    [xfD, xfT, op, gw, lead] = await Promise.all(['xf.d', 'xf.t-1', 'op.v-1-1', 'gw.g-1-1-1', 'op.d'].map((u) => Client.login(sut.authUrl, u)));
  }, 300_000);
  afterAll(async () => {
    await sut?.stop();
  }, 60_000);

  const P = (path: string) => `${sut.petitionsUrl}${path}`;
  const pub = async (path: string, body: unknown) => {
    const res = await fetch(P(path), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, text, body: (res.headers.get('content-type') ?? '').includes('json') ? (JSON.parse(text) as LooseJson) : undefined };
  };
  const detail = async (id: string) => (await xfD.get(P(`/petitions/${id}`))).body;
  let onlinePetitionId = '';
  /** what analytics (fed only by the petition events on the bus) knows of a petition, once `pred` holds */
  const analyticsFacts = (id: string, pred: (f: LooseJson) => boolean, what: string) =>
    eventually(
      async () => {
        const r = await lead.get(`${sut.authUrl}/analytics/petitions/${id}`);
        return r.status === 200 && pred(r.body) ? r.body : undefined;
      },
      { what, timeoutMs: 150_000, intervalMs: 300 },
    );

  it('online petition → query code → routed → accepted → opinion delivered → the petitioner rates it through the code', async () => {
    const challenge = (await (await fetch(P('/public/petitions/challenge'))).json()) as LooseJson;
    const submitted = await pub('/public/petitions', {
      ...person(),
      challenge: challenge.challenge,
      nonce: solveProofOfWork(challenge.challenge, challenge.bits),
      matterType: 'environment',
      summary: '旅程：小区旁工地夜间施工噪声扰民',
    });
    expect(submitted.status).toBe(201);
    const code: string = submitted.body.queryCode;
    const listed = await eventually(
      async () => {
        const r = await xfD.get(P('/petitions?status=registered&limit=200'));
        return (r.body.items as LooseJson[]).find((i) => i.summary === '旅程：小区旁工地夜间施工噪声扰民');
      },
      { what: 'the online petition on the desk', timeoutMs: 20_000 },
    );
    const id: string = listed.petitionId;
    onlinePetitionId = id;
    await xfD.ok(P(`/petitions/${id}/transfer`), { toUnitId: 't-1', route: 'competent_body' });
    await xfT.ok(P(`/petitions/${id}/acceptance`), { noticeRef: '枫溪受〔旅程〕1号' });
    await xfT.ok(P(`/petitions/${id}/handling`), { handlerIds: ['u-handler'] });
    await xfT.ok(P(`/petitions/${id}/opinion`), {
      outcome: 'support',
      request: '停止夜间施工',
      factsAndReasons: '施工单位违规夜间作业',
      legalBasisCited: '《噪声污染防治法》第四十三条',
      documentRef: '枫溪意〔旅程〕1号',
    });
    // received when the opinion was issued (the service's business time, see petitions-system.ts)
    const issuedAt = (await detail(id)).timeline.at(-1).at as string;
    await xfT.ok(P(`/petitions/${id}/opinion/delivery`), { receivedAt: issuedAt, method: 'online' });
    const progress = await pub('/public/petitions/progress', { queryCode: code });
    expect(progress.body).toMatchObject({ status: 'delivered', canRate: true });
    expect(progress.body.steps.map((s: LooseJson) => s.step)).toEqual(['登记', '转送有权处理机关', '受理', '办理中', '出具处理意见', '送达处理意见']);
    const page = await pub('/public/petitions/documents/opinion', { queryCode: code });
    expect(page.text).toContain('信访处理意见书');
    expect((await pub('/public/petitions/rating', { queryCode: code, rating: 5, comment: '处理及时' })).status).toBe(200);
    expect((await pub('/public/petitions/progress', { queryCode: code })).body.ratings).toEqual([expect.objectContaining({ stage: 'opinion', rating: 5 })]);
  }, 120_000);

  it('analytics counts the petition from its events: online, accepted, answered within the handling deadline', async () => {
    const facts = await analyticsFacts(onlinePetitionId, (f) => f.answeredAt !== null, 'the answered petition in analytics');
    expect(facts).toMatchObject({ channel: 'online', source: 'online_form', accepted: true, notAccepted: false, handlingBreached: false, groupVisitors: 0 });
    expect(Date.parse(facts.answeredAt)).toBeLessThanOrEqual(Date.parse(facts.handlingDueAt));
    const rows = (await lead.get(`${sut.authUrl}/analytics/petitions/figures?by=channel`)).body.rows as LooseJson[];
    expect(rows.find((r) => r.key === 'online')).toMatchObject({ answered: expect.any(Number), answeredOnTime: expect.any(Number) });
    expect(rows.find((r) => r.key === 'online').answeredOnTime).toBeGreaterThanOrEqual(1);
    const csv = await fetch(`${sut.authUrl}/analytics/reports/monthly.csv?kind=petitions&by=channel`, {
      headers: { authorization: `Bearer ${(lead as unknown as { token: string }).token}` },
    });
    // (fetch's text() drops the BOM the CSV starts with)
    expect((await csv.text()).split('\r\n')[0]).toBe(
      '单位/分组,登记数,受理数,不予受理数,答复数,按期答复数,按期答复率,超期数,申请复查数,申请复核数,复查申请率,集体访,重复信访',
    );
  }, 200_000);

  it('a group visit of eight raises an early warning of an escalating petition matter, with its evidence', async () => {
    const people = [person(), person()];
    const visit = await xfT.ok(P('/petitions'), {
      channel: 'visit',
      form: 'oral',
      recordRef: '集体访接谈记录',
      petitioners: people,
      summary: '旅程：拆迁补偿集体访',
      matterType: 'urban_rural_construction',
      groupVisit: { visitorCount: 8, representatives: [0, 1] },
    });
    const warning = await eventually(
      async () => {
        const r = await lead.get(`${sut.authUrl}/analytics/warnings`);
        return (r.body?.warnings as LooseJson[] | undefined)?.find((w) => w.rule === 'EW.PETITION_ESCALATING' && w.matterId === visit.petitionId);
      },
      { what: 'the escalation warning', timeoutMs: 150_000, intervalMs: 300 },
    );
    expect(warning).toMatchObject({ status: 'raised', caseIds: [visit.petitionId], signals: [expect.objectContaining({ kind: 'group_visit', visitors: 8 })] });
    expect(warning.explanation).toContain('集体访（8 人）');
    expect(JSON.stringify(warning)).not.toContain(people[0].name);
  }, 200_000);

  it('a repeat petition to a higher level is refused with §19', async () => {
    const p = person();
    const first = await xfT.ok(P('/petitions'), {
      channel: 'visit',
      form: 'oral',
      recordRef: '接访记录',
      petitioners: [p],
      summary: '旅程：宅基地审批',
      matterType: 'rural_agriculture',
    });
    expect(first.status).toBe('registered');
    const higher = await xfD.ok(P('/petitions'), {
      channel: 'letter',
      form: 'written',
      petitioners: [p],
      summary: '旅程：宅基地审批（越级）',
      matterType: 'rural_agriculture',
    });
    expect(higher).toMatchObject({
      status: 'not_accepted',
      events: ['PetitionRegistered', 'PetitionNotAccepted'],
      relatedMatter: { petitionId: first.petitionId, relation: 'being_handled_lower_level' },
    });
    const d = await detail(higher.petitionId);
    expect(d.timeline.find((e: LooseJson) => e.type === 'PetitionNotAccepted').legalBasis).toBe('信访工作条例§19');
  }, 60_000);

  it('a grid case referred to petitions opens a linked petition at the town office', async () => {
    const [lon, lat] = demoDistrict.pointInGrid('g-1-1-1');
    const caseId = (
      await gw.ok(`${sut.intakeUrl}/intake/cases`, {
        channel: 'grid_worker',
        category: 'illegal_parking',
        description: '旅程：长期占道',
        location: { point: { lat, lng: lon } },
      })
    ).caseId as string;
    await op.ok(`${sut.intakeUrl}/intake/cases/${caseId}/file`, { level: 'village' });
    await waitForCase(op, sut.gridUrl, caseId, (c) => c.status === 'dispatched', 'dispatch');
    await op.ok(`${sut.gridUrl}/grid-dispatch/cases/${caseId}/refer`, { target: 'petitions', reason: '旅程：当事人坚持信访' });
    const linked = await eventually(
      async () => {
        const r = await xfT.get(P('/petitions?limit=200'));
        return (r.body.items as LooseJson[]).find((i) => i.source.kind === 'grid_case' && i.source.caseId === caseId);
      },
      { what: 'the linked petition', timeoutMs: 150_000, intervalMs: 300 },
    );
    expect(linked).toMatchObject({ status: 'registered', receivingUnitId: 't-1', summary: '旅程：当事人坚持信访' });
  }, 240_000);

  it('petitions SIGKILLed mid-journey: nothing lost, nothing doubled', async () => {
    // a referral in flight (stored by grid-dispatch, perhaps not yet published or consumed) …
    const [lon, lat] = demoDistrict.pointInGrid('g-1-1-2');
    const caseId = (
      await gw.ok(`${sut.intakeUrl}/intake/cases`, {
        channel: 'grid_worker',
        category: 'illegal_parking',
        description: '旅程：强杀前转信访',
        location: { point: { lat, lng: lon } },
      })
    ).caseId as string;
    await op.ok(`${sut.intakeUrl}/intake/cases/${caseId}/file`, { level: 'village' });
    await waitForCase(op, sut.gridUrl, caseId, (c) => c.status === 'dispatched', 'dispatch');
    // … and a petition half-way through its steps, when the petitions process is killed
    const reg = await xfT.ok(P('/petitions'), { channel: 'letter', form: 'written', petitioners: [person()], summary: '旅程：强杀', matterType: 'other' });
    const id: string = reg.petitionId;
    await op.ok(`${sut.gridUrl}/grid-dispatch/cases/${caseId}/refer`, { target: 'petitions', reason: '旅程：强杀前转信访' });
    await xfT.ok(P(`/petitions/${id}/transfer`), { toUnitId: 'dept-t1-cg', route: 'competent_body' });
    await sut.killAndRestartPetitions();
    [xfT, xfD, op] = await Promise.all(['xf.t-1', 'xf.d', 'op.v-1-1'].map((u) => Client.login(sut.authUrl, u)));
    const linked = await eventually(
      async () => {
        const items = (await xfT.get(P('/petitions?limit=200'))).body.items as LooseJson[];
        const found = items.filter((i) => i.source.kind === 'grid_case' && i.source.caseId === caseId);
        return found.length ? found : undefined;
      },
      { what: 'the petition of the referral made before the kill', timeoutMs: 150_000, intervalMs: 300 },
    );
    expect(linked).toHaveLength(1);
    xfT = await Client.login(sut.authUrl, 'xf.t-1');
    xfD = await Client.login(sut.authUrl, 'xf.d');
    const before = await detail(id);
    expect(before).toMatchObject({ status: 'routed', revision: 1 });
    const r = await xfT.call('POST', P(`/petitions/${id}/acceptance`), { noticeRef: '受〔强杀〕1号' }, { 'if-match': '"1"' });
    expect(r.status).toBe(200);
    const after = await detail(id);
    expect(after.timeline.map((e: LooseJson) => e.type)).toEqual(['PetitionRegistered', 'PetitionTransferred', 'AcceptanceNotified']);
    expect(after.timeline.map((e: LooseJson) => e.revision)).toEqual([0, 1, 2]);
    expect(new Set(after.timeline.map((e: LooseJson) => e.eventId)).size).toBe(3);
    // the demo petitions were seeded once, not again on the restart
    const demo = await xfD.get(P('/petitions?limit=200'));
    const ids = (demo.body.items as LooseJson[]).map((i) => i.petitionId).filter((x) => x.startsWith('demo-'));
    expect(new Set(ids).size).toBe(ids.length);
  }, 300_000);
}

describe('petition journeys in standalone mode', () => journeys(startPetitionsStandalone));

describeIntegration('petition journeys in distributed mode (real Kafka + FerretDB)', ['kafka', 'mongo'], (env) =>
  journeys(() => startPetitionsDistributed(env().kafkaBrokers, env().mongoUrl)),
);
