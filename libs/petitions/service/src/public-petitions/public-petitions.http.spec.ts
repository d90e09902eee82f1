import { LooseJson } from '@fengqiao/testing';
import { PetitionsTestApp, startPetitionsTestApp } from '../testing/petitions-test-app';
import { solveProofOfWork } from './proof-of-work';
import { normaliseQueryCode } from './query-code';

/** The public online form and the query code: no login, proof of work, a code that opens its own petition only. */
describe('网上信访: POST /public/petitions and the query code', () => {
  let t: PetitionsTestApp;
  beforeAll(async () => {
    t = await startPetitionsTestApp({ petitions: { powBits: 8 } });
  }, 60_000);
  afterAll(() => t?.close());

  const form = (n: number) => ({
    name: `网民${n}`,
    idNumber: `3306811990020${String(30000 + n).slice(-5)}`,
    phone: `1390000${String(1000 + n).slice(-4)}`,
    matterType: 'environment',
    summary: `小区旁工地夜间施工噪声扰民（${n}）`,
  });
  const submit = async (n: number): Promise<LooseJson> => {
    const c = (await t.call('GET', '/public/petitions/challenge')).body;
    const res = await t.call('POST', '/public/petitions', { body: { ...form(n), challenge: c.challenge, nonce: solveProofOfWork(c.challenge, c.bits) } });
    if (res.status !== 201) throw new Error(`${res.status} ${res.text}`);
    return res.body;
  };

  it('registers an online petition at the online office without login and returns a query code shown once; only its hash is stored', async () => {
    const got = await submit(1);
    expect(got).toMatchObject({ status: 'registered', statusLabel: '已登记' });
    expect(got.queryCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){5}$/);
    const stored = JSON.stringify(await t.storedEvents());
    expect(stored).not.toContain(got.queryCode);
    expect(stored).not.toContain(normaliseQueryCode(got.queryCode));
    expect(stored).not.toContain(form(1).idNumber);
    const progress = await t.call('POST', '/public/petitions/progress', { body: { queryCode: got.queryCode.toLowerCase() } });
    expect(progress.status).toBe(200);
    expect(progress.body).toMatchObject({ status: 'registered', channel: 'online', currentUnit: '枫桥区', canRate: false });
    expect(progress.body.clocks).toEqual([expect.objectContaining({ clock: '转送交办期限', legalBasis: '信访工作条例§22' })]);
    expect(JSON.stringify(progress.body)).not.toContain('网民1');
    // the district office finds it on its desk
    const desk = await t.call('GET', '/petitions?status=registered', { as: 'districtOfficer' });
    expect(desk.body.items.some((i: LooseJson) => i.source.kind === 'online_form' && i.channel === 'online')).toBe(true);
  });

  it('a guessed, altered or malformed code opens nothing (one answer for all), and never another petition', async () => {
    const a = await submit(2);
    const b = await submit(3);
    const code: string = a.queryCode;
    const last = code.slice(-1) === '0' ? '1' : '0';
    const altered = code.slice(0, -1) + last;
    for (const queryCode of [
      altered,
      'AAAA-AAAA-AAAA-AAAA-AAAA-AAAA',
      'x',
      code + 'A',
      '',
      "'; db.dropDatabase()",
      b.queryCode.replace(/-/g, '').slice(0, 23),
    ]) {
      const res = await t.call('POST', '/public/petitions/progress', { body: { queryCode } });
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ code: 'PETITIONS.QUERY_CODE_NOT_FOUND' });
    }
    const pa = (await t.call('POST', '/public/petitions/progress', { body: { queryCode: a.queryCode } })).body;
    const pb = (await t.call('POST', '/public/petitions/progress', { body: { queryCode: b.queryCode } })).body;
    expect(pa.summary).toContain('（2）');
    expect(pb.summary).toContain('（3）');
    const bad = await t.call('POST', '/public/petitions/progress', { body: { queryCode: 42 } });
    expect(bad.status).toBe(400);
  });

  it('refuses a missing, wrong, reused or expired proof of work; a 400 names the field', async () => {
    const c = (await t.call('GET', '/public/petitions/challenge')).body;
    const lazy = await t.call('POST', '/public/petitions', { body: { ...form(4), challenge: c.challenge, nonce: 'x' } });
    expect(lazy.status).toBe(400);
    expect(lazy.body).toMatchObject({ code: 'PETITIONS.PROOF_OF_WORK_INVALID', details: { field: 'nonce' } });
    const nonce = solveProofOfWork(c.challenge, c.bits);
    const forged = await t.call('POST', '/public/petitions', { body: { ...form(4), challenge: c.challenge.replace(/^\d+/, '9999999999999'), nonce } });
    expect(forged.status).toBe(400);
    expect((await t.call('POST', '/public/petitions', { body: { ...form(4), challenge: c.challenge, nonce } })).status).toBe(201);
    expect((await t.call('POST', '/public/petitions', { body: { ...form(5), challenge: c.challenge, nonce } })).body.details.reason).toBe('used');
    const old = (await t.call('GET', '/public/petitions/challenge')).body;
    t.clock.advance(11 * 60_000);
    expect(
      (await t.call('POST', '/public/petitions', { body: { ...form(6), challenge: old.challenge, nonce: solveProofOfWork(old.challenge, old.bits) } })).body
        .details.reason,
    ).toBe('expired');
    const missing = await t.call('POST', '/public/petitions', { body: { challenge: 'a', nonce: '1', name: '', matterType: 'x' } });
    expect(missing.status).toBe(400);
    expect(missing.body.details.fields.map((f: LooseJson) => f.field)).toEqual(expect.arrayContaining(['name', 'idNumber', 'phone', 'matterType', 'summary']));
  });

  it('the petitioner reads the opinion addressed to them and rates it once through the code', async () => {
    const got = await submit(7);
    const detail = (await t.call('POST', '/public/petitions/progress', { body: { queryCode: got.queryCode } })).body;
    expect(detail.documents).toEqual([]);
    const list = await t.call('GET', '/petitions?status=registered', { as: 'districtOfficer' });
    const id = list.body.items.find((i: LooseJson) => i.summary.includes('（7）')).petitionId;
    await t.ok('POST', `/petitions/${id}/transfer`, 'districtOfficer', { toUnitId: 't-1', route: 'competent_body' });
    await t.ok('POST', `/petitions/${id}/acceptance`, 'town1Officer', { noticeRef: '枫溪受〔2025〕7号' });
    await t.ok('POST', `/petitions/${id}/handling`, 'town1Officer', { handlerIds: ['u-1'] });
    expect((await t.call('POST', '/public/petitions/rating', { body: { queryCode: got.queryCode, rating: 5 } })).status).toBe(409);
    await t.ok('POST', `/petitions/${id}/opinion`, 'town1Officer', {
      outcome: 'support',
      request: '停止夜间施工',
      factsAndReasons: '经核实施工单位违规夜间作业',
      legalBasisCited: '《噪声污染防治法》第四十三条',
      documentRef: '枫溪意〔2025〕7号',
    });
    t.clock.advance(3600_000);
    await t.ok('POST', `/petitions/${id}/opinion/delivery`, 'town1Officer', { receivedAt: t.clock.now().toISOString(), method: 'online' });
    const progress = (await t.call('POST', '/public/petitions/progress', { body: { queryCode: got.queryCode } })).body;
    expect(progress).toMatchObject({ status: 'delivered', canRate: true });
    expect(progress.documents.map((d: LooseJson) => d.kind)).toEqual(['acceptance_notice', 'opinion']);
    const page = await t.call('POST', '/public/petitions/documents/opinion', { body: { queryCode: got.queryCode } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.text).toContain('信访处理意见书');
    expect(page.text).toContain('予以支持');
    expect(page.text).toContain('信访工作条例§32');
    expect(page.text).toContain('30日内');
    expect(page.text).toContain('网*');
    expect(page.text).not.toContain('网民7');
    expect((await t.call('POST', '/public/petitions/documents/transfer_letter', { body: { queryCode: got.queryCode } })).status).toBe(404);
    const rated = await t.call('POST', '/public/petitions/rating', { body: { queryCode: got.queryCode, rating: 5, comment: '处理及时' } });
    expect(rated.status).toBe(200);
    expect((await t.call('POST', '/public/petitions/rating', { body: { queryCode: got.queryCode, rating: 1 } })).status).toBe(409);
    const after = (await t.call('POST', '/public/petitions/progress', { body: { queryCode: got.queryCode } })).body;
    expect(after).toMatchObject({ canRate: false, ratings: [expect.objectContaining({ stage: 'opinion', rating: 5 })] });
    expect((await t.call('POST', '/public/petitions/rating', { body: { queryCode: got.queryCode, rating: 9 } })).status).toBe(400);
  });
});
