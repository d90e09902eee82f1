export * from './topics';
export * from './schema/schema';
export * from './text/safe-text';
export * from './integration-event';
export * from './intake/intake.contracts';
export * from './grid-dispatch/grid-dispatch.contracts';
export * from './calendar/calendar.contracts';
