export * from './integration';
export * from './processes';
