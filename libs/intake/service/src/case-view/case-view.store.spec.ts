import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedReadStore, type ReadStore } from '@fengqiao/read-store';
import { countingGets } from '@fengqiao/read-store/testing';
import { CASE_VIEW, type CaseView } from './case-view';
import { mutateCaseView } from './case-view.store';

/** The step of a feed in these tests: notes one more applied event (a list, so a lost update shows). */
const noting = (event: string) => (doc: CaseView | null) =>
  ({ ...(doc ?? {}), seen: [...((doc as unknown as { seen?: string[] })?.seen ?? []), event] }) as unknown as CaseView;
const seenOf = async (store: ReadStore) => ((await store.get<{ seen: string[] }>(CASE_VIEW, 'c1'))?.seen ?? []).slice().sort();

describe('mutateCaseView (two feeds write one case view document)', () => {
  let dir: string;
  const stores: EmbeddedReadStore[] = [];
  const open = () => {
    const s = new EmbeddedReadStore({ path: join(dir, 'read.db'), synchronous: 'NORMAL' });
    stores.push(s);
    return s;
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fq-case-view-'));
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses no update when the feeds of this process and of another replica write at the same time', async () => {
    const [here, replica] = [open(), open()];
    const events = Array.from({ length: 24 }, (_, i) => `e${i}`);
    await Promise.all(events.map((e, i) => mutateCaseView(i % 3 === 0 ? replica : here, 'c1', noting(e))));
    expect(await seenOf(here)).toEqual(events.slice().sort());
    expect((await here.get(CASE_VIEW, 'c1'))?._revision).toBe(events.length);
  });

  it('reads the document once while this process is its only writer, and reads again after another replica wrote it', async () => {
    const here = open();
    const { store: counted, gets } = countingGets(here);
    for (const e of ['a', 'b', 'c']) expect(await mutateCaseView(counted, 'c1', noting(e))).toBe(true);
    expect(gets()).toBe(1);
    await mutateCaseView(open(), 'c1', noting('from the replica'));
    expect(await mutateCaseView(counted, 'c1', noting('d'))).toBe(true);
    expect(gets()).toBe(2);
    expect(await seenOf(here)).toEqual(['a', 'b', 'c', 'd', 'from the replica']);
  });
});
