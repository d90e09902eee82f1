import { fixtureJurisdictions, fixturePrincipal } from '@fengqiao/identity/testing';
import { Command, Decider, deterministicEventId, DomainError, Event, IllegalStateError } from '@fengqiao/kernel';
import { SqliteEventStore, WrongExpectedRevisionError } from '@fengqiao/event-store';
import { metrics } from '../metrics/metrics';
import { CaseCommandRunner } from './case-command-runner';
import { expectedRevisionOf, requiredRevisionOf } from './command-http';

type NoteState = { status: 'none' } | { status: 'open' | 'closed'; unit: string[]; notes: number; mergedInto?: string };
type NoteCommand =
  Command<'Open', { unit: string[] }> | Command<'Note', { text: string }> | Command<'Merge', { into: string }> | Command<'Close', Record<string, never>>;
type NoteEvent =
  Event<'Opened', { unit: string[] }> | Event<'Noted', { text: string }> | Event<'Merged', { into: string }> | Event<'Closed', Record<string, never>>;

const decider: Decider<NoteState, NoteCommand, NoteEvent> = {
  initialState: () => ({ status: 'none' }),
  decide: (c, s) => {
    if (c.type === 'Open') {
      if (s.status !== 'none') throw new DomainError('NOTE.ALREADY_OPEN', '已存在', 'conflict');
      return [{ type: 'Opened', data: c.data as { unit: string[] } }];
    }
    if (s.status !== 'open') throw new IllegalStateError('NOTE.NOT_OPEN', '未开启');
    switch (c.type) {
      case 'Note': {
        const text = (c.data as { text: string }).text;
        return text === '' ? [] : [{ type: 'Noted', data: { text } }];
      }
      case 'Merge':
        return [{ type: 'Merged', data: c.data as { into: string } }];
      case 'Close':
        return [{ type: 'Closed', data: {} }];
    }
  },
  evolve: (s, e) => {
    switch (e.type) {
      case 'Opened':
        return { status: 'open', unit: (e.data as { unit: string[] }).unit, notes: 0 };
      case 'Noted':
        return s.status === 'none' ? s : { ...s, notes: s.notes + 1 };
      case 'Merged':
        return s.status === 'none' ? s : { ...s, mergedInto: (e.data as { into: string }).into };
      case 'Closed':
        return s.status === 'none' ? s : { ...s, status: 'closed' };
    }
  },
};

const operator = fixturePrincipal('operator');
const j = fixtureJurisdictions();
const inside = j.operator.inside;
const outside = j.operator.outside as string[];

describe('CaseCommandRunner (on the real sqlite event store)', () => {
  let store: SqliteEventStore;
  let runner: CaseCommandRunner<NoteState, NoteCommand, NoteEvent>;
  let caughtUp: number;
  let reads: number;
  let appends: number;

  beforeEach(() => {
    store = new SqliteEventStore({ path: ':memory:' });
    caughtUp = 0;
    reads = 0;
    appends = 0;
    const counting = new Proxy(store, {
      get(target, prop, receiver) {
        if (prop === 'readStream') reads++;
        if (prop === 'append') appends++;
        const value: unknown = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    runner = new CaseCommandRunner({
      store: counting,
      decider,
      context: 'NOTE',
      resourceType: 'case',
      noun: '记录',
      streamIdOf: (id) => `note-${id}`,
      exists: (s) => s.status !== 'none',
      statusOf: (s) => s.status,
      now: () => '2026-12-06T09:00:00+08:00',
      jurisdictionOf: (s) => (s.status === 'none' ? [] : s.unit),
      afterAppend: async () => {
        caughtUp++;
      },
    });
  });
  afterEach(() => store.close());

  const open = (id: string, unit: string[]) =>
    runner.run({ caseId: id, principal: operator, action: 'case.file', mode: 'create', command: (_, meta) => ({ type: 'Open', data: { unit }, meta }) });
  const note = (id: string, text: string, expectedRevision?: number) =>
    runner.run({
      caseId: id,
      principal: operator,
      action: 'case.file',
      expectedRevision,
      reason: '  巡查记录 ',
      command: (_, meta) => ({ type: 'Note', data: { text }, meta }),
    });

  it('answers one shape, records actor and reason, and catches the views up once per append', async () => {
    expect(await open('a', inside)).toEqual({ caseId: 'a', status: 'open', revision: 0, events: ['Opened'] });
    reads = 0;
    expect(await note('a', 'x')).toEqual({ caseId: 'a', status: 'open', revision: 1, events: ['Noted'] });
    expect(reads).toBe(1); // the stream is read once per command
    expect(caughtUp).toBe(2);
    const [, noted] = await store.readStream('note-a');
    expect(noted.actor).toMatchObject({ userId: operator.userId, role: 'operator', unitId: operator.unitId });
    expect(noted.jurisdiction).toEqual(inside);
  });

  it('counts commands by type and outcome for /metrics', async () => {
    const count = async (outcome: string) => {
      const m = new RegExp(`fengqiao_commands_total\\{context="note",command="Note",outcome="${outcome}"\\} (\\d+)`).exec(await metrics.text());
      return m ? Number(m[1]) : 0;
    };
    const before = { appended: await count('appended'), unchanged: await count('unchanged'), not_found: await count('not_found') };
    await open('m', inside);
    await note('m', 'x');
    await note('m', '');
    await expect(note('missing', 'x')).rejects.toMatchObject({ kind: 'not_found' });
    expect(await count('appended')).toBe(before.appended + 1);
    expect(await count('unchanged')).toBe(before.unchanged + 1);
    // a case that is not there is refused before any command is built: counted as `unknown`
    expect(await count('not_found')).toBe(before.not_found);
  });

  it('a command that decides nothing appends nothing and does not catch up', async () => {
    await open('a', inside);
    expect(await note('a', '')).toEqual({ caseId: 'a', status: 'open', revision: 0, events: [] });
    expect(caughtUp).toBe(1);
  });

  const system = { actor: { userId: 'system', role: 'system' as const, unitId: 'system' }, now: '2026-12-06T09:00:00+08:00' };

  it('execute with `next`: the follow-up is decided on the state after the command and stored in the same commit, with one catch-up', async () => {
    const seen: string[] = [];
    const ids = {
      open: deterministicEventId('delivery-1/open/0', Date.parse(system.now)),
      note: deterministicEventId('delivery-1/note/0', Date.parse(system.now)),
    };
    const result = await runner.execute(
      'n',
      { type: 'Open', data: { unit: inside }, meta: system },
      {
        eventId: () => ids.open,
        next: async (state) => {
          seen.push(state.status);
          return {
            command: { type: 'Note', data: { text: 'routed' }, meta: { ...system, actor: { ...system.actor, userId: 'routing' } } },
            eventId: () => ids.note,
          };
        },
      },
    );
    expect(seen).toEqual(['open']);
    expect(result).toEqual({ caseId: 'n', status: 'open', revision: 1, events: ['Opened', 'Noted'] });
    expect(caughtUp).toBe(1);
    const stored = await store.readStream('note-n');
    expect(stored.map((e) => [e.id, e.type, e.actor.userId])).toEqual([
      [ids.open, 'Opened', 'system'],
      [ids.note, 'Noted', 'routing'],
    ]);
    expect(appends).toBe(1); // one commit
    expect(reads).toBe(1);
  });

  it('execute with `next`: a refused follow-up leaves the command stored alone and is thrown after; a `next` that throws stores nothing', async () => {
    const refusal = runner.execute(
      'r',
      { type: 'Open', data: { unit: inside }, meta: system },
      { next: () => ({ command: { type: 'Open', data: { unit: inside }, meta: system } }) },
    );
    await expect(refusal).rejects.toMatchObject({ code: 'NOTE.ALREADY_OPEN' });
    expect((await store.readStream('note-r')).map((e) => e.type)).toEqual(['Opened']);
    expect(caughtUp).toBe(1);
    const failing = runner.execute('f', { type: 'Open', data: { unit: inside }, meta: system }, { next: () => Promise.reject(new Error('table unreadable')) });
    await expect(failing).rejects.toThrow('table unreadable');
    expect(await store.readStream('note-f')).toEqual([]);
  });

  it('execute in the background wakes the views without waiting for them', async () => {
    let release!: () => void;
    const views = new Promise<void>((resolve) => (release = resolve));
    runner.config.afterAppend = async () => {
      await views;
      caughtUp++;
    };
    const result = await runner.execute('b', { type: 'Open', data: { unit: inside }, meta: system }, { background: true });
    expect(result.events).toEqual(['Opened']);
    expect(caughtUp).toBe(0); // answered while the catch-up still waits
    release();
    await views;
    await new Promise((resolve) => setImmediate(resolve));
    expect(caughtUp).toBe(1);
  });

  it('execute reads the case while `prepare` runs, and folds it with what `prepare` set up', async () => {
    await open('p', inside);
    const order: string[] = [];
    let finishPrepare!: () => void;
    runner.config.prepare = () => {
      order.push('prepare started');
      return new Promise<void>((resolve) => (finishPrepare = resolve));
    };
    reads = 0;
    const running = runner.execute('p', { type: 'Note', data: { text: 'x' }, meta: system });
    await new Promise((resolve) => setImmediate(resolve));
    // the stream read has started before prepare ended
    expect(order).toEqual(['prepare started']);
    expect(reads).toBe(1);
    finishPrepare();
    expect((await running).revision).toBe(1);
    expect(reads).toBe(1);
  });

  it('404 for an unknown case, 403 outside the jurisdiction, nothing appended', async () => {
    await expect(note('nope', 'x')).rejects.toMatchObject({ code: 'NOTE.CASE_NOT_FOUND', kind: 'not_found' });
    await open('far', outside);
    await expect(note('far', 'x')).rejects.toMatchObject({ code: 'AUTH.OUT_OF_JURISDICTION', kind: 'forbidden' });
    expect(await store.readStream('note-far')).toHaveLength(1);
  });

  it('a stale If-Match is a 412 revision conflict; a matching one appends', async () => {
    await open('a', inside);
    await note('a', 'x');
    const stale = note('a', 'y', 0);
    await expect(stale).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    await expect(note('a', 'y', 0)).rejects.toMatchObject({ kind: 'revision_conflict' });
    expect((await note('a', 'y', 1)).revision).toBe(2);
  });

  it('"already exists" is a 409 conflict, not a 412', async () => {
    await open('a', inside);
    await expect(open('a', inside)).rejects.toMatchObject({ code: 'NOTE.ALREADY_OPEN', kind: 'conflict' });
  });

  it('authorises every other case the command names: an unknown target and one outside the jurisdiction answer alike', async () => {
    await open('a', inside);
    await open('far', outside);
    const merge = (into: string) =>
      runner.run({
        caseId: 'a',
        principal: operator,
        action: 'case.file',
        authorize: async () => {
          await runner.loadOther(operator, into, 'case.file');
        },
        command: (_, meta) => ({ type: 'Merge', data: { into }, meta }),
      });
    const unknown = await merge('ghost').catch((e: DomainError) => e);
    const foreign = await merge('far').catch((e: DomainError) => e);
    expect(unknown).toMatchObject({ code: 'NOTE.TARGET_NOT_FOUND', kind: 'not_found' });
    expect(foreign).toMatchObject({ code: 'NOTE.TARGET_NOT_FOUND', kind: 'not_found' });
    expect((foreign as DomainError).message.replace('far', 'ghost')).toBe((unknown as DomainError).message);
    expect(await store.readStream('note-a')).toHaveLength(1);
    await open('b', inside);
    expect((await merge('b')).events).toEqual(['Merged']);
  });

  it('re-decides on a concurrent append when no If-Match was given', async () => {
    await open('a', inside);
    let raced = false;
    const result = await runner.run({
      caseId: 'a',
      principal: operator,
      action: 'case.file',
      command: async (loaded, meta) => {
        if (!raced) {
          raced = true; // another writer appends between our read and our append
          await runner.execute('a', { type: 'Note', data: { text: 'other' }, meta });
        }
        expect(loaded.revision).toBeGreaterThanOrEqual(0);
        return { type: 'Note', data: { text: 'mine' }, meta };
      },
    });
    expect(result.revision).toBe(2);
    expect((await store.readStream('note-a')).map((e) => e.type)).toEqual(['Opened', 'Noted', 'Noted']);
  });
});

describe('If-Match, one dialect', () => {
  it.each([
    ['"3"', 3],
    ['W/"3"', 3],
    ['3', 3],
    ['*', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%p → %p', (header, expected) => {
    expect(expectedRevisionOf(header)).toBe(expected);
  });

  it('anything else cannot match: 412 COMMAND.IF_MATCH_INVALID', () => {
    expect(() => expectedRevisionOf('"abc"')).toThrow(expect.objectContaining({ code: 'COMMAND.IF_MATCH_INVALID', kind: 'revision_conflict' }));
  });

  it('reference data requires it', () => {
    expect(() => requiredRevisionOf(undefined)).toThrow(expect.objectContaining({ code: 'COMMAND.IF_MATCH_REQUIRED' }));
    expect(requiredRevisionOf('"0"')).toBe(0);
  });
});
