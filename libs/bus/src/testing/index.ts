// @fengqiao/bus/testing: the contract suites every Bus, relay checkpoint store and inbox adapter passes.
// For specs and other testing code only (the lint keeps production code from importing it).
export * from './bus.contract';
export * from './relay-checkpoint.contract';
export * from './inbox.contract';
