/** Name of the context: its runtime token, code prefix of its errors, its databases. */
export const CONTEXT_NAME = 'grid-dispatch';

/** Injection token of the resolved options (`ResolvedGridDispatchOptions`). */
export const GRID_DISPATCH_OPTIONS = Symbol.for('fengqiao.grid-dispatch.options');
