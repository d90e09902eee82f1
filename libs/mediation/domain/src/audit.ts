/**
 * The audit stamp every event carries (`actor`, `occurredAt`, `reason`; see index.ts for the
 * convention), written once in libs/kernel and re-exported here so this lib's exports stay as they were.
 */
export { auditStamp } from '@fengqiao/kernel';
export type { AuditStamp, Audited } from '@fengqiao/kernel';
