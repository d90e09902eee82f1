import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import {
  EventStore,
  isErasedPersonalData,
  MasterKeyring,
  MongoSubjectKeyStore,
  PersonalDataCipher,
  SqliteSubjectKeyStore,
  SubjectKeyStore,
} from '@fengqiao/event-store';
import { Actor, newId } from '@fengqiao/kernel';
import { contextDatabaseName, openMongoClient, ServiceConfig } from '@fengqiao/platform';
import { ReadStore } from '@fengqiao/read-store';

/** What a petitioner gives: personal data, sealed per petitioner before it is stored. */
export interface PetitionerInput {
  name: string;
  idNumber?: string;
  phone?: string;
  address?: string;
}

export const PETITIONER_RECORDED = 'PetitionerRecorded';
export const PETITIONER_VIEW = 'petitioner_view';
export const toPetitionerStreamId = (petitionerId: string): string => `petitioner-${petitionerId}`;

/** A petitioner as the view keeps it: personal fields sealed, keyed hashes for matching. */
export interface PetitionerDoc {
  petitionerId: string;
  name: unknown;
  idNumber?: unknown;
  phone?: unknown;
  address?: unknown;
  /** keyed hash of the normalised address (same-address look-ups), never the address */
  addressKey?: string;
  /** true when matched on the ID number (the id is a keyed hash of it) */
  identified: boolean;
  jurisdiction: string[];
}

export interface OpenedPetitioner {
  petitionerId: string;
  name: string;
  idNumber?: string;
  phone?: string;
  address?: string;
  identified: boolean;
  /** the petitioner's data was erased (crypto-shredded) */
  erased?: boolean;
}

const ERASED = '（已删除）';

/**
 * Petitioners' identity and personal data (DESIGN §4, §7):
 * - a petitioner with an ID number gets the id `pr-<HMAC-SHA256(key, number)>`, so the same person
 *   is matched across petitions on a keyed hash: the clear number is never stored or compared;
 * - name, ID number, phone and address are sealed with the petitioner's own data key (AES-256-GCM,
 *   `@fengqiao/event-store` pii) before the `PetitionerRecorded` event is hashed, so erasing the key
 *   (crypto-shredding) leaves every chain verifiable;
 * - addresses are matched on a keyed hash of their normalised text.
 */
export class Petitioners {
  readonly cipher: PersonalDataCipher;

  constructor(
    private readonly idHashKey: string,
    readonly keys: SubjectKeyStore,
    private readonly close_: () => Promise<void>,
  ) {
    this.cipher = new PersonalDataCipher(keys);
  }

  static async open(config: ServiceConfig, masterKey: string, idHashKey: string): Promise<Petitioners> {
    const masterKeys = MasterKeyring.fromConfig({ id: 'petitions-pii-1', key: masterKey });
    if (config.mode === 'standalone') {
      const keys = new SqliteSubjectKeyStore({ masterKeys, database: join(config.dataDir, 'petitions', 'subject-keys.sqlite') });
      return new Petitioners(idHashKey, keys, async () => keys.close());
    }
    const client = await openMongoClient(config.mongoUrl, 'petitions petitioner keys');
    const keys = MongoSubjectKeyStore.forDb(client.db(contextDatabaseName(config.mongoUrl, 'petitions')), { masterKeys });
    return new Petitioners(idHashKey, keys, () => client.close());
  }

  close(): Promise<void> {
    return this.close_();
  }

  private hmac(kind: string, value: string): string {
    return createHmac('sha256', this.idHashKey).update(`${kind}:${value}`).digest('hex');
  }

  /** `pr-` + keyed hash of the normalised ID number; a fresh id without one. */
  petitionerIdOf(idNumber: string | undefined): string {
    const norm = idNumber?.replace(/\s+/g, '').toUpperCase();
    return norm ? `pr-${this.hmac('id', norm).slice(0, 40)}` : `pr-${newId()}`;
  }

  addressKeyOf(address: string | undefined): string | undefined {
    const norm = address?.replace(/[\s，,。.、\-－—]+/g, '');
    return norm ? this.hmac('address', norm).slice(0, 40) : undefined;
  }

  /** Seals and records each petitioner on their own stream; returns their ids in order. */
  async record(
    events: EventStore,
    inputs: readonly PetitionerInput[],
    ctx: { actor: Actor; at: string; jurisdiction: string[]; correlationId: string },
  ): Promise<{ petitionerIds: string[]; addressKeys: string[] }> {
    const petitionerIds: string[] = [];
    const addressKeys: string[] = [];
    for (const p of inputs) {
      const petitionerId = this.petitionerIdOf(p.idNumber);
      if (petitionerIds.includes(petitionerId)) continue;
      const addressKey = this.addressKeyOf(p.address);
      const data = await this.cipher.sealFields(
        {
          petitionerId,
          name: p.name.trim(),
          ...(p.idNumber?.trim() ? { idNumber: p.idNumber.trim() } : {}),
          ...(p.phone?.trim() ? { phone: p.phone.trim() } : {}),
          ...(p.address?.trim() ? { address: p.address.trim() } : {}),
          ...(addressKey ? { addressKey } : {}),
          identified: Boolean(p.idNumber?.trim()),
        },
        [{ at: '', subjectIdField: 'petitionerId', fields: ['name', 'idNumber', 'phone', 'address'] }],
      );
      await events.append(
        toPetitionerStreamId(petitionerId),
        [
          {
            id: newId(),
            type: PETITIONER_RECORDED,
            schemaVersion: 1,
            occurredAt: ctx.at,
            actor: ctx.actor,
            correlationId: ctx.correlationId,
            causationId: ctx.correlationId,
            jurisdiction: ctx.jurisdiction,
            data,
          },
        ],
        { expectedRevision: 'any' },
      );
      petitionerIds.push(petitionerId);
      if (addressKey && !addressKeys.includes(addressKey)) addressKeys.push(addressKey);
    }
    return { petitionerIds, addressKeys };
  }

  /** The petitioners' personal data opened (erased subjects shown as erased). */
  async openAll(readStore: ReadStore, petitionerIds: readonly string[]): Promise<OpenedPetitioner[]> {
    const out: OpenedPetitioner[] = [];
    for (const id of petitionerIds) {
      const doc = await readStore.get<PetitionerDoc>(PETITIONER_VIEW, id);
      if (!doc) {
        out.push({ petitionerId: id, name: ERASED, identified: false });
        continue;
      }
      const opened = await this.cipher.openFields({ name: doc.name, idNumber: doc.idNumber, phone: doc.phone, address: doc.address });
      const erased = isErasedPersonalData(opened.name);
      const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : v === undefined || v === null ? undefined : ERASED);
      out.push({
        petitionerId: id,
        name: text(opened.name) ?? ERASED,
        ...(text(opened.idNumber) ? { idNumber: text(opened.idNumber) } : {}),
        ...(text(opened.phone) ? { phone: text(opened.phone) } : {}),
        ...(text(opened.address) ? { address: text(opened.address) } : {}),
        identified: doc.identified,
        ...(erased ? { erased: true } : {}),
      });
    }
    return out;
  }
}
