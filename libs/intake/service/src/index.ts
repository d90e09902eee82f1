export * from './intake.module';
export * from './intake.options';
export * from './reference/intake-reference';
export * from './reference/address-index';
export * from './reference/demo-reference';
export { publish as publishIntakeEvent, INTAKE_SOURCE } from './publish/intake.publish';
export { CASE_VIEW, type CaseView, type IntakeStatus } from './case-view/case-view';
export { reporterSubjectIdOf, intakePersonalData } from './privacy/intake-personal-data';
