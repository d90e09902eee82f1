export * from './pii.errors';
export * from './master-keyring';
export * from './subject-key.store';
export * from './sqlite-subject-key.store';
export * from './mongo-subject-key.store';
export * from './personal-data';
