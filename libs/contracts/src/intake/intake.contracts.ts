import { defineContract } from '../integration-event';
import { arr, isoTime, nullable, num, obj, oneOf, optional, str, Infer } from '../schema/schema';
import { topics } from '../topics';

/** Integration events of intake (topic intake.case.events.v1). No reporter contact ever leaves intake. */
export const CHANNELS = ['grid_worker', 'hotline', 'walk_in', 'online', 'video_alert'] as const;
export const URGENCIES = ['normal', 'urgent', 'very_urgent'] as const;
export const CENTRE_LEVELS = ['village', 'town', 'district'] as const;

const location = obj({
  point: optional(obj({ lat: num({ min: -90, max: 90 }), lng: num({ min: -180, max: 180 }) })),
  address: optional(str({ max: 500 })),
});
const jurisdiction = arr(str({ min: 1 }), { max: 10 });

/** the category's name as intake's reference data had it when the event was published (for people: figures, warnings) */
const categoryName = optional(str({ min: 1, max: 100 }));

const caseReported = obj({
  caseId: str({ min: 1 }),
  channel: oneOf(CHANNELS),
  category: str({ min: 1 }),
  categoryName,
  description: str({ max: 4000 }),
  urgency: oneOf(URGENCIES),
  gridId: nullable(str()),
  location,
  jurisdiction,
  reportedAt: isoTime(),
});
export const IntakeCaseReportedV1 = defineContract({
  type: 'cn.fengqiao.intake.case.reported.v1',
  topic: topics.intakeCase,
  schema: caseReported,
  label: '事件上报',
});
export type IntakeCaseReportedV1Data = Infer<typeof caseReported>;

const caseAccepted = obj({ caseId: str({ min: 1 }), jurisdiction, at: isoTime() });
export const IntakeCaseAcceptedV1 = defineContract({
  type: 'cn.fengqiao.intake.case.accepted.v1',
  topic: topics.intakeCase,
  schema: caseAccepted,
  label: '受理',
});

const caseDeclined = obj({
  caseId: str({ min: 1 }),
  jurisdiction,
  at: isoTime(),
  declineReason: oneOf(['answered_at_once', 'told_legal_route', 'duplicate'] as const),
  duplicateOf: optional(str()),
});
export const IntakeCaseDeclinedV1 = defineContract({
  type: 'cn.fengqiao.intake.case.declined.v1',
  topic: topics.intakeCase,
  schema: caseDeclined,
  label: '不予受理',
});

const caseFiled = obj({
  caseId: str({ min: 1 }),
  jurisdiction,
  filedAt: isoTime(),
  level: oneOf(CENTRE_LEVELS),
  category: str({ min: 1 }),
  categoryName,
  urgency: oneOf(URGENCIES),
  gridId: nullable(str()),
  channel: oneOf(CHANNELS),
  location,
});
export const IntakeCaseFiledV1 = defineContract({
  type: 'cn.fengqiao.intake.case.filed.v1',
  topic: topics.intakeCase,
  schema: caseFiled,
  label: '立案',
});
export type IntakeCaseFiledV1Data = Infer<typeof caseFiled>;

const caseMerged = obj({ caseId: str({ min: 1 }), jurisdiction, at: isoTime(), duplicateOf: str({ min: 1 }) });
export const IntakeCaseMergedV1 = defineContract({
  type: 'cn.fengqiao.intake.case.merged.v1',
  topic: topics.intakeCase,
  schema: caseMerged,
  label: '合并重复事件',
});
