import { MasterKeyring } from './master-keyring';
import { InMemorySubjectKeyStore } from './subject-key.store';
import {
  ERASED_TEXT,
  HIDDEN_TEXT,
  withSubjectNames,
  PersonalDataProtector,
  PersonalDataPolicy,
  redactProtectedData,
  revealPersonalData,
  SubjectKeyDirectory,
} from './event-protection';
import { PersonalDataEventStore } from './personal-data-event-store';
import { SqliteEventStore } from '../adapters/sqlite/sqlite-event-store';
import { verifyStreamChain } from '../integrity/hash-chain';
import type { NewEvent } from '../event-store.port';

const policy: PersonalDataPolicy = {
  specsFor: (e) => (e.type === 'CaseReported' ? [{ at: 'reporter', subjectIdField: 'subjectId', fields: ['name', 'phone'] }] : []),
  textSubjectOf: (e) => `reporter-${String(e.data['caseId'])}`,
};

function reported(id: string, description: string): NewEvent {
  return {
    id,
    type: 'CaseReported',
    schemaVersion: 1,
    occurredAt: '2025-03-01T08:00:00.000Z',
    actor: { userId: 'u-1', role: 'grid_worker', unitId: 'g-1' },
    correlationId: id,
    causationId: id,
    jurisdiction: ['d-1', 'g-1'],
    data: { caseId: 'c-1', description, reporter: { subjectId: 'reporter-c-1', anonymous: false, name: '王小明', phone: '13912345678' } },
  };
}

describe('PersonalDataProtector and PersonalDataEventStore', () => {
  const newStack = () => {
    const keys = new InMemorySubjectKeyStore({ masterKeys: MasterKeyring.generate() });
    const inner = new SqliteEventStore({ path: ':memory:' });
    const protector = new PersonalDataProtector(keys, policy);
    return { keys, inner, protector, store: new PersonalDataEventStore(inner, protector) };
  };

  it('stores no clear name, phone or number from the text, and the application reads them back', async () => {
    const { inner, store } = newStack();
    await store.append('grid-case-report-c-1', [reported('0193a3c4-0000-7000-8000-000000000001', '楼道堵塞，联系人电话13812345678')], {
      expectedRevision: 'no_stream',
    });
    const raw = JSON.stringify(await inner.readStream('grid-case-report-c-1'));
    for (const clear of ['王小明', '13912345678', '13812345678']) expect(raw).not.toContain(clear);
    expect(raw).toContain('楼道堵塞，联系人电话138****5678');
    const [opened] = await store.readStream('grid-case-report-c-1');
    expect(opened.data).toEqual(reported('x', '楼道堵塞，联系人电话13812345678').data);
  });

  it('finds the names of the event’s own data subjects in its free text and protects them like numbers', async () => {
    const { inner, store, keys } = newStack();
    await store.append('s-names', [reported('0193a3c4-0000-7000-8000-000000000009', '王小明反映：楼道被堵，王小明的邻居也受影响')], {
      expectedRevision: 'no_stream',
    });
    const raw = JSON.stringify(await inner.readStream('s-names'));
    expect(raw).not.toContain('王小明');
    expect(raw).toContain('王**反映：楼道被堵，王**的邻居也受影响');
    const [opened] = await store.readStream('s-names');
    expect(opened.data['description']).toBe('王小明反映：楼道被堵，王小明的邻居也受影响');
    // a text naming nobody of the event is left as it was; erased, the text reads redacted
    await store.append('s-plain', [reported('0193a3c4-0000-7000-8000-00000000000a', '楼道被堵')], { expectedRevision: 'no_stream' });
    expect((await inner.readStream('s-plain'))[0].data['description']).toBe('楼道被堵');
    await keys.erase('reporter-c-1');
    expect((await store.readStream('s-names'))[0].data['description']).toBe('王**反映：楼道被堵，王**的邻居也受影响');
  });

  it('protects the names a command names as its data subjects (kept apart from the case) in the text it appends', async () => {
    const { inner, store } = newStack();
    const event = {
      ...reported('0193a3c4-0000-7000-8000-00000000000b', '李四与张三因漏水发生纠纷'),
      data: { caseId: 'c-2', description: '李四与张三因漏水发生纠纷' },
    };
    await withSubjectNames(['张三', '李四'], () => store.append('s-parties', [event], { expectedRevision: 'no_stream' }));
    expect((await inner.readStream('s-parties'))[0].data['description']).toEqual({
      __piiText: expect.objectContaining({ redacted: '李*与张*因漏水发生纠纷' }),
    });
    // outside the command, the same text names nobody the store knows of
    await store.append('s-other', [{ ...event, id: '0193a3c4-0000-7000-8000-00000000000c' }], { expectedRevision: 'no_stream' });
    expect((await inner.readStream('s-other'))[0].data['description']).toBe('李四与张三因漏水发生纠纷');
  });

  it('retrying an append with the same event id stores nothing twice (deterministic sealing)', async () => {
    const { inner, store } = newStack();
    const e = reported('0193a3c4-0000-7000-8000-000000000002', '电话13812345678');
    const first = await store.append('s-1', [e], { expectedRevision: 'no_stream' });
    const again = await store.append('s-1', [e], { expectedRevision: 'no_stream' });
    expect(again).toEqual(first);
    expect(await inner.readStream('s-1')).toHaveLength(1);
  });

  it('after erasure: fields read 已删除, text reads redacted, and the chain still verifies', async () => {
    const { keys, inner, store, protector } = newStack();
    await store.append('s-2', [reported('0193a3c4-0000-7000-8000-000000000003', '电话13812345678')], { expectedRevision: 'no_stream' });
    await keys.erase('reporter-c-1');
    const [opened] = await store.readStream('s-2');
    expect(opened.data['reporter']).toEqual({ subjectId: 'reporter-c-1', anonymous: false, name: ERASED_TEXT, phone: ERASED_TEXT });
    expect(opened.data['description']).toBe('电话138****5678');
    const stored = await inner.readStream('s-2');
    expect(verifyStreamChain(stored).ok).toBe(true);
    expect(await protector.reveal(stored[0].data, { mayRead: true })).toEqual(opened.data);
  });

  it('readers without the right and other contexts get redacted data only', async () => {
    const { inner, store, protector } = newStack();
    await store.append('s-3', [reported('0193a3c4-0000-7000-8000-000000000004', '电话13812345678')], { expectedRevision: 'no_stream' });
    const [raw] = await inner.readStream('s-3');
    const hidden = await protector.reveal(raw.data, { mayRead: false });
    expect(hidden['description']).toBe('电话138****5678');
    expect((hidden['reporter'] as Record<string, unknown>)['name']).toBe(HIDDEN_TEXT);
    expect(JSON.stringify(redactProtectedData(raw.data))).not.toMatch(/王小明|13912345678|13812345678|__pii/);
  });

  it('leaves identifiers and lists of identifiers alone', async () => {
    const { inner, store } = newStack();
    const e = reported('0193a3c4-0000-7000-8000-000000000006', '无号码');
    e.data = { ...e.data, petitionerIds: ['pr-13812345678'], ownerId: '13812345678' };
    await store.append('s-5', [e], { expectedRevision: 'no_stream' });
    const [raw] = await inner.readStream('s-5');
    expect(raw.data['petitionerIds']).toEqual(['pr-13812345678']);
    expect(raw.data['ownerId']).toBe('13812345678');
  });

  it('legacy events stored in clear load as they are', async () => {
    const { inner, store } = newStack();
    await inner.append('s-4', [reported('0193a3c4-0000-7000-8000-000000000005', '电话13812345678')], { expectedRevision: 'no_stream' });
    const [opened] = await store.readStream('s-4');
    expect(opened.data['description']).toBe('电话13812345678');
  });
});

describe('SubjectKeyDirectory (several contexts in one process)', () => {
  it('opens an envelope with the key of the context that sealed it, though another context has a key for the same subject', async () => {
    const intake = new InMemorySubjectKeyStore({ masterKeys: MasterKeyring.generate() });
    const gridDispatch = new InMemorySubjectKeyStore({ masterKeys: MasterKeyring.generate() });
    const sealedInIntake = await new PersonalDataProtector(intake, policy).protect('s', reported('0193a3c4-0000-7000-8000-000000000010', '电话13812345678'));
    const sealedInGrid = await new PersonalDataProtector(gridDispatch, policy).protect(
      's',
      reported('0193a3c4-0000-7000-8000-000000000011', '电话13812345679'),
    );
    const directory = new SubjectKeyDirectory();
    directory.add(intake);
    directory.add(gridDispatch);
    expect((await revealPersonalData(sealedInIntake.data, directory))['description']).toBe('电话13812345678');
    expect((await revealPersonalData(sealedInGrid.data, directory))['description']).toBe('电话13812345679');
    await gridDispatch.erase('reporter-c-1');
    expect((await revealPersonalData(sealedInGrid.data, directory))['description']).toBe('电话138****5679');
    expect((await revealPersonalData(sealedInIntake.data, directory))['description']).toBe('电话13812345678');
  });
});
