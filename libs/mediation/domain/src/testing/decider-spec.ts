/**
 * given / when / then for this lib's deciders: the kernel's `deciderSpec` (`then` returns the
 * events and the state after them, `thenMatch` compares partially, `thenThrows` also checks that the
 * message is Chinese). Not exported from the lib's index.
 */
export { deciderSpec } from '@fengqiao/kernel/testing';
