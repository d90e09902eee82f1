export * from './integration';
export * from './processes';
export * from './integrity/append-verify';
