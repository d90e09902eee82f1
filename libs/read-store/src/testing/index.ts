// @fengqiao/read-store/testing: the ReadStore contract suite. For specs and other testing code only.
export * from './read-store.contract';
export * from './counting-gets';
