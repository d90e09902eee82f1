import { EmbeddedReadStore } from '@fengqiao/read-store';
import { foldInto } from './analytics.consumer';

/** The facts of one case come on several topics at once; within one process they take turns. */
describe('foldInto (analytics facts, one document per case)', () => {
  let store: EmbeddedReadStore;
  beforeEach(() => {
    store = new EmbeddedReadStore({ path: ':memory:' });
  });
  afterEach(async () => {
    await store.close();
  });

  it('two events of one case folded at the same time both land, neither loses the race to the other', async () => {
    const runtime = { infra: { readStore: store } } as unknown as Parameters<typeof foldInto>[0];
    const add = (event: string) => (doc: { applied: string[] } | null) => ({ applied: [...(doc?.applied ?? []), event] });
    const results = await Promise.allSettled([
      foldInto(runtime, 'facts', 'case-1', 'reported', add('reported')),
      foldInto(runtime, 'facts', 'case-1', 'dispatched', add('dispatched')),
      foldInto(runtime, 'facts', 'case-2', 'reported', add('reported')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect(await store.get('facts', 'case-1')).toMatchObject({ applied: ['reported', 'dispatched'], _revision: 2 });
    expect(await store.get('facts', 'case-2')).toMatchObject({ applied: ['reported'], _revision: 1 });
  });

  it('hands back the facts when they already hold the event (a redelivery: the steps after the fold run again), nothing when the event does not apply', async () => {
    const runtime = { infra: { readStore: store } } as unknown as Parameters<typeof foldInto>[0];
    const once = (event: string) => (doc: { applied: string[] } | null) => ({
      applied: doc?.applied.includes(event) ? doc.applied : [...(doc?.applied ?? []), event],
    });
    const unchanged = (doc: { applied: string[] } | null) => ({ applied: doc?.applied ?? [] });
    expect(await foldInto(runtime, 'facts', 'case-1', 'reported', once('reported'))).toEqual({ applied: ['reported'] });
    expect(await foldInto(runtime, 'facts', 'case-1', 'reported', once('reported'))).toMatchObject({ applied: ['reported'] });
    expect(await foldInto(runtime, 'facts', 'case-1', 'other-context', unchanged)).toBeUndefined();
    expect(await store.get('facts', 'case-1')).toMatchObject({ applied: ['reported'], _revision: 1 });
  });
});
