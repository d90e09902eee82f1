/**
 * @fengqiao/mediation-domain — the pure `MediationCase` decider (DESIGN §5.2, 人民调解法 2010).
 *
 * Event data convention (audit): every event's `data` carries
 *   - `actor`      — who acted (`userId`, `role`, `unitId`), copied from `command.meta.actor`;
 *   - `occurredAt` — business time, copied from `command.meta.now` (ISO-8601 with zone);
 *   - `reason`     — the reason or opinion the actor gave (`command.meta.reason`), when given;
 * alongside the case id (`caseId`) and the facts of the step. The envelope field `legalBasis`
 * names the rule applied (e.g. `人民调解法§17`; several joined with ';'; a configured, non-statutory
 * rule is labelled as such, see `MEDIATION_LEGAL_BASIS`). Deadlines are recorded whole on the event
 * that starts them (rule id, legal basis, duration, unit, start, due, calendar id and version), so
 * replay never recomputes them. Expected outcomes (a party refusing, a failed performance) are
 * events; a broken rule throws a `DomainError` with a stable `MEDIATION.*` code.
 */
export * from './audit';
export * from './mediation-case/mediation-case.commands';
export * from './mediation-case/mediation-case.events';
export * from './mediation-case/mediation-case.state';
export * from './mediation-case/mediation-case.rules';
export * from './mediation-case/mediation-case.decider';
