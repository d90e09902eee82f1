import { defineContract } from '../integration-event';
import { Infer, isoTime, obj, str } from '../schema/schema';
import { topics } from '../topics';

const subjectErased = obj({
  /** the data subject whose key is shredded: a reporter (`reporter-<caseId>`), a party, a petitioner */
  subjectId: str({ min: 1, max: 200 }),
  /** the context whose admin route took the request */
  requestedIn: str({ min: 1, max: 50 }),
  requestedAt: isoTime(),
  /** the request's id: every context records it on its own `SubjectErased` event (once per request) */
  requestId: str({ min: 1, max: 100 }),
});

/**
 * A data subject's personal data is to be erased (个人信息保护法 §47): every context holding the
 * subject's key shreds it and records its own audited `SubjectErased` event. Subject = the subject
 * id (one key: the requests of a subject stay in order). Carries no personal data and no reason
 * (the reason stays in the requesting context's audited event).
 */
export const PrivacySubjectErasedV1 = defineContract({
  type: 'cn.fengqiao.privacy.subject.erased.v1',
  topic: topics.privacySubject,
  schema: subjectErased,
  label: '个人信息删除',
});
export type PrivacySubjectErasedV1Data = Infer<typeof subjectErased>;
