/**
 * Personal data inside free text (descriptions, notes, reasons): mainland mobile and landline phone
 * numbers and resident ID numbers (身份证号, 18 digits with the GB 11643 check character, or the old
 * 15-digit form). Found before an event is stored and protected like any personal field: the text
 * is kept twice, redacted in clear (numbers masked) and whole, sealed for a data subject.
 *
 *   { "__piiText": { "v": 1, "redacted": "请联系138****5678", "sealed": { "__pii": { … } } } }
 *
 * Readers with the key and the right see the whole text; everyone else (other roles, other
 * services through Kafka, everyone once the subject is erased) sees the redacted one.
 */
import { SealedPersonalData, isSealedPersonalData } from './personal-data';

export const PII_TEXT_KEY = '__piiText';

export type TextFindingKind = 'phone' | 'id_number' | 'name';

export interface TextFinding {
  kind: TextFindingKind;
  /** UTF-16 offsets in the text */
  start: number;
  end: number;
  value: string;
}

export interface ProtectedText {
  [PII_TEXT_KEY]: { v: 1; redacted: string; sealed: SealedPersonalData };
}

const DATE = '(?:18|19|20)\\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01])';
const ID_18 = new RegExp(`(?<![0-9A-Za-z])[1-9]\\d{5}${DATE}\\d{3}[0-9Xx](?![0-9A-Za-z])`, 'g');
// Numbers glued to Latin letters or digits are parts of identifiers (hashes, ids, codes), not phones.
const ID_15 = /(?<![0-9A-Za-z])[1-9]\d{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?![0-9A-Za-z])/g;
/** 13812345678, 138-1234-5678, 138 1234 5678, +86 138…, 86-138… */
const MOBILE = /(?<![0-9A-Za-z+])(?:\+?86[-\s]?)?1[3-9]\d(?:[-\s]?\d{4}){2}(?![0-9A-Za-z])/g;
/** 0575-87654321, (0575)87654321, 057587654321, 010 12345678 */
const LANDLINE = /(?<![0-9A-Za-z])(?:\(0\d{2,3}\)\s?|0\d{2,3}[-\s]?)[2-9]\d{6,7}(?![0-9A-Za-z])/g;

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** GB 11643 check character of an 18-character ID number. */
export function idNumberChecksumValid(id: string): boolean {
  if (!/^\d{17}[\dXx]$/.test(id)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(id[i]) * ID_WEIGHTS[i];
  return ID_CHECK[sum % 11] === id[17].toUpperCase();
}

/**
 * Phone and ID numbers in `text`, in order, not overlapping. An 18-digit number is an ID number
 * only when its check character is right (a wrong one is still protected, as a phone-like number,
 * when it matches nothing else it is left alone).
 */
export function findPersonalDataInText(text: string, names: readonly string[] = []): TextFinding[] {
  const found: TextFinding[] = [];
  const take = (re: RegExp, kind: TextFindingKind, accept: (v: string) => boolean = () => true) => {
    for (const m of text.matchAll(re)) {
      const start = m.index ?? 0;
      const end = start + m[0].length;
      if (!accept(m[0])) continue;
      if (found.some((f) => start < f.end && f.start < end)) continue;
      found.push({ kind, start, end, value: m[0] });
    }
  };
  if (mayHoldNumbers(text)) {
    take(ID_18, 'id_number', idNumberChecksumValid);
    take(ID_15, 'id_number');
    take(MOBILE, 'phone');
    take(LANDLINE, 'phone');
  }
  // the names of the case's own data subjects (given by the caller: a name alone is not recognisable), longest first
  for (const name of [...new Set(names.map((n) => n.trim()).filter((n) => [...n].length >= 2))].sort((a, b) => b.length - a.length)) {
    take(new RegExp(name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'g'), 'name');
  }
  return found.sort((a, b) => a.start - b.start);
}

/**
 * Whether `text` has the 10 ASCII digits the shortest number above needs (a landline, 0xx-xxxxxxx);
 * most texts have not, and their four pattern scans (lookbehinds at every position) are skipped:
 * they were 2 % of the standalone process's time at 130 cases/s (issue 15).
 */
function mayHoldNumbers(text: string): boolean {
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57 && ++digits >= 10) return true;
  }
  return false;
}

export function containsPersonalDataInText(text: string, names: readonly string[] = []): boolean {
  return findPersonalDataInText(text, names).length > 0;
}

/** 13812345678 → 138****5678 (separators kept); an ID number → first 3, stars, last 4. */
function maskFinding(f: TextFinding): string {
  // 欧阳晓峰 → 欧***: the first character and the length's stars
  if (f.kind === 'name') return [...f.value][0] + '*'.repeat([...f.value].length - 1);
  if (f.kind === 'id_number') return f.value.slice(0, 3) + '*'.repeat(f.value.length - 7) + f.value.slice(-4);
  const digits = [...f.value].filter((c) => c >= '0' && c <= '9').length;
  let seen = 0;
  return [...f.value]
    .map((c) => {
      if (c < '0' || c > '9') return c;
      seen++;
      return seen <= 3 || seen > digits - 4 ? c : '*';
    })
    .join('');
}

/** The text with every phone and ID number (and every one of `names`) masked. */
export function redactPersonalDataInText(text: string, names: readonly string[] = []): string {
  const found = findPersonalDataInText(text, names);
  if (found.length === 0) return text;
  let out = '';
  let at = 0;
  for (const f of found) {
    out += text.slice(at, f.start) + maskFinding(f);
    at = f.end;
  }
  return out + text.slice(at);
}

export function isProtectedText(value: unknown): value is ProtectedText {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  if (keys.length !== 1 || keys[0] !== PII_TEXT_KEY) return false;
  const t = (value as Record<string, unknown>)[PII_TEXT_KEY] as Record<string, unknown> | null;
  return typeof t === 'object' && t !== null && t.v === 1 && typeof t.redacted === 'string' && isSealedPersonalData(t.sealed);
}
