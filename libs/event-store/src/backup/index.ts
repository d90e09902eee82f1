export * from './backup-format';
export * from './raw-import';
export * from './export-store';
export * from './read-backup';
export * from './restore-store';
export { openSqliteRawImport } from '../adapters/sqlite/sqlite-raw-import';
export { openMongoRawImport } from '../adapters/mongodb/mongodb-raw-import';
