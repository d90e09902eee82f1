/**
 * @fengqiao/petitions-domain — the pure `Petition` decider (DESIGN §5.3, 信访工作条例 2022).
 *
 * Event data convention (audit): every event's `data` carries
 *   - `actor`      — who acted (`userId`, `role`, `unitId`), copied from `command.meta.actor`;
 *   - `occurredAt` — business time, copied from `command.meta.now` (ISO-8601 with zone);
 *   - `reason`     — the reason or opinion the actor gave (`command.meta.reason`), when given;
 * alongside the petition id (`petitionId`) and the facts of the step. Times the law counts from
 * (receipt of the petition, of a reply, of a request) are separate fields (`receivedAt`,
 * `requestedAt`) because they may precede the recording. The envelope field `legalBasis` names the
 * articles applied (e.g. `信访工作条例§34`; several joined with ';'). Deadlines are recorded whole on
 * the event that starts them (rule id, legal basis, duration, unit, start, due, calendar id and
 * version), so replay never recomputes them. Expected outcomes (a repeat petition not accepted, an
 * objection, a refusal to support) are events; a broken rule throws a `DomainError` with a stable
 * `PETITION.*` code.
 */
export * from './audit';
export * from './petition/petition.commands';
export * from './petition/petition.events';
export * from './petition/petition.state';
export * from './petition/petition.rules';
export * from './petition/petition.decider';
export * from './portal/petition-portal.decider';
