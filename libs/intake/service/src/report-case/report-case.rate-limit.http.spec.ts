import { LooseJson } from '@fengqiao/testing';
import { IntakeTestApp, pointIn, startIntakeTestApp, TEST_API_KEY } from '../testing/intake-test-app';

/** The report route (per user) and the Open311 POST (per client address) are rate-limited. */
describe('rate limits on reporting', () => {
  let t: IntakeTestApp;
  beforeAll(async () => {
    t = await startIntakeTestApp({ rateLimitPerMinute: 3 });
  }, 60_000);
  afterAll(() => t?.close());

  const body = { channel: 'hotline', category: 'garbage_overflow', description: '垃圾', location: { point: pointIn('g-1-1-1') } };

  it('POST /intake/cases: the 4th report of a user within a minute is 429, another user still reports; reads are not limited', async () => {
    for (let i = 0; i < 3; i++) expect((await t.call('POST', '/intake/cases', { as: 'village11Operator', body })).status).toBe(201);
    const before = (await t.storedEvents()).length;
    const limited = await t.call<LooseJson>('POST', '/intake/cases', { as: 'village11Operator', body });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: 'TOO_MANY_REQUESTS', message: '请求过于频繁，请稍后再试' });
    expect((await t.storedEvents()).length).toBe(before);
    expect((await t.call('POST', '/intake/cases', { as: 'districtOperator', body })).status).toBe(201);
    for (let i = 0; i < 5; i++) expect((await t.call('GET', '/intake/cases', { as: 'village11Operator' })).status).toBe(200);
  });

  it('POST /open311/v2/requests.json: 429 in the Open311 error shape after the limit', async () => {
    const form = { api_key: TEST_API_KEY, service_code: 'garbage_overflow', address_string: '栎桥菜市场东门', description: '垃圾' };
    for (let i = 0; i < 3; i++) expect((await t.call('POST', '/open311/v2/requests.json', { form })).status).toBe(201);
    const limited = await t.call<LooseJson>('POST', '/open311/v2/requests.json', { form });
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual([{ code: 429, description: '请求过于频繁，请稍后再试' }]);
    for (let i = 0; i < 5; i++) expect((await t.call('GET', '/open311/v2/requests.json')).status).toBe(200);
  });
});
