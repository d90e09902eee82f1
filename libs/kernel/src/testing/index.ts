export { deciderSpec, firstDifference } from './decider-spec';
export type { DeciderSpecification, DeciderThen } from './decider-spec';
export * from './test-notices';
