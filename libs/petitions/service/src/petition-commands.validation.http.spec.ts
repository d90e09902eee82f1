import { LooseJson } from '@fengqiao/testing';
import { petitioner, PetitionsTestApp, registration, startPetitionsTestApp } from './testing/petitions-test-app';

/**
 * Every command route of a petition: a body that breaks its DTO is a 400 naming each field, and a
 * stale If-Match is a 412 — in both cases nothing is written.
 */
describe('petition command routes: 400 with the fields named, 412 on a stale If-Match', () => {
  let t: PetitionsTestApp;
  let id: string;
  beforeAll(async () => {
    t = await startPetitionsTestApp();
    id = (await t.ok<LooseJson>('POST', '/petitions', 'districtOfficer', registration({ petitioners: [petitioner(1)] }), 201)).petitionId;
  }, 60_000);
  afterAll(() => t?.close());

  const routes: [path: string, bad: Record<string, unknown>, fields: string[]][] = [
    ['transfer', { toUnitId: '', route: 'x' }, ['toUnitId', 'route']],
    ['assign', { toUnitId: 3, reportWithin: 'soon' }, ['toUnitId', 'reportWithin']],
    ['objection', { reason: '' }, ['reason']],
    ['objection-ruling', { agreed: 'yes' }, ['agreed']],
    ['acceptance', { noticeRef: '' }, ['noticeRef']],
    ['redirect', {}, ['toldToApplyTo']],
    ['legal-procedure', { procedure: 'prayer' }, ['procedure', 'body']],
    ['repeat', { relatedPetitionId: 7 }, ['relatedPetitionId']],
    ['handling', { handlerIds: [] }, ['handlerIds']],
    ['extension', { extendBy: 1.5, approvedBy: '' }, ['extendBy', 'approvedBy', 'reason']],
    ['hearings', {}, ['hearingId']],
    ['hearings/h-1/end', { recordRef: '' }, ['recordRef']],
    ['settlement', { kind: 'handshake', consentingPartyIds: 'a', documentRef: '' }, ['kind', 'consentingPartyIds', 'documentRef']],
    [
      'opinion',
      { outcome: 'maybe', request: '', factsAndReasons: '', legalBasisCited: '', documentRef: '' },
      ['outcome', 'request', 'factsAndReasons', 'legalBasisCited', 'documentRef'],
    ],
    ['opinion/delivery', { receivedAt: 'yesterday', method: 'pigeon' }, ['receivedAt', 'method']],
    ['close', { reason: 42 }, ['reason']],
    ['review', { requestedAt: '2025-13-40', reviewingUnitId: '' }, ['requestedAt', 'reviewingUnitId']],
    ['review/start', { reason: [] }, ['reason']],
    ['review/decision', { outcome: 'meh', reasons: '', documentRef: '' }, ['outcome', 'reasons', 'documentRef']],
    ['review/decision/delivery', {}, ['receivedAt']],
    ['re-review', { requestedAt: 'now', reReviewingUnitId: '' }, ['requestedAt', 'reReviewingUnitId']],
    ['re-review/start', { extra: true }, ['extra']],
    ['re-review/decision', { outcome: 'upheld', reasons: 'r', documentRef: 'd', publicised: 'no' }, ['publicised']],
    ['supervision', { form: 'shout', grounds: ['laziness'] }, ['form', 'grounds', 'reason']],
  ];

  it.each(routes)('POST /petitions/:id/%s with a bad body → 400 naming %j', async (path, bad, fields) => {
    const before = (await t.storedEvents()).length;
    const res = await t.call('POST', `/petitions/${id}/${path}`, { as: 'districtOfficer', body: bad });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect([...new Set(res.body.details.fields.map((f: LooseJson) => f.field.split('.')[0]))].sort()).toEqual([...fields].sort());
    expect((await t.storedEvents()).length).toBe(before);
  });

  it('412 before any rule: a valid command on a stale revision', async () => {
    const res = await t.call('POST', `/petitions/${id}/transfer`, {
      as: 'districtOfficer',
      body: { toUnitId: 't-1', route: 'competent_body' },
      headers: { 'if-match': '"41"' },
    });
    expect(res.status).toBe(412);
    for (const path of ['close', 'review/start', 're-review/start']) {
      expect((await t.call('POST', `/petitions/${id}/${path}`, { as: 'districtOfficer', body: {}, headers: { 'if-match': '"41"' } })).status).toBe(412);
    }
  });
});
