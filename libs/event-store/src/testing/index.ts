// @fengqiao/event-store/testing: the event store contract suite and the MongoDB command recorder
// (index-use checks). For specs, benches and other testing code only.
export * from './event-store.contract';
export * from './command-recorder';
