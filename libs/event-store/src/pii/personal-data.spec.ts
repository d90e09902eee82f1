import fc from 'fast-check';
import { GENESIS_HASH, hashEvent, verifyStreamChain } from '../integrity/hash-chain';
import type { StoredEvent } from '../event-store.port';
import { MasterKeyring } from './master-keyring';
import {
  JsonValue,
  PII_ENVELOPE_KEY,
  PersonalDataCipher,
  PersonalDataSpec,
  SealedPersonalData,
  isErasedPersonalData,
  isSealedPersonalData,
  openPersonalData,
  sealPersonalData,
} from './personal-data';
import { InvalidSubjectIdError, PersonalDataIntegrityError, SubjectErasedError, SubjectKeyNotFoundError } from './pii.errors';
import { InMemorySubjectKeyStore } from './subject-key.store';

const newKeys = () => new InMemorySubjectKeyStore({ masterKeys: MasterKeyring.generate() });

const mediationParties: PersonalDataSpec[] = [
  { at: 'parties[]', subjectIdField: 'personId', fields: ['name', 'idNumber', 'phone', 'address'] },
  { at: 'reporter', subjectIdField: 'subjectId', fields: ['name', 'contact.phone'] },
];

const caseData = () => ({
  caseId: 'case-1',
  category: 'neighbour_dispute',
  parties: [
    { personId: 'person-a', role: 'applicant', name: '张三', idNumber: '110101199003071234', phone: '13800000001', address: '幸福村3组12号' },
    { personId: 'person-b', role: 'respondent', name: '李四', phone: '13800000002', address: null },
  ],
  reporter: { subjectId: 'person-c', name: '王五', contact: { phone: '13900000003', channel: 'phone' } },
  summary: '宅基地边界纠纷',
});

describe('sealing and opening personal data', () => {
  it('round-trips any JSON value', async () => {
    const keys = newKeys();
    const cipher = new PersonalDataCipher(keys);
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        const sealed = await cipher.seal('subject-1', value as JsonValue);
        expect(await cipher.open(sealed)).toEqual({ status: 'available', subjectId: 'subject-1', value: JSON.parse(JSON.stringify(value)) });
      }),
      { numRuns: 100 },
    );
  });

  it('writes an AES-256-GCM envelope under a key MongoDB accepts, without the plaintext, with a fresh IV each time', async () => {
    const keys = newKeys();
    const sealed = await sealPersonalData(keys, 'subject-1', '110101199003071234');
    expect(Object.keys(sealed)).toEqual(['__pii']);
    expect(PII_ENVELOPE_KEY.startsWith('$')).toBe(false);
    expect(sealed.__pii).toEqual({
      v: 1,
      subjectId: 'subject-1',
      alg: 'AES-256-GCM',
      iv: expect.any(String),
      ct: expect.any(String),
      tag: expect.any(String),
    });
    expect(Buffer.from(sealed.__pii.iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(sealed.__pii.tag, 'base64')).toHaveLength(16);
    expect(JSON.stringify(sealed)).not.toContain('110101199003071234');
    const again = await sealPersonalData(keys, 'subject-1', '110101199003071234');
    expect(again.__pii.iv).not.toBe(sealed.__pii.iv);
    expect(again.__pii.ct).not.toBe(sealed.__pii.ct);
    expect(isSealedPersonalData(sealed)).toBe(true);
    expect(isSealedPersonalData({ __pii: { v: 1 } })).toBe(false);
  });

  it('refuses an altered ciphertext, tag, or an envelope moved to another subject', async () => {
    const keys = newKeys();
    await keys.getOrCreate('subject-2');
    const sealed = await sealPersonalData(keys, 'subject-1', { name: '张三' });
    const alter = (field: 'ct' | 'tag' | 'iv'): SealedPersonalData => {
      const bytes = Buffer.from(sealed.__pii[field], 'base64');
      bytes[0] ^= 1;
      return { __pii: { ...sealed.__pii, [field]: bytes.toString('base64') } };
    };
    for (const field of ['ct', 'tag', 'iv'] as const) {
      await expect(openPersonalData(keys, alter(field))).rejects.toBeInstanceOf(PersonalDataIntegrityError);
    }
    const truncatedTag = { __pii: { ...sealed.__pii, tag: Buffer.from(sealed.__pii.tag, 'base64').subarray(0, 4).toString('base64') } };
    await expect(openPersonalData(keys, truncatedTag)).rejects.toMatchObject({ code: 'PII.DECRYPTION_FAILED' });
    const moved = { __pii: { ...sealed.__pii, subjectId: 'subject-2' } };
    await expect(openPersonalData(keys, moved)).rejects.toBeInstanceOf(PersonalDataIntegrityError);
    await expect(openPersonalData(newKeys(), sealed)).rejects.toBeInstanceOf(SubjectKeyNotFoundError);
  });

  it('after erasure the envelope is unchanged but opens only to an "erased" marker; new data for the subject is refused', async () => {
    const keys = newKeys();
    const cipher = new PersonalDataCipher(keys);
    const sealed = await cipher.seal('subject-1', '13800000001');
    const before = JSON.stringify(sealed);
    await keys.erase('subject-1');
    expect(JSON.stringify(sealed)).toBe(before);
    expect(await cipher.open(sealed)).toEqual({ status: 'erased', subjectId: 'subject-1', erasedAt: expect.any(String) });
    await expect(cipher.seal('subject-1', 'again')).rejects.toBeInstanceOf(SubjectErasedError);
  });
});

describe('sealing the personal fields of event data', () => {
  it('seals exactly the listed fields per subject, leaves the rest readable, and opens back to the original', async () => {
    const keys = newKeys();
    const cipher = new PersonalDataCipher(keys);
    const data = caseData();
    const sealed = await cipher.sealFields(data, mediationParties);

    expect(data).toEqual(caseData()); // the input is not modified
    expect(sealed.caseId).toBe('case-1');
    expect(sealed.summary).toBe('宅基地边界纠纷');
    expect(sealed.parties[0].personId).toBe('person-a');
    expect(sealed.parties[0].role).toBe('applicant');
    for (const f of ['name', 'idNumber', 'phone', 'address'] as const) {
      expect(isSealedPersonalData(sealed.parties[0][f])).toBe(true);
      expect((sealed.parties[0][f] as unknown as SealedPersonalData).__pii.subjectId).toBe('person-a');
    }
    expect((sealed.parties[1].name as unknown as SealedPersonalData).__pii.subjectId).toBe('person-b');
    expect(sealed.parties[1].address).toBeNull(); // null is not personal data
    expect('idNumber' in sealed.parties[1]).toBe(false); // absent stays absent
    expect((sealed.reporter.contact.phone as unknown as SealedPersonalData).__pii.subjectId).toBe('person-c');
    expect(sealed.reporter.contact.channel).toBe('phone');
    expect(JSON.stringify(sealed)).not.toMatch(/张三|李四|王五|1380000000|110101199003071234|幸福村/);

    // sealing twice changes nothing
    expect(await cipher.sealFields(sealed, mediationParties)).toEqual(sealed);
    expect(await cipher.openFields(sealed)).toEqual(data);
  });

  it('refuses personal data without a subject id', async () => {
    const cipher = new PersonalDataCipher(newKeys());
    const data = { parties: [{ name: '张三' }] };
    await expect(cipher.sealFields(data, mediationParties)).rejects.toBeInstanceOf(InvalidSubjectIdError);
    await expect(cipher.sealFields(data, mediationParties)).rejects.toMatchObject({
      code: 'PII.SUBJECT_ID_MISSING',
      details: { path: 'parties[0].personId' },
    });
  });
});

describe('crypto-shredding keeps the hash chain verifiable', () => {
  function chain(streamId: string, datas: Record<string, unknown>[]): StoredEvent[] {
    let prev = GENESIS_HASH;
    return datas.map((data, revision) => {
      const content = {
        id: `0190f5a0-0000-7000-8000-00000000000${revision}`,
        type: revision === 0 ? 'MediationCaseRegistered' : 'MediationSessionRecorded',
        schemaVersion: 1,
        streamId,
        revision,
        occurredAt: `2025-03-0${revision + 1}T08:00:00.000+08:00`,
        recordedAt: `2025-03-0${revision + 1}T00:00:00.000Z`,
        actor: { userId: 'mediator-1', role: 'mediator' as const, unitId: 'village-12' },
        correlationId: 'corr-1',
        causationId: 'cause-1',
        jurisdiction: ['district-1', 'town-3', 'village-12'],
        data,
      };
      const hash = hashEvent(prev, content);
      prev = hash;
      return { ...content, hash, globalPosition: revision + 1 };
    });
  }

  it("erasing one subject leaves every hash valid, hides only that subject's data, and leaves the other subjects readable", async () => {
    const keys = newKeys();
    const cipher = new PersonalDataCipher(keys);
    const registered = await cipher.sealFields(caseData(), mediationParties);
    const session = await cipher.sealFields(
      {
        sessionNo: 1,
        attendees: [
          { personId: 'person-a', name: '张三' },
          { personId: 'person-b', name: '李四' },
        ],
      },
      [{ at: 'attendees[]', subjectIdField: 'personId', fields: ['name'] }],
    );
    const events = chain('mediation-case-1', [registered, session]);
    const stored = JSON.stringify(events);
    expect(verifyStreamChain(events)).toMatchObject({ ok: true, eventCount: 2 });

    await keys.erase('person-a');

    // nothing in the stored events changed, so the chain still verifies
    expect(JSON.stringify(events)).toBe(stored);
    expect(verifyStreamChain(events)).toMatchObject({ ok: true, eventCount: 2 });

    const opened = await cipher.openFields(events[0].data as ReturnType<typeof caseData>);
    expect(isErasedPersonalData(opened.parties[0].name)).toBe(true);
    expect(opened.parties[0].name).toEqual({ __piiErased: { subjectId: 'person-a', erasedAt: expect.any(String) } });
    expect(isErasedPersonalData(opened.parties[0].idNumber)).toBe(true);
    expect(opened.parties[0].personId).toBe('person-a');
    expect(opened.parties[1].name).toBe('李四');
    expect(opened.reporter.contact.phone).toBe('13900000003');
    const openedSession = await cipher.openFields(events[1].data as { attendees: { name: unknown }[] });
    expect(isErasedPersonalData(openedSession.attendees[0].name)).toBe(true);
    expect(openedSession.attendees[1].name).toBe('李四');

    // and the chain really covers the ciphertext: altering it breaks the chain
    const tampered = structuredClone(events);
    const party = (tampered[0].data as { parties: { phone: SealedPersonalData }[] }).parties[1].phone;
    party.__pii.ct = Buffer.from('forged').toString('base64');
    expect(verifyStreamChain(tampered)).toMatchObject({ ok: false, index: 0, reason: 'hash_mismatch' });
  });
});
