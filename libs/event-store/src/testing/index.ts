// @fengqiao/event-store/testing: the event store contract suite, the MongoDB command recorder
// (index-use checks) and the readAll recorder (read counts). For specs, benches and other testing code only.
export * from './event-store.contract';
export * from './command-recorder';
export * from './read-recorder';
