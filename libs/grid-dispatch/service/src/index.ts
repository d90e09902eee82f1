export * from './grid-dispatch.module';
export { GRID_DISPATCH, GridDispatchContext, ROUTING_RULES_STREAM, DEADLINE_RULES_STREAM } from './grid-dispatch.context';
export type { GridDispatchOptions, ReferenceDataSeed } from './config/grid-dispatch.options';
export { offsetClock } from './config/grid-dispatch.options';
export type { RoutingRule, RoutingScope } from './reference-data/routing-rules';
export { resolveRoute, validateRoutingRules } from './reference-data/routing-rules';
export { publishGridDispatchEvent } from './publishing/publish.mapper';
export type { UnitDirectory, DirectoryUnit } from './directory/unit-directory';
export { unitDirectoryOf } from './directory/unit-directory';
