import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  EventStore,
  isErasedPersonalData,
  MasterKeyring,
  MongoSubjectKeyStore,
  PersonalDataCipher,
  PersonalDataSpec,
  SqliteSubjectKeyStore,
  SubjectKeyStore,
} from '@fengqiao/event-store';
import { CommandMeta, newId } from '@fengqiao/kernel';
import { ConfigError, contextDatabaseName, openMongoClient, ServiceConfig } from '@fengqiao/platform';
import { PartyRole } from '@fengqiao/mediation-domain';

/** A party's identity as the committee records it (人民调解申请书 / 受理登记表). */
export interface PartyDetails {
  name: string;
  idNumber?: string;
  phone?: string;
  address?: string;
}

export interface PartyRecord extends Partial<PartyDetails> {
  partyId: string;
  role: PartyRole;
  /** false until the committee recorded who the party is (a referred case starts with two unnamed sides) */
  identified: boolean;
  /** set when the party's key was erased (crypto-shredding): the details are gone for good */
  erasedAt?: string;
}

export const PARTY_RECORD_EVENT = 'PartyDetailsRecorded';

/** Each party is its own data subject: its name, ID number, phone and address are sealed with its key. */
export const PARTY_PERSONAL_DATA: readonly PersonalDataSpec[] = [{ at: '', subjectIdField: 'partyId', fields: ['name', 'idNumber', 'phone', 'address'] }];

/** Stream of the party records of a case: apart from the case, so the decider never sees personal data. */
export function toPartyRecordsStreamId(caseId: string): string {
  return `party-records-${caseId}`;
}

/**
 * Parties' personal data, stored encrypted per data subject BEFORE the event is hashed (DESIGN §4,
 * `libs/event-store` pii): erasing a party's key (crypto-shredding) leaves every chain verifiable.
 * The decider works with party ids and roles only; these records say who a party is. Masking for
 * roles without `personal_data.read` is done at the HTTP edge (@PersonalDataFields).
 */
export class PartyRecords {
  private readonly cipher: PersonalDataCipher;

  constructor(
    private readonly events: EventStore,
    readonly keys: SubjectKeyStore,
  ) {
    this.cipher = new PersonalDataCipher(keys);
  }

  /** Appends the details of the given parties (sealed), with the command's actor and time. */
  async record(
    caseId: string,
    jurisdiction: string[],
    parties: { partyId: string; role: PartyRole; details: PartyDetails }[],
    meta: CommandMeta,
  ): Promise<void> {
    if (parties.length === 0) return;
    const sealed = [];
    for (const p of parties) {
      const data = { caseId, partyId: p.partyId, role: p.role, ...p.details, occurredAt: meta.now };
      sealed.push(await this.cipher.sealFields(data, PARTY_PERSONAL_DATA));
    }
    await this.events.append(
      toPartyRecordsStreamId(caseId),
      sealed.map((data) => ({
        id: newId(),
        type: PARTY_RECORD_EVENT,
        schemaVersion: 1,
        occurredAt: meta.now,
        actor: { userId: meta.actor.userId, role: meta.actor.role, unitId: meta.actor.unitId },
        correlationId: meta.correlationId ?? newId(),
        causationId: meta.causationId ?? meta.correlationId ?? 'command',
        jurisdiction,
        legalBasis: '人民调解法§27',
        data: data as unknown as Record<string, unknown>,
      })),
      { expectedRevision: 'any' },
    );
  }

  /** The parties of a case with their details opened (latest record per party wins). */
  async read(caseId: string, refs: readonly { partyId: string; role: PartyRole }[]): Promise<PartyRecord[]> {
    const stored = await this.events.readStream(toPartyRecordsStreamId(caseId));
    const latest = new Map<string, Record<string, unknown>>();
    for (const e of stored) latest.set(String(e.data['partyId']), e.data);
    const out: PartyRecord[] = [];
    for (const ref of refs) {
      const raw = latest.get(ref.partyId);
      if (!raw) {
        out.push({ partyId: ref.partyId, role: ref.role, identified: false });
        continue;
      }
      const opened = await this.cipher.openFields(raw);
      const record: PartyRecord = { partyId: ref.partyId, role: ref.role, identified: true };
      for (const field of ['name', 'idNumber', 'phone', 'address'] as const) {
        const v = opened[field];
        if (typeof v === 'string') record[field] = v;
        else if (isErasedPersonalData(v)) record.erasedAt = v.__piiErased.erasedAt;
      }
      out.push(record);
    }
    return out;
  }
}

export interface OpenedKeyStore {
  keys: SubjectKeyStore;
  close(): Promise<void>;
}

/**
 * The parties' key store: standalone, a SQLite file beside (not inside) the event store; distributed,
 * the `subject_keys` collection of the context's database. The master key comes from configuration;
 * outside production, a missing one is generated once into `<data dir>/mediation/pii-master.key`.
 */
export async function openPartyKeyStore(config: ServiceConfig, masterKeyBase64: string | undefined, production: boolean): Promise<OpenedKeyStore> {
  const dir = join(config.dataDir, 'mediation');
  let key = masterKeyBase64;
  if (!key) {
    if (production) throw new ConfigError('MEDIATION_PII_MASTER_KEY is required in production (base64 of 32 random bytes)');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'pii-master.key');
    if (!existsSync(file)) writeFileSync(file, MasterKeyring.generate().current.key.toString('base64'), { mode: 0o600, flag: 'wx' });
    key = readFileSync(file, 'utf8').trim();
  }
  const masterKeys = MasterKeyring.fromConfig({ id: 'mediation-pii-1', key });
  if (config.mode === 'standalone') {
    mkdirSync(dir, { recursive: true });
    const keys = new SqliteSubjectKeyStore({ masterKeys, database: join(dir, 'subject-keys.sqlite') });
    return { keys, close: async () => keys.close() };
  }
  const client = await openMongoClient(config.mongoUrl, 'mediation party records');
  const keys = MongoSubjectKeyStore.forDb(client.db(contextDatabaseName(config.mongoUrl, 'mediation')), { masterKeys });
  return { keys, close: () => client.close() };
}
