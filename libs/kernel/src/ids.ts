import { createHash } from 'node:crypto';
import { v7 as uuidv7, validate, version } from 'uuid';

/** A new UUIDv7 (time-ordered). Only adapters and handlers call this; deciders receive ids. */
export function newId(): string {
  return uuidv7();
}

export function isUuidV7(value: string): boolean {
  return validate(value) && version(value) === 7;
}

/**
 * A deterministic UUIDv7 for events produced in reaction to another message: the same seed
 * (e.g. `<causation id>/<handler>/<index>`) always gives the same id, so a redelivered message
 * re-appends the same ids and the store's idempotent append stores nothing twice. The timestamp
 * bits come from `timeMs` (the causing event's time), the rest from SHA-256 of the seed.
 */
export function deterministicEventId(seed: string, timeMs: number): string {
  const hash = createHash('sha256').update(seed).digest();
  const bytes = Buffer.alloc(16);
  const ms = BigInt(Math.max(0, Math.floor(timeMs)));
  for (let i = 0; i < 6; i++) bytes[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  hash.copy(bytes, 6, 0, 10);
  bytes[6] = (bytes.readUInt8(6) & 0x0f) | 0x70; // version 7
  bytes[8] = (bytes.readUInt8(8) & 0x3f) | 0x80; // RFC 9562 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
