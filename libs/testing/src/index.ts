export * from './integration';
export * from './processes';
export * from './integrity/append-verify';
export * from './service-test-app';
