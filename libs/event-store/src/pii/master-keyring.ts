/**
 * Master keys (from configuration) that wrap the per-subject data keys, with AES-256-GCM.
 * The wrapped key is bound to its subject id (additional authenticated data), so a wrapped key
 * copied onto another subject's record does not unwrap.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { MasterKeyUnavailableError, PersonalDataIntegrityError } from './pii.errors';

export const KEY_BYTES = 32;
export const IV_BYTES = 12;
/** Full 16-byte GCM tags only: a shortened stored tag must not weaken the check. */
export const TAG_BYTES = 16;
const WRAP_AAD_PREFIX = 'fengqiao/pii/subject-key/v1|';

export interface MasterKey {
  /** Stable id recorded with every key it wraps (e.g. `pii-2025-01`). */
  id: string;
  /** 32 bytes. */
  key: Buffer;
}

/** A data key wrapped by a master key; all binary fields base64. */
export interface WrappedKey {
  masterKeyId: string;
  iv: string;
  ct: string;
  tag: string;
}

export class MasterKeyring {
  private readonly byId: Map<string, Buffer>;

  /** `current` wraps new keys; `older` keys only unwrap (after a rotation). */
  constructor(
    readonly current: MasterKey,
    older: readonly MasterKey[] = [],
  ) {
    this.byId = new Map();
    for (const k of [current, ...older]) {
      if (!k.id) throw new TypeError('a master key needs an id');
      if (k.key.length !== KEY_BYTES) throw new TypeError(`master key ${k.id} must be ${KEY_BYTES} bytes, got ${k.key.length}`);
      this.byId.set(k.id, Buffer.from(k.key));
    }
  }

  /** A keyring with one fresh random master key (tests, first start of a standalone install). */
  static generate(id = 'pii-master-1'): MasterKeyring {
    return new MasterKeyring({ id, key: randomBytes(KEY_BYTES) });
  }

  /** From configuration: `{ id, key: base64 }` for the current key, then older ones. */
  static fromConfig(current: { id: string; key: string }, older: readonly { id: string; key: string }[] = []): MasterKeyring {
    const decode = (k: { id: string; key: string }): MasterKey => ({ id: k.id, key: Buffer.from(k.key, 'base64') });
    return new MasterKeyring(decode(current), older.map(decode));
  }

  wrap(subjectId: string, dataKey: Buffer): WrappedKey {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.byId.get(this.current.id) as Buffer, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(WRAP_AAD_PREFIX + subjectId, 'utf8'));
    const ct = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    return { masterKeyId: this.current.id, iv: iv.toString('base64'), ct: ct.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
  }

  unwrap(subjectId: string, wrapped: WrappedKey): Buffer {
    const master = this.byId.get(wrapped.masterKeyId);
    if (!master) throw new MasterKeyUnavailableError(wrapped.masterKeyId);
    try {
      const decipher = createDecipheriv('aes-256-gcm', master, Buffer.from(wrapped.iv, 'base64'), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(WRAP_AAD_PREFIX + subjectId, 'utf8'));
      decipher.setAuthTag(Buffer.from(wrapped.tag, 'base64'));
      const key = Buffer.concat([decipher.update(Buffer.from(wrapped.ct, 'base64')), decipher.final()]);
      if (key.length !== KEY_BYTES) throw new Error('wrong key length');
      return key;
    } catch {
      throw new PersonalDataIntegrityError(subjectId, 'subject_key');
    }
  }
}
