export * from './decider';
export * from './domain-error';
export * from './ids';
export * from './clock';
export * from './calendar';
export * from './audit';
export * from './guards';
