export * from './read-store.port';
export * from './errors';
export {
  FIELD_OPERATORS,
  LOGICAL_OPERATORS,
  validateQuery,
  normaliseDocument,
  normaliseFindOptions,
  type JsonScalar,
  type JsonValue,
  type JsonObject,
} from './query/query-validation';
export { compareValues } from './query/bson-order';
export * from './adapters/embedded/embedded-read-store';
export * from './adapters/mongodb/mongodb-read-store';
export * from './projection/projection';
export * from './projection/last-written';
export * from './projection/parking';
export * from './projection/store-projector';
