import fc from 'fast-check';
import { LooseJson } from '@fengqiao/testing';
import { PetitionsTestApp, startPetitionsTestApp } from '../testing/petitions-test-app';
import { solveProofOfWork } from './proof-of-work';

/** The public routes under random input: never a 5xx, never another petition's data. */
describe('public petition routes, fuzzed', () => {
  let t: PetitionsTestApp;
  let code: string;
  beforeAll(async () => {
    t = await startPetitionsTestApp();
    const c = (await t.call('GET', '/public/petitions/challenge')).body;
    code = (
      await t.call('POST', '/public/petitions', {
        body: {
          challenge: c.challenge,
          nonce: solveProofOfWork(c.challenge, c.bits),
          name: '网民',
          idNumber: '330681199001019876',
          phone: '13900001111',
          matterType: 'other',
          summary: '一件真实的信访事项',
        },
      })
    ).body.queryCode;
  }, 60_000);
  afterAll(() => t?.close());

  const json = fc.oneof(
    fc.string(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.string(), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 8 }), fc.string(), { maxKeys: 3 }),
  );
  const body = fc.record(
    {
      queryCode: json,
      rating: json,
      comment: json,
      challenge: json,
      nonce: json,
      name: json,
      idNumber: json,
      phone: json,
      matterType: json,
      summary: json,
      extra: json,
    },
    { requiredKeys: [] },
  );
  const route = fc.constantFrom(
    '/public/petitions',
    '/public/petitions/progress',
    '/public/petitions/rating',
    '/public/petitions/documents/opinion',
    '/public/petitions/documents/%27%3B--',
  );

  it('answers 4xx to random bodies on every public route', async () => {
    await fc.assert(
      fc.asyncProperty(route, body, async (path, b) => {
        const res = await t.call('POST', path, { body: b });
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(res.text).not.toContain('一件真实的信访事项');
      }),
      { numRuns: 150 },
    );
  }, 120_000);

  it('a code with one character changed, anywhere, opens nothing', async () => {
    const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: code.length - 1 }), fc.nat({ max: alphabet.length - 1 }), async (i, k) => {
        if (code[i] === '-' || code[i] === alphabet[k]) return;
        const altered = code.slice(0, i) + alphabet[k] + code.slice(i + 1);
        const res = await t.call<LooseJson>('POST', '/public/petitions/progress', { body: { queryCode: altered } });
        expect(res.status).toBe(404);
      }),
      { numRuns: 100 },
    );
    expect((await t.call('POST', '/public/petitions/progress', { body: { queryCode: code } })).status).toBe(200);
  }, 120_000);
});
