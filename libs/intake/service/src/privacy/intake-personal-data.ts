/**
 * What intake stores of a reporter, sealed per data subject before the event is hashed (issue 14
 * §2): the reporter of case `<caseId>` is the data subject `reporter-<caseId>`; their name and phone
 * on `CaseReported` are sealed for that subject, and phone or ID numbers written into any free text
 * of the case's events (the description, a decision's reason) are sealed for the same subject. An
 * admin erases them with `POST /privacy/subjects/reporter-<caseId>/erasure`; grid-dispatch seals
 * free text of the same case for the same subject, so the erasure reaches it too.
 */
import type { PersonalDataPolicy } from '@fengqiao/event-store';

export function reporterSubjectIdOf(caseId: string): string {
  return `reporter-${caseId}`;
}

export const intakePersonalData: PersonalDataPolicy = {
  specsFor: () => [],
  subjectFieldsFor: (event) => {
    const caseId = event.data['caseId'];
    if (event.type !== 'CaseReported' || typeof caseId !== 'string') return [];
    return [{ subjectId: reporterSubjectIdOf(caseId), paths: ['reporter.name', 'reporter.phone'] }];
  },
  textSubjectOf: (event) => {
    const caseId = event.data['caseId'];
    return typeof caseId === 'string' ? reporterSubjectIdOf(caseId) : null;
  },
};
