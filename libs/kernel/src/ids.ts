import { v7 as uuidv7, validate, version } from 'uuid';

/** A new UUIDv7 (time-ordered). Only adapters and handlers call this; deciders receive ids. */
export function newId(): string {
  return uuidv7();
}

export function isUuidV7(value: string): boolean {
  return validate(value) && version(value) === 7;
}
