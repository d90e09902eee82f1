import { PetitionsTestApp, startPetitionsTestApp } from '../testing/petitions-test-app';

/** Every public petition route shares one per-IP limit, so guessing query codes is slow as well as hopeless. */
describe('rate limit on the public petition routes', () => {
  let t: PetitionsTestApp;
  beforeAll(async () => {
    t = await startPetitionsTestApp({ rateLimitPerMinute: 3 });
  }, 60_000);
  afterAll(() => t?.close());

  it('the 4th public call from one address within a minute is 429; the staff routes are not limited', async () => {
    for (let i = 0; i < 2; i++)
      expect((await t.call('POST', '/public/petitions/progress', { body: { queryCode: `AAAA-AAAA-AAAA-AAAA-AAAA-AAA${i}` } })).status).toBe(404);
    expect((await t.call('GET', '/public/petitions/challenge')).status).toBe(200);
    const limited = await t.call('POST', '/public/petitions/progress', { body: { queryCode: 'AAAA-AAAA-AAAA-AAAA-AAAA-AAAB' } });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    for (let i = 0; i < 5; i++) expect((await t.call('GET', '/petitions', { as: 'districtOfficer' })).status).toBe(200);
  });
});
