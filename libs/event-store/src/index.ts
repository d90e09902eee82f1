export * from './event-store.port';
export * from './errors';
export {
  buildEvents,
  checkExpectedRevision,
  decodeData,
  encodeData,
  EMPTY_HEAD,
  matchIdempotentAppend,
  normaliseExpected,
  validateNewEvents,
  type StreamHead,
} from './envelope';
export * from './integrity/hash-chain';
export * from './adapters/sqlite/sqlite-event-store';
export * from './adapters/sqlite/sqlite-group-commit';
export * from './adapters/sqlite/wal-sync';
export * from './adapters/mongodb/mongodb-event-store';
export * from './adapters/kurrentdb/kurrentdb-event-store';
export * from './upcasting';
export * from './replay';
export * from './merkle';
export * from './pii';
export * from './tamper';
export * from './evidence';
export * from './backup';
