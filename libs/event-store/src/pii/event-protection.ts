/**
 * Personal data protected event by event, at the application edge (issue 14 §2): the deciders
 * stay pure and never see ciphertext; the store holds only ciphertext (and redacted text), before
 * the event is hashed, so erasing a subject's key leaves every chain verifiable (DESIGN §4).
 *
 * - `protect` (before append): the structured personal fields the policy names for the event type
 *   (a reporter's name and phone, …) are sealed for their subject; every other string of the data
 *   is scanned for phone and ID numbers (free-text.ts) and, where one is found, kept as
 *   `{ __piiText: { redacted, sealed } }` for the policy's text subject. Sealing is deterministic
 *   per event id, so a retried append with the same ids stores nothing twice.
 * - `reveal` (after load): envelopes opened for readers who may see them; an erased subject reads
 *   as `已删除` (a field) or as its redacted text (free text); readers who may not see personal data
 *   get the redacted text and `***`.
 * - `redactProtectedData` (no key needed): what may leave the context, e.g. on Kafka.
 *
 * Events stored before this existed hold clear text: they load as they are (legacy, unencrypted).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { NewEvent } from '../event-store.port';
import { findPersonalDataInText, isProtectedText, PII_TEXT_KEY, ProtectedText, redactPersonalDataInText } from './free-text';
import { isSealedPersonalData, JsonValue, PersonalDataCipher, PersonalDataSpec, PII_ENVELOPE_KEY, SealedPersonalData } from './personal-data';
import { SubjectKeyLookup, SubjectKeyStore } from './subject-key.store';

/** What an erased subject's personal field reads as. */
export const ERASED_TEXT = '已删除';
/** What a personal field reads as for a reader who may not see it and no mask applies. */
export const HIDDEN_TEXT = '***';

export interface EventShape {
  type: string;
  streamId: string;
  data: Record<string, unknown>;
}

export interface PersonalDataPolicy {
  /** Structured personal fields of this event whose subject id is a field beside them (PersonalDataSpec); [] for none. */
  specsFor(event: EventShape): readonly PersonalDataSpec[];
  /** Structured personal fields whose subject the policy names itself (dot paths, no arrays). */
  subjectFieldsFor?(event: EventShape): readonly { subjectId: string; paths: readonly string[] }[];
  /** Whose phone or ID number a free text of this event holds; null to leave free text alone. */
  textSubjectOf(event: EventShape): string | null;
}

/** Keys never scanned as free text: identifiers, codes, times. */
function isStructuralKey(key: string): boolean {
  return key === 'id' || /(?:Id|Ids|At|Ms|Code|code|Ref|ref|type|Type|status|Status|hash|Hash)$/.test(key);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface RevealOptions {
  /** false: redacted text and `***` instead of the clear values (a reader without the right). */
  mayRead: boolean;
  /**
   * Decides per object instead of `mayRead`: called with the `jurisdiction` (unit path) of the
   * nearest enclosing object that has one (undefined when none does).
   */
  mayReadIn?: (jurisdiction: string[] | undefined) => boolean;
  /** What a sealed field reads as for a reader who may not see it (by its key); default `***`. */
  hidden?: (key: string | undefined, value: JsonValue) => JsonValue;
}

export class PersonalDataProtector {
  readonly cipher: PersonalDataCipher;

  constructor(
    readonly keys: SubjectKeyStore,
    readonly policy: PersonalDataPolicy,
  ) {
    this.cipher = new PersonalDataCipher(keys);
  }

  /** The event with its personal data sealed (same id, same everything else). */
  async protect<E extends NewEvent>(streamId: string, event: E): Promise<E> {
    const shape: EventShape = { type: event.type, streamId, data: event.data };
    const specs = this.policy.specsFor(shape);
    let data = specs.length > 0 ? await this.cipher.sealFields(event.data, specs, { nonceSeed: event.id }) : event.data;
    const named = this.policy.subjectFieldsFor?.(shape) ?? [];
    if (named.length > 0) {
      data = data === event.data ? (JSON.parse(JSON.stringify(data)) as typeof data) : data;
      for (const { subjectId, paths } of named) {
        for (const path of paths) {
          const keys = path.split('.');
          const last = keys.pop() as string;
          let parent: unknown = data;
          for (const k of keys) parent = isRecord(parent) ? parent[k] : undefined;
          if (!isRecord(parent)) continue;
          const v = parent[last];
          if (v === undefined || v === null || isSealedPersonalData(v)) continue;
          parent[last] = await this.cipher.seal(subjectId, v as JsonValue, { nonceSeed: `${event.id}|${path}` });
        }
      }
    }
    const textSubject = this.policy.textSubjectOf(shape);
    // the names of this event's data subjects (the personal fields just sealed) are found in its free text too
    if (textSubject)
      data = (await this.protectText(data, textSubject, event.id, '', [...namesSealedIn(event.data, data), ...commandSubjectNames()])) as typeof data;
    return data === event.data ? event : { ...event, data };
  }

  /** Strings of `value` holding phone or ID numbers (or one of `names`), protected for `subjectId`. */
  async protectText(value: unknown, subjectId: string, seed: string, path = '', names: readonly string[] = []): Promise<unknown> {
    if (typeof value === 'string') {
      if (findPersonalDataInText(value, names).length === 0) return value;
      const sealed = await this.cipher.seal(subjectId, value, { nonceSeed: `${seed}|${path}` });
      return { [PII_TEXT_KEY]: { v: 1, redacted: redactPersonalDataInText(value, names), sealed } } satisfies ProtectedText;
    }
    if (isSealedPersonalData(value) || isProtectedText(value)) return value;
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      for (let i = 0; i < value.length; i++) out.push(await this.protectText(value[i], subjectId, seed, `${path}[${i}]`, names));
      return out;
    }
    if (isRecord(value)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        // identifiers (and lists of them) are never free text
        const structural = isStructuralKey(k) && (typeof v === 'string' || (Array.isArray(v) && v.every((el) => typeof el === 'string')));
        out[k] = structural ? v : await this.protectText(v, subjectId, seed, path ? `${path}.${k}` : k, names);
      }
      return out;
    }
    return value;
  }

  /** A copy of `value` with every envelope opened (see the header). */
  reveal<T>(value: T, options: RevealOptions = { mayRead: true }): Promise<T> {
    return revealPersonalData(value, this.keys, options);
  }
}

const NAME_KEY = /(?:^|[a-z])(?:name|Name)$/;

const commandNames = new AsyncLocalStorage<readonly string[]>();

/**
 * Runs one command knowing the names of its data subjects whose details it keeps apart from the
 * case (a mediation case's parties, a petition's petitioners, sealed in their own streams): every
 * event the command appends through a PersonalDataEventStore protects those names in its free
 * text (summaries, notes, statements) as it protects phone and ID numbers.
 */
export function withSubjectNames<T>(names: readonly (string | undefined)[], run: () => T): T {
  const clean = names.filter((n): n is string => typeof n === 'string' && n.trim() !== '');
  return commandNames.run([...commandSubjectNames(), ...clean], run);
}

/** The names `withSubjectNames` gave the running command ([] outside one). */
export function commandSubjectNames(): readonly string[] {
  return commandNames.getStore() ?? [];
}

/**
 * The clear names the protection of one event sealed: strings under a `name`-like key (`name`,
 * `displayName`, `partyName`, …) that are sealed in `sealed`, alone or inside a sealed object
 * (e.g. a reporter `{ name, phone }`). These are the event's own data subjects' names.
 */
export function namesSealedIn(original: unknown, sealed: unknown): string[] {
  const names = new Set<string>();
  const collect = (v: unknown, key: string | undefined) => {
    if (typeof v === 'string') {
      if (key !== undefined && NAME_KEY.test(key) && v.trim() !== '') names.add(v.trim());
    } else if (Array.isArray(v)) v.forEach((el) => collect(el, key));
    else if (isRecord(v)) for (const [k, el] of Object.entries(v)) collect(el, k);
  };
  const walk = (o: unknown, s: unknown, key: string | undefined) => {
    if (o === s) return;
    if (isSealedPersonalData(s) && !isSealedPersonalData(o)) return collect(o, key);
    if (Array.isArray(o) && Array.isArray(s)) return o.forEach((el, i) => walk(el, s[i], key));
    if (isRecord(o) && isRecord(s)) for (const [k, el] of Object.entries(o)) walk(el, s[k], k);
  };
  walk(original, sealed, undefined);
  return [...names];
}

/**
 * Opens every envelope in `value` with `keys`. A subject the store does not know (another
 * context's key, lost keys) reads as hidden, never as an error: a read must not fail on it.
 */
export async function revealPersonalData<T>(value: T, keys: Pick<SubjectKeyStore, 'get'>, options: RevealOptions = { mayRead: true }): Promise<T> {
  const cipher = new PersonalDataCipher(keys as SubjectKeyStore);
  const lookups = new Map<string, Promise<SubjectKeyLookup>>();
  const lookup = (subjectId: string) => {
    let found = lookups.get(subjectId);
    if (!found) {
      found = keys.get(subjectId);
      lookups.set(subjectId, found);
    }
    return found;
  };
  const candidatesOf = (keys as Partial<SubjectKeyDirectory>).candidates?.bind(keys);
  const open = async (sealed: SealedPersonalData): Promise<{ ok: true; value: JsonValue } | { ok: false; erased: boolean }> => {
    const subjectId = sealed[PII_ENVELOPE_KEY].subjectId;
    if (candidatesOf) {
      // several contexts in one process may each hold a key for the same subject id: the one that opens it is its own
      const found = await candidatesOf(subjectId);
      for (const candidate of found) {
        if (candidate.status !== 'active') continue;
        try {
          const opened = await new PersonalDataCipher({ get: async () => candidate } as unknown as SubjectKeyStore).open(sealed);
          if (opened.status === 'available') return { ok: true, value: opened.value };
        } catch {
          // not this context's key
        }
      }
      return { ok: false, erased: found.some((f) => f.status === 'erased') };
    }
    const found = await lookup(subjectId);
    if (found.status !== 'active') return { ok: false, erased: found.status === 'erased' };
    const opened = await cipher.open(sealed);
    return opened.status === 'available' ? { ok: true, value: opened.value } : { ok: false, erased: true };
  };
  const cache = new Map<string | undefined, boolean>();
  const may = (j: string[] | undefined): boolean => {
    if (!options.mayReadIn) return options.mayRead;
    const k = j?.join('/');
    let v = cache.get(k);
    if (v === undefined) {
      v = options.mayReadIn(j);
      cache.set(k, v);
    }
    return v;
  };
  const visit = async (v: unknown, j: string[] | undefined, key?: string): Promise<unknown> => {
    if (isProtectedText(v)) {
      const t = v[PII_TEXT_KEY];
      if (!may(j)) return t.redacted;
      const opened = await open(t.sealed);
      return opened.ok && typeof opened.value === 'string' ? opened.value : t.redacted;
    }
    if (isSealedPersonalData(v)) {
      const opened = await open(v);
      if (!opened.ok) return opened.erased ? ERASED_TEXT : HIDDEN_TEXT;
      return may(j) ? opened.value : options.hidden ? options.hidden(key, opened.value) : HIDDEN_TEXT;
    }
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      for (const el of v) out.push(await visit(el, j, key));
      return out;
    }
    if (isRecord(v)) {
      const own = v['jurisdiction'];
      const here = Array.isArray(own) && own.every((s) => typeof s === 'string') ? (own as string[]) : j;
      const out: Record<string, unknown> = {};
      for (const [k, el] of Object.entries(v)) out[k] = await visit(el, here, k);
      return out;
    }
    return v;
  };
  return (await visit(value, undefined)) as T;
}

/** True when `value` holds an envelope anywhere (sealed field or protected text). */
export function holdsProtectedData(value: unknown): boolean {
  if (isSealedPersonalData(value) || isProtectedText(value)) return true;
  if (Array.isArray(value)) return value.some(holdsProtectedData);
  if (isRecord(value)) return Object.values(value).some(holdsProtectedData);
  return false;
}

/**
 * Phone and ID numbers in every free-text string of `value` masked (identifier-like keys left
 * alone): the last line of defence of what leaves a context, e.g. an integration event's data.
 */
export function redactTextInData<T>(value: T): T {
  const visit = (v: unknown, key: string | undefined): unknown => {
    if (typeof v === 'string') return key !== undefined && isStructuralKey(key) ? v : redactPersonalDataInText(v);
    if (Array.isArray(v)) return v.map((el) => visit(el, key));
    if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([k, el]) => [k, visit(el, k)]));
    return v;
  };
  return visit(value, undefined) as T;
}

/** Without any key: protected text as its redacted form, sealed fields as `***`. */
export function redactProtectedData<T>(value: T): T {
  const visit = (v: unknown): unknown => {
    if (isProtectedText(v)) return v[PII_TEXT_KEY].redacted;
    if (isSealedPersonalData(v)) return HIDDEN_TEXT;
    if (Array.isArray(v)) return v.map(visit);
    if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([k, el]) => [k, visit(el)]));
    return v;
  };
  return visit(value) as T;
}

/** Several contexts' key stores in one process (standalone): the first that knows a subject answers. */
export class SubjectKeyDirectory implements Pick<SubjectKeyStore, 'get'> {
  private readonly stores = new Set<Pick<SubjectKeyStore, 'get'>>();

  add(store: Pick<SubjectKeyStore, 'get'>): void {
    this.stores.add(store);
  }

  remove(store: Pick<SubjectKeyStore, 'get'>): void {
    this.stores.delete(store);
  }

  /** What every store says of the subject (the envelope's own context is one of them). */
  async candidates(subjectId: string): Promise<SubjectKeyLookup[]> {
    const out: SubjectKeyLookup[] = [];
    for (const st of this.stores) out.push(await st.get(subjectId));
    return out;
  }

  async get(subjectId: string): Promise<SubjectKeyLookup> {
    let erased: SubjectKeyLookup | undefined;
    for (const s of this.stores) {
      const found = await s.get(subjectId);
      if (found.status === 'active') return found;
      if (found.status === 'erased') erased = found;
    }
    return erased ?? { status: 'missing', subjectId };
  }
}
