export { deciderSpec, firstDifference, firstMismatch } from './decider-spec';
export type { DeciderSpecification, DeciderThen } from './decider-spec';
export * from './test-notices';
