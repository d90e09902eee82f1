export * from './event-store-merkle-log';
export * from './verify-store';
export * from './case-evidence';
