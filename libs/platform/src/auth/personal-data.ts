/**
 * Parties' personal data (names, ID numbers, phone numbers, exact addresses) in responses and logs
 * (DESIGN §7): masked for every role that does not need it. Which fields are personal data is
 * metadata, declared where the shape is declared:
 *
 * - on response classes: `@PersonalData('phone') phone!: string;`
 * - on a handler returning plain read-model documents: `@PersonalDataFields({ name: 'name', phone: 'phone' })`
 *   (a key with that name at any depth);
 * - on dashboard handlers: `@NoPersonalData()` masks every declared field for everyone.
 *
 * The global PersonalDataInterceptor then masks what the caller may not see, deciding per object
 * from its `jurisdiction` (see `mayReadPersonalData`). Staff names (displayName) are not parties'
 * data and are not masked.
 */
import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { from, map, mergeMap, type Observable } from 'rxjs';
import { holdsProtectedData, revealPersonalData } from '@fengqiao/event-store';
import { subjectKeyDirectory } from '../privacy/subject-keys';
import type { Principal, UnitPath } from '@fengqiao/identity';
import { principalOfRequest } from './decorators';
import { mayReadPersonalData } from './jurisdiction';

export type PersonalDataKind = 'name' | 'id_number' | 'phone' | 'address';

/** 张三 → 张*, 张三丰 → 张**, 欧阳娜娜 → 欧***. */
export function maskName(value: string): string {
  const chars = Array.from(value.trim());
  if (chars.length <= 1) return '*';
  return chars[0] + '*'.repeat(chars.length - 1);
}

/** 110105199001011234 → 110***********1234 (first 3 and last 4 kept when at least 8 long). */
export function maskIdNumber(value: string): string {
  const chars = Array.from(value.trim());
  if (chars.length < 8) return '*'.repeat(chars.length);
  return chars.slice(0, 3).join('') + '*'.repeat(chars.length - 7) + chars.slice(-4).join('');
}

/**
 * 13812345678 → 138****5678; separators stay where they were (0575-87654321 → 057*-****4321).
 * Fewer than 7 digits: every digit masked.
 */
export function maskPhone(value: string): string {
  const digits = [...value].filter((c) => c >= '0' && c <= '9').length;
  let seen = 0;
  return [...value]
    .map((c) => {
      if (c < '0' || c > '9') return c;
      seen++;
      return digits >= 7 && (seen <= 3 || seen > digits - 4) ? c : '*';
    })
    .join('');
}

const ADDRESS_LEVELS = ['自治区', '街道', '社区', '省', '市', '区', '县', '镇', '乡', '村'];

/**
 * Keeps the administrative part (province … village or community) and hides the rest:
 * 浙江省诸暨市枫桥镇枫源村3组12号 → 浙江省诸暨市枫桥镇枫源村****. Without any level word, keeps a
 * third of the text.
 */
export function maskAddress(value: string): string {
  const text = value.trim();
  let keep = 0;
  for (const level of ADDRESS_LEVELS) {
    let from = 0;
    for (let i = text.indexOf(level, from); i >= 0; i = text.indexOf(level, from)) {
      keep = Math.max(keep, i + level.length);
      from = i + 1;
    }
  }
  if (keep === 0) {
    const chars = Array.from(text);
    return chars.length ? `${chars.slice(0, Math.ceil(chars.length / 3)).join('')}****` : '';
  }
  // nothing after the last level word: nothing exact to hide
  return keep >= text.length ? text : `${text.slice(0, keep)}****`;
}

export const MASKS: Readonly<Record<PersonalDataKind, (value: string) => string>> = {
  name: maskName,
  id_number: maskIdNumber,
  phone: maskPhone,
  address: maskAddress,
};

/**
 * Heuristic for values that must not become Kafka message keys or log fields: an 18- or 15-digit
 * ID number or a mainland mobile number anywhere in the string.
 */
export function looksLikePersonalData(value: string): boolean {
  return /(?<!\d)\d{17}[\dXx](?!\d)|(?<!\d)\d{15}(?!\d)|(?<!\d)1[3-9]\d{9}(?!\d)/.test(value);
}

const CLASS_FIELDS = 'fengqiao:pd:class-fields';
export const PERSONAL_DATA_FIELDS = 'fengqiao:pd:handler-fields';
export const NO_PERSONAL_DATA = 'fengqiao:pd:none';

type FieldMap = Readonly<Record<string, PersonalDataKind>>;

/** Marks a property of a response class as personal data of the given kind. */
export function PersonalData(kind: PersonalDataKind): PropertyDecorator {
  return (target, key) => {
    if (typeof key !== 'string') return;
    const inherited = (Reflect.getMetadata(CLASS_FIELDS, target) as FieldMap | undefined) ?? {};
    Reflect.defineMetadata(CLASS_FIELDS, { ...inherited, [key]: kind }, target);
  };
}

/** For handlers returning plain documents: keys (at any depth) holding personal data. */
export const PersonalDataFields = (fields: FieldMap): MethodDecorator & ClassDecorator => SetMetadata(PERSONAL_DATA_FIELDS, fields);

export const KEEP_SEALED = 'fengqiao:pd:keep-sealed';

/**
 * Evidence exports: stored events go out as stored, personal data still sealed (issue 14), so
 * their hashes recompute offline; the envelopes are opened nowhere on the way.
 */
export const KeepSealed = (): MethodDecorator & ClassDecorator => SetMetadata(KEEP_SEALED, true);

/** Dashboards, statistics, exports for analysis: personal data masked for every caller. */
export const NoPersonalData = (): MethodDecorator & ClassDecorator => SetMetadata(NO_PERSONAL_DATA, true);

export interface MaskOptions {
  principal: Principal | undefined;
  /** key-name based declarations (from @PersonalDataFields) */
  fields?: FieldMap;
  /** mask for everyone (from @NoPersonalData) */
  maskAll?: boolean;
}

/** Values passed through as they are (their own serialisation holds no declared fields). */
function isOpaque(value: object): boolean {
  return (
    value instanceof Date ||
    value instanceof RegExp ||
    value instanceof Map ||
    value instanceof Set ||
    value instanceof URL ||
    ArrayBuffer.isView(value) ||
    value instanceof ArrayBuffer
  );
}

function classFieldsOf(value: object): FieldMap | undefined {
  return Reflect.getMetadata(CLASS_FIELDS, Object.getPrototypeOf(value)) as FieldMap | undefined;
}

/**
 * A copy of `value` with the personal data the principal may not see masked. Objects carrying a
 * `jurisdiction` array are judged by it; their children inherit it. The input is not changed.
 */
export function maskPersonalData<T>(value: T, options: MaskOptions): T {
  const visibleCache = new Map<UnitPath | undefined, boolean>();
  const visible = (jurisdiction: UnitPath | undefined) => {
    if (options.maskAll) return false;
    let v = visibleCache.get(jurisdiction);
    if (v === undefined) {
      v = mayReadPersonalData(options.principal, jurisdiction);
      visibleCache.set(jurisdiction, v);
    }
    return v;
  };
  const walk = (node: unknown, jurisdiction: UnitPath | undefined): unknown => {
    if (Array.isArray(node)) return node.map((item) => walk(item, jurisdiction));
    if (typeof node !== 'object' || node === null) return node;
    if (isOpaque(node)) return node;
    const declared = classFieldsOf(node);
    const own = (node as { jurisdiction?: unknown }).jurisdiction;
    const j = Array.isArray(own) && own.every((s) => typeof s === 'string') ? (own as string[]) : jurisdiction;
    const fields = { ...(options.fields ?? {}), ...(declared ?? {}) };
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(node)) {
      const kind = fields[key];
      if (kind && typeof child === 'string' && !visible(j)) out[key] = MASKS[kind](child);
      else if (kind && Array.isArray(child) && !visible(j)) out[key] = child.map((c) => (typeof c === 'string' ? MASKS[kind](c) : walk(c, j)));
      else out[key] = walk(child, j);
    }
    return out;
  };
  return walk(value, undefined) as T;
}

const SEALED_FIELD_KINDS: Readonly<Record<string, PersonalDataKind>> = { name: 'name', phone: 'phone', idNumber: 'id_number', address: 'address' };

/**
 * Personal data sealed in the stores (event data, read models; issue 14) opened for the response:
 * clear where the principal may read the object's personal data, redacted text and `***`
 * elsewhere, `已删除` once its subject was erased; then masked by the declarations above.
 */
export async function revealThenMask<T>(body: T, options: MaskOptions): Promise<T> {
  const opened = holdsProtectedData(body)
    ? await revealPersonalData(body, subjectKeyDirectory, {
        mayRead: false,
        mayReadIn: (jurisdiction) => !options.maskAll && mayReadPersonalData(options.principal, jurisdiction),
        // a sealed field the reader may not see: masked by its kind where its key names one
        hidden: (key, value) => {
          const kind = key === undefined ? undefined : (options.fields?.[key] ?? SEALED_FIELD_KINDS[key]);
          return kind && typeof value === 'string' ? MASKS[kind](value) : '***';
        },
      })
    : body;
  return maskPersonalData(opened, options);
}

/** Registered globally by AuthModule: opens and masks every HTTP response by the metadata above. */
@Injectable()
export class PersonalDataInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const targets = [context.getHandler(), context.getClass()];
    const fields = this.reflector.getAllAndOverride<FieldMap | undefined>(PERSONAL_DATA_FIELDS, targets);
    const maskAll = this.reflector.getAllAndOverride<boolean | undefined>(NO_PERSONAL_DATA, targets) ?? false;
    const keepSealed = this.reflector.getAllAndOverride<boolean | undefined>(KEEP_SEALED, targets) ?? false;
    const principal = principalOfRequest(context.switchToHttp().getRequest());
    if (keepSealed) return next.handle().pipe(map((body: unknown) => maskPersonalData(body, { principal, fields, maskAll })));
    return next.handle().pipe(mergeMap((body: unknown) => from(revealThenMask(body, { principal, fields, maskAll }))));
  }
}
