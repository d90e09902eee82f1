import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedReadStore } from './embedded-read-store';

const dir = mkdtempSync(join(tmpdir(), 'fq-read-store-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('EmbeddedReadStore specifics', () => {
  it('keeps documents, tombstones and indexes across close and reopen', async () => {
    const path = join(dir, 'reopen.db');
    const first = new EmbeddedReadStore({ path });
    await first.upsert('cases', { _id: 'a', title: '消防通道被占用' }, { revision: 3 });
    await first.delete('cases', 'b', { revision: 9 });
    await first.ensureIndexes('cases', [{ keys: { title: 1 }, name: 'by_title' }]);
    await first.close();

    const second = new EmbeddedReadStore({ path });
    expect(await second.get('cases', 'a')).toEqual({ _id: 'a', title: '消防通道被占用', _revision: 3 });
    expect(await second.upsert('cases', { _id: 'b' }, { revision: 8 })).toBe(false); // the tombstone survived
    await expect(second.ensureIndexes('cases', [{ keys: { other: 1 }, name: 'by_title' }])).rejects.toMatchObject({ code: 'READ_STORE.INVALID_ARGUMENT' });
    await second.close();
  });

  it('guards revisions across two connections to one file (the guard is one SQL statement)', async () => {
    const path = join(dir, 'two.db');
    const a = new EmbeddedReadStore({ path });
    const b = new EmbeddedReadStore({ path });
    expect(await a.upsert('v', { _id: 'x', by: 'a' }, { revision: 5 })).toBe(true);
    expect(await b.upsert('v', { _id: 'x', by: 'b' }, { revision: 4 })).toBe(false);
    expect(await b.upsert('v', { _id: 'x', by: 'b' }, { revision: 6 })).toBe(true);
    expect(await a.upsert('v', { _id: 'x', by: 'a' }, { revision: 6 })).toBe(false);
    expect(await a.find('v', {})).toEqual([{ _id: 'x', by: 'b', _revision: 6 }]);
    await a.close();
    await b.close();
  });

  it('gives each :memory: store its own data', async () => {
    const a = new EmbeddedReadStore({ path: ':memory:' });
    const b = new EmbeddedReadStore({ path: ':memory:' });
    await a.upsert('v', { _id: 'x' }, { revision: 0 });
    expect(await b.get('v', 'x')).toBeNull();
    await a.close();
    await b.close();
  });

  it('refuses work after close', async () => {
    const s = new EmbeddedReadStore({ path: ':memory:' });
    await s.close();
    await expect(s.get('v', 'x')).rejects.toThrow('closed');
    await s.close(); // idempotent
  });

  it('hands out copies: changing a returned document changes nothing stored', async () => {
    const s = new EmbeddedReadStore({ path: ':memory:' });
    await s.upsert('v', { _id: 'x', nested: { n: 1 } }, { revision: 0 });
    const got = await s.get<{ nested: { n: number } }>('v', 'x');
    got!.nested.n = 99;
    const [found] = await s.find<{ nested: { n: number } }>('v', {});
    found.nested.n = 98;
    expect(await s.get('v', 'x')).toEqual({ _id: 'x', nested: { n: 1 }, _revision: 0 });
    await s.close();
  });
});
