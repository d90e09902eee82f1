/**
 * Personal data sealed per data subject BEFORE an event is hashed (DESIGN §4).
 *
 *   { "__pii": { "v": 1, "subjectId": "…", "alg": "AES-256-GCM", "iv": "…", "ct": "…", "tag": "…" } }
 *
 * The envelope key is `__pii`, not `$pii`: MongoDB and FerretDB refuse field names starting with
 * `$`. The plaintext is the UTF-8 JSON of the value; the subject id is authenticated (AAD), so a
 * ciphertext moved onto another subject does not open. Once the subject's key is erased the
 * envelope stays byte-for-byte in the event, so the event's hash, its stream's chain and the
 * Merkle log still verify, while the value is gone for good.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { IV_BYTES, TAG_BYTES } from './master-keyring';
import { InvalidSubjectIdError, PersonalDataIntegrityError, SubjectKeyNotFoundError } from './pii.errors';
import { SubjectKeyStore } from './subject-key.store';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export const PII_ENVELOPE_KEY = '__pii';
export const PII_ERASED_KEY = '__piiErased';
export const PII_ALGORITHM = 'AES-256-GCM';
const AAD_PREFIX = 'fengqiao/pii/v1|';
/** the nonce key is derived from the data key: one key, one purpose */
const NONCE_KEY_LABEL = 'fengqiao/pii/nonce/v1';

export interface SealedPersonalData {
  [PII_ENVELOPE_KEY]: {
    v: 1;
    subjectId: string;
    alg: typeof PII_ALGORITHM;
    /** base64 */
    iv: string;
    /** base64 */
    ct: string;
    /** base64 */
    tag: string;
  };
}

/** What an opened field holds once its subject was erased. */
export interface ErasedPersonalData {
  [PII_ERASED_KEY]: { subjectId: string; erasedAt: string };
}

export type OpenedPersonalData = { status: 'available'; subjectId: string; value: JsonValue } | { status: 'erased'; subjectId: string; erasedAt: string };

export function isSealedPersonalData(value: unknown): value is SealedPersonalData {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  if (keys.length !== 1 || keys[0] !== PII_ENVELOPE_KEY) return false;
  const e = (value as Record<string, unknown>)[PII_ENVELOPE_KEY];
  if (typeof e !== 'object' || e === null) return false;
  const f = e as Record<string, unknown>;
  return (
    f.v === 1 && f.alg === PII_ALGORITHM && typeof f.subjectId === 'string' && typeof f.iv === 'string' && typeof f.ct === 'string' && typeof f.tag === 'string'
  );
}

export function isErasedPersonalData(value: unknown): value is ErasedPersonalData {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as Record<string, unknown>)[PII_ERASED_KEY] === 'object';
}

/**
 * Which parts of an event's data are personal. For every object found at `at`, the value of
 * `subjectIdField` names the data subject, and each path of `fields` is sealed for that subject.
 *
 * Paths are dot-separated; a segment ending in `[]` walks every element of an array:
 *   { at: 'parties[]', subjectIdField: 'personId', fields: ['name', 'idNumber', 'phone', 'address'] }
 *   { at: 'reporter', subjectIdField: 'subjectId', fields: ['name', 'phone'] }
 *   { at: '', subjectIdField: 'petitionerId', fields: ['petitionerName', 'contact.phone'] }
 */
export interface PersonalDataSpec {
  at: string;
  subjectIdField: string;
  fields: readonly string[];
}

export interface SealOptions {
  /**
   * Makes sealing deterministic: the IV is HMAC-SHA256(subject key, seed | path | plaintext), so
   * sealing the same value of the same event again (a retried append with the same event id, whose
   * data the store compares) gives the same bytes. Seed with something unique per event (its id):
   * an IV then repeats only for the same plaintext at the same place of the same event.
   */
  nonceSeed?: string;
}

type Segment = { key: string; each: boolean };

function parsePath(path: string): Segment[] {
  if (path === '') return [];
  return path.split('.').map((raw) => {
    const each = raw.endsWith('[]');
    const key = each ? raw.slice(0, -2) : raw;
    if (key === '') throw new TypeError(`bad path segment in ${JSON.stringify(path)}`);
    return { key, each };
  });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Objects reached by `segments` from `root`, each with a readable path for error messages. */
function reach(root: unknown, segments: readonly Segment[], path = ''): { obj: Record<string, unknown>; path: string }[] {
  if (segments.length === 0) return isRecord(root) ? [{ obj: root, path: path || '(data)' }] : [];
  if (!isRecord(root)) return [];
  const [head, ...rest] = segments;
  const next = root[head.key];
  const here = path ? `${path}.${head.key}` : head.key;
  if (!head.each) return reach(next, rest, here);
  if (!Array.isArray(next)) return [];
  return next.flatMap((el, i) => reach(el, rest, `${here}[${i}]`));
}

export class PersonalDataCipher {
  constructor(private readonly keys: SubjectKeyStore) {}

  /**
   * Encrypts `value` for `subjectId` (creating the subject's key on first use). With a
   * `nonceSeed` the IV is derived from the key, the seed and the value (see SealOptions).
   */
  async seal(subjectId: string, value: JsonValue, options: SealOptions = {}): Promise<SealedPersonalData> {
    const key = await this.keys.getOrCreate(subjectId);
    return sealWithKey(subjectId, key, value, options.nonceSeed);
  }

  /** Decrypts an envelope; `erased` when its subject was crypto-shredded. */
  async open(sealed: SealedPersonalData): Promise<OpenedPersonalData> {
    const { subjectId } = sealed[PII_ENVELOPE_KEY];
    const found = await this.keys.get(subjectId);
    switch (found.status) {
      case 'active':
        return { status: 'available', subjectId, value: openWithKey(sealed, found.key) };
      case 'erased':
        return { status: 'erased', subjectId, erasedAt: found.erasedAt };
      case 'missing':
        throw new SubjectKeyNotFoundError(subjectId);
      default: {
        const never: never = found;
        throw new Error(`unknown key status ${JSON.stringify(never)}`);
      }
    }
  }

  /**
   * A copy of `data` with every personal field of `specs` sealed. Absent and `null` fields are left
   * as they are, and so are fields already sealed (sealing twice changes nothing).
   */
  async sealFields<T>(data: T, specs: readonly PersonalDataSpec[], options: SealOptions = {}): Promise<T> {
    // A JSON copy (event data is JSON): plain objects of this realm, the input left untouched.
    const copy = JSON.parse(JSON.stringify(data)) as T;
    const keyCache = new Map<string, Buffer>();
    for (const spec of specs) {
      const fieldPaths = spec.fields.map(parsePath);
      for (const { obj, path } of reach(copy, parsePath(spec.at))) {
        const targets = fieldPaths.flatMap((fp) => locateField(obj, fp));
        const pending = targets.filter(({ parent, key }) => {
          const v = parent[key];
          return v !== undefined && v !== null && !isSealedPersonalData(v);
        });
        if (pending.length === 0) continue;
        const subjectId = obj[spec.subjectIdField];
        if (typeof subjectId !== 'string' || subjectId.length === 0) {
          throw new InvalidSubjectIdError(`${path}.${spec.subjectIdField}`);
        }
        let key = keyCache.get(subjectId);
        if (!key) {
          key = await this.keys.getOrCreate(subjectId);
          keyCache.set(subjectId, key);
        }
        for (const { parent, key: field } of pending) {
          const seed = options.nonceSeed === undefined ? undefined : `${options.nonceSeed}|${path}.${field}`;
          parent[field] = sealWithKey(subjectId, key, parent[field] as JsonValue, seed);
        }
      }
    }
    return copy;
  }

  /**
   * A copy of `data` with every envelope, wherever it is, replaced by its value, or by an
   * `ErasedPersonalData` marker when its subject was erased. Each subject's key is read once.
   */
  async openFields<T>(data: T): Promise<T> {
    const lookups = new Map<string, Awaited<ReturnType<SubjectKeyStore['get']>>>();
    const visit = async (v: unknown): Promise<unknown> => {
      if (isSealedPersonalData(v)) {
        const subjectId = v[PII_ENVELOPE_KEY].subjectId;
        let found = lookups.get(subjectId);
        if (!found) {
          found = await this.keys.get(subjectId);
          lookups.set(subjectId, found);
        }
        switch (found.status) {
          case 'active':
            return openWithKey(v, found.key);
          case 'erased':
            return { [PII_ERASED_KEY]: { subjectId, erasedAt: found.erasedAt } } satisfies ErasedPersonalData;
          case 'missing':
            throw new SubjectKeyNotFoundError(subjectId);
          default: {
            const never: never = found;
            throw new Error(`unknown key status ${JSON.stringify(never)}`);
          }
        }
      }
      if (Array.isArray(v)) {
        const out: unknown[] = [];
        for (const el of v) out.push(await visit(el));
        return out;
      }
      if (isRecord(v)) {
        const out: Record<string, unknown> = {};
        for (const [k, el] of Object.entries(v)) out[k] = await visit(el);
        return out;
      }
      return v;
    };
    return (await visit(data)) as T;
  }
}

function locateField(obj: Record<string, unknown>, segments: readonly Segment[]): { parent: Record<string, unknown>; key: string }[] {
  if (segments.length === 0) return [];
  const last = segments[segments.length - 1];
  if (last.each) throw new TypeError(`a personal field path cannot end in [] (${last.key}[]): name the array itself`);
  return reach(obj, segments.slice(0, -1)).map(({ obj: parent }) => ({ parent, key: last.key }));
}

function aad(subjectId: string): Buffer {
  return Buffer.from(AAD_PREFIX + subjectId, 'utf8');
}

function sealWithKey(subjectId: string, key: Buffer, value: JsonValue, nonceSeed?: string): SealedPersonalData {
  const plaintext = JSON.stringify(value);
  if (plaintext === undefined) throw new TypeError('personal data must be a JSON value');
  const iv =
    nonceSeed === undefined
      ? randomBytes(IV_BYTES)
      : createHmac('sha256', createHmac('sha256', key).update(NONCE_KEY_LABEL).digest())
          .update(`${nonceSeed}\u0000${plaintext}`, 'utf8')
          .digest()
          .subarray(0, IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(subjectId));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return {
    [PII_ENVELOPE_KEY]: {
      v: 1,
      subjectId,
      alg: PII_ALGORITHM,
      iv: iv.toString('base64'),
      ct: ct.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
    },
  };
}

function openWithKey(sealed: SealedPersonalData, key: Buffer): JsonValue {
  const e = sealed[PII_ENVELOPE_KEY];
  let plaintext: string;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(e.iv, 'base64'), { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(e.subjectId));
    decipher.setAuthTag(Buffer.from(e.tag, 'base64'));
    plaintext = Buffer.concat([decipher.update(Buffer.from(e.ct, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new PersonalDataIntegrityError(e.subjectId, 'personal_data');
  }
  return JSON.parse(plaintext) as JsonValue;
}

/** `cipher.seal` as a function: seals `value` for `subjectId` with keys from `keys`. */
export function sealPersonalData(keys: SubjectKeyStore, subjectId: string, value: JsonValue): Promise<SealedPersonalData> {
  return new PersonalDataCipher(keys).seal(subjectId, value);
}

/** `cipher.open` as a function. */
export function openPersonalData(keys: SubjectKeyStore, sealed: SealedPersonalData): Promise<OpenedPersonalData> {
  return new PersonalDataCipher(keys).open(sealed);
}
