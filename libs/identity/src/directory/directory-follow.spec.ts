import { DomainError } from '@fengqiao/kernel';
import { FIXTURE_USERS, fixtureDirectory } from '../testing/fixture-directory';
import { Directory, type DirectoryEntry } from './directory';

const T = '2025-04-01T00:00:00.000Z';

describe('Directory.follow (a copy kept from the owner’s published changes)', () => {
  it('replays the owner’s entries in order, keeping version, time and author, and skips what it holds', () => {
    const owner = fixtureDirectory();
    const copy = Directory.open();
    for (const e of owner.entries()) expect(copy.follow(e)).toBe(true);
    expect(copy.version).toBe(owner.version);
    expect(copy.entries()).toEqual(owner.entries());
    // a redelivery changes nothing
    for (const e of owner.entries()) expect(copy.follow(e)).toBe(false);
    const operator = { id: FIXTURE_USERS.operator };
    const [disabled] = owner.applyAll([{ type: 'UserDisabled', userId: operator.id }], { by: 'u-admin', at: T });
    expect(copy.follow(disabled)).toBe(true);
    expect(copy.current().user(operator.id)?.disabled).toBe(true);
    expect(copy.asOf(disabled.version - 1).user(operator.id)?.disabled).toBe(false);
  });

  it('refuses a gap instead of skipping a change', () => {
    const owner = fixtureDirectory();
    const copy = Directory.open();
    const entries = owner.entries();
    copy.follow(entries[0]);
    let code = '';
    try {
      copy.follow(entries[2]);
    } catch (e) {
      code = e instanceof DomainError ? e.code : String(e);
    }
    expect(code).toBe('DIRECTORY.JOURNAL_GAP');
    expect(copy.version).toBe(1);
  });

  it('tells listeners of every recorded entry and lets a caller wait for a version', async () => {
    const owner = fixtureDirectory();
    const copy = Directory.open();
    const heard: number[] = [];
    copy.onChange((batch: readonly DirectoryEntry[]) => heard.push(...batch.map((e) => e.version)));
    const waiting = copy.reached(2, 5_000);
    expect(await copy.reached(1, 10)).toBe(false);
    copy.follow(owner.entries()[0]);
    copy.follow(owner.entries()[1]);
    await expect(waiting).resolves.toBe(true);
    expect(heard).toEqual([1, 2]);
  });
});
