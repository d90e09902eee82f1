/**
 * Our cases and categories in Open311 GeoReport v2 terms (domain notes §1). What a public client
 * sees of a case is chosen here, field by field: never the reporter, never attachments that are
 * not public URLs, and phone and ID numbers in free text masked.
 */
import { redactProtectedData } from '@fengqiao/event-store';
import { maskIdNumber, maskName, maskPhone } from '@fengqiao/platform';
import { CaseView, IntakeStatus } from '../case-view/case-view';
import { intakeStatusLabel } from '../application/case.response';
import { IntakeCategory, ReferenceData, serviceCodeOf } from '../reference/intake-reference';

/** userId prefix of the actor recorded for reports that came through Open311 (`open311:<key label>`). */
export const OPEN311_ACTOR_PREFIX = 'open311:';

export const OPEN311_SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';

export interface Open311Service {
  service_code: string;
  service_name: string;
  description: string;
  metadata: false;
  type: 'realtime';
  keywords: string;
  group: string;
}

export interface Open311ServiceDefinition {
  service_code: string;
  attributes: never[];
}

export interface Open311ServiceRequest {
  service_request_id: string;
  status: 'open' | 'closed';
  status_notes: string;
  service_name: string;
  service_code: string;
  description: string;
  agency_responsible: string | null;
  service_notice: string | null;
  requested_datetime: string;
  updated_datetime: string;
  expected_datetime: string | null;
  address: string | null;
  address_id: string | null;
  zipcode: string | null;
  lat: number | null;
  long: number | null;
  media_url: string | null;
}

export function toOpen311Service(category: IntakeCategory): Open311Service {
  return {
    service_code: serviceCodeOf(category),
    service_name: category.name,
    description: category.description ?? category.name,
    metadata: false,
    type: 'realtime',
    keywords: (category.keywords ?? []).join(','),
    group: category.group ?? '',
  };
}

/** The categories offered and listed through Open311 (those not marked `open311: false`). */
export function publicCategories(ref: ReferenceData): IntakeCategory[] {
  return ref.categories().filter((c) => c.open311 !== false);
}

const DISPATCH_LABEL: Readonly<Record<string, string>> = {
  filed: '已立案，待派单',
  reopened: '重新办理，待派单',
  dispatched: '已派单，待承办单位签收',
  objection: '承办单位提出退单，综治中心审核中',
  in_progress: '处置中',
  extension_requested: '处置中（已申请延期）',
  suspended: '暂缓办理（挂账）',
  feedback_submitted: '已处置，待核查',
  verified: '已核查，待结案',
  closed: '已办结',
  callback_done: '已办结并回访',
  archived: '已办结归档',
  merged_duplicate: '已作为重复事件合并',
  referred: '已转其他渠道办理',
};

const REFERRED_LABEL: Readonly<Record<string, string>> = { mediation: '已转人民调解', petitions: '已转信访办理' };

const DECLINE_LABEL: Readonly<Record<string, string>> = {
  answered_at_once: '不予受理：已当场答复',
  told_legal_route: '不予受理：已告知依法通过其他途径解决',
  duplicate: '不予受理：重复反映，已告知原事件进展',
};

/** Chinese status note for the public: intake's decision, then grid-dispatch's progress. */
export function statusNotes(view: CaseView & { status: IntakeStatus }): string {
  if (view.status === 'not_accepted') return DECLINE_LABEL[view.declineReason ?? ''] ?? intakeStatusLabel(view.status);
  if (view.status === 'merged_duplicate') return `已作为重复事件合并到 ${view.duplicateOf ?? ''}`.trim();
  const d = view.dispatch;
  if (!d) return intakeStatusLabel(view.status);
  if (d.status === 'referred' && d.referredTo) return REFERRED_LABEL[d.referredTo] ?? DISPATCH_LABEL['referred'];
  if (d.status === 'merged_duplicate' && d.duplicateOf) return `已作为重复事件合并到 ${d.duplicateOf}`;
  return DISPATCH_LABEL[d.status] ?? d.status;
}

const MOBILE = /(?<!\d)1[3-9]\d{9}(?!\d)/g;
const LANDLINE = /(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)/g;
const ID_NUMBER = /(?<!\d)(?:\d{17}[\dXx]|\d{15})(?!\d)/g;

/** A mainland plate (浙D12345, 浙D·12345, 浙DF12345 new-energy, 浙D1234学): the province and the letter stay. */
const PLATE =
  /([京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领])([A-HJ-NP-Z])((?:[\s·•.-]?[A-HJ-NP-Z0-9]){5,6}[挂学警港澳领试超]?)(?![A-Za-z0-9])/g;
/** A name after the words that introduce one (姓名：张三, 我叫李四, 车主王五, 联系人赵六). */
const INTRODUCED_NAME =
  /(姓名|我叫|联系人|反映人|举报人|投诉人|车主|户主|业主|房东|租户|当事人)([:：\s]*)([\u4e00-\u9fff]{2,3})(?=[\s,，。；;、)）（(的电手家住在说是要已反称]|$)/g;

export function maskPlate(plate: string): string {
  return plate.replace(PLATE, (_m, province: string, letter: string, rest: string) => `${province}${letter}${rest.replace(/[^\s·•.-]/g, '*')}`);
}

/**
 * What a public (Open311) view may show of free text: ID, mobile and landline numbers, plate
 * numbers, the names given (the reporter's own, anywhere) and names introduced as such (姓名、
 * 车主、联系人…) masked.
 */
export function redactPublicText(stored: string, names: readonly string[] = []): string {
  // a text holding phone or ID numbers is stored protected (issue 14): only its redacted form is public
  const text = String(redactProtectedData(stored));
  let out = text
    .replace(ID_NUMBER, maskIdNumber)
    .replace(MOBILE, maskPhone)
    .replace(LANDLINE, maskPhone)
    .replace(PLATE, (m) => maskPlate(m));
  for (const name of names) {
    const n = name.trim();
    if (Array.from(n).length >= 2) out = out.split(n).join(maskName(n));
  }
  return out.replace(INTRODUCED_NAME, (_m, word: string, gap: string, name: string) => `${word}${gap}${maskName(name)}`);
}

/** The people named on a case (the reporter), whose names a public view must not show. */
function namesOf(view: CaseView): string[] {
  const name = (view.reporter as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? [name] : [];
}

const isPublicUrl = (ref: string): boolean => /^https?:\/\/\S+$/i.test(ref);

export function toOpen311Request(view: CaseView & { status: IntakeStatus }, ref: ReferenceData): Open311ServiceRequest {
  const category = view.category ? ref.category(view.category) : undefined;
  const open = view.open311Status !== 'closed';
  // only what an Open311 client itself sent as media_url is shown; staff photos stay internal
  const fromOpen311 = view.reportedBy?.userId.startsWith(OPEN311_ACTOR_PREFIX) ?? false;
  const media = fromOpen311 ? view.attachments.find((a) => isPublicUrl(a.ref)) : undefined;
  return {
    service_request_id: view.caseId,
    status: open ? 'open' : 'closed',
    status_notes: statusNotes(view),
    service_name: category?.name ?? view.category ?? '',
    service_code: category ? serviceCodeOf(category) : (view.category ?? ''),
    description: redactPublicText(view.description ?? '', namesOf(view)),
    agency_responsible: ref.unitName(view.dispatch?.unitId),
    service_notice: null,
    requested_datetime: view.reportedAt ?? '',
    updated_datetime: (open ? view.updatedAt : (view.closedAt ?? view.updatedAt)) ?? view.reportedAt ?? '',
    // the running deadline of the work order (the step the case is in), while the case is open
    expected_datetime: open ? (view.dispatch?.dueAt ?? null) : null,
    address: view.location?.address !== undefined ? redactPublicText(view.location.address, namesOf(view)) : null,
    address_id: null,
    zipcode: null,
    lat: view.lat,
    long: view.lng,
    media_url: media ? media.ref : null,
  };
}
