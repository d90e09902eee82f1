import { Inject, Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { DomainError, NotFoundError, ValidationError } from '@fengqiao/kernel';
import { ReadQuery } from '@fengqiao/read-store';
import { CASE_VIEW, CaseView, INTAKE_STATUSES, Open311Status } from '../case-view/case-view';
import { withoutMeta } from '../case-view/case-view.store';
import { isFullView } from '../application/case.response';
import { IntakeCases } from '../application/intake-cases';
import { INTAKE_CONTEXT, IntakeContext, Open311ApiKey } from '../intake.options';
import { ReportCaseHandler } from '../report-case/report-case.handler';
import { fieldDetails } from '../reference/intake-reference';
import {
  OPEN311_SPECIFICATION,
  Open311Service,
  Open311ServiceDefinition,
  Open311ServiceRequest,
  publicCategories,
  toOpen311Request,
  toOpen311Service,
} from './open311.mapper';
import { Open311ListQuery, Open311PostRequest } from './open311.request.dto';

export const MAX_SPAN_DAYS = 90;
export const MAX_REQUESTS = 1000;
const DAY_MS = 86_400_000;
/** W3C date-time profile (ISO 8601): a date, or a date and time with a zone (Z or ±hh:mm). */
const W3C_DATETIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

export interface Open311Discovery {
  changeset: string;
  contact: string;
  key_service: string;
  endpoints: { specification: string; url: string; changeset: string; type: 'production' | 'test'; formats: string[] }[];
}

export interface Open311PostResponse {
  service_request_id: string;
  service_notice: string;
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** Which configured key this is (compared in constant time), or undefined. */
export function matchApiKey(keys: readonly Open311ApiKey[], given: string): Open311ApiKey | undefined {
  const g = digest(given);
  let found: Open311ApiKey | undefined;
  for (const k of keys) if (timingSafeEqual(digest(k.key), g) && !found) found = k;
  return found;
}

function parseDate(value: string, field: string): number {
  const ms = W3C_DATETIME.test(value.trim()) ? Date.parse(value.trim()) : NaN;
  if (Number.isNaN(ms)) {
    const message = `${field} 须为 W3C 日期时间，例如 2025-03-01T00:00:00+08:00`;
    throw new ValidationError('OPEN311.INVALID_DATE', message, fieldDetails(field, 'w3cDatetime', message));
  }
  return ms;
}

const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * Open311 GeoReport v2 (domain notes §1) over the intake view: discovery, services (our categories
 * that are public), service requests (cases of public categories, whoever reported them, without
 * anything about the reporter) and POST (a report through the `online` channel, received by the
 * configured receiving centre, authenticated by an API key).
 */
@Injectable()
export class Open311Handler {
  constructor(
    @Inject(IntakeCases) private readonly cases: IntakeCases,
    @Inject(INTAKE_CONTEXT) private readonly ctx: IntakeContext,
    @Inject(ReportCaseHandler) private readonly report: ReportCaseHandler,
  ) {}

  /** 404 unless the request names no jurisdiction or ours (one jurisdiction per endpoint). */
  checkJurisdiction(jurisdictionId: string | undefined): void {
    if (jurisdictionId !== undefined && jurisdictionId.trim() !== '' && jurisdictionId.trim() !== this.ctx.open311.jurisdictionId) {
      throw new NotFoundError('OPEN311.JURISDICTION_NOT_FOUND', `jurisdiction_id 不存在：${jurisdictionId}（本接口为 ${this.ctx.open311.jurisdictionId}）`);
    }
  }

  discovery(requestBaseUrl: string): Open311Discovery {
    const o = this.ctx.open311;
    const version = this.cases.reference.version;
    return {
      changeset: version,
      contact: o.contact,
      key_service: o.keyService,
      endpoints: [
        {
          specification: OPEN311_SPECIFICATION,
          url: o.baseUrl ?? requestBaseUrl,
          changeset: version,
          type: o.endpointType,
          formats: ['text/xml', 'application/json'],
        },
      ],
    };
  }

  services(): Open311Service[] {
    return publicCategories(this.cases.reference).map(toOpen311Service);
  }

  /**
   * Every service has `metadata: false` (no attributes). The spec defines this call only for
   * services with metadata; we answer a known service with an empty definition
   * (`{ service_code, attributes: [] }`) and an unknown one with 404.
   */
  serviceDefinition(serviceCode: string): Open311ServiceDefinition {
    const category = this.cases.reference.categoryByServiceCode(serviceCode);
    if (!category) throw new NotFoundError('OPEN311.SERVICE_NOT_FOUND', `service_code 不存在：${serviceCode}`);
    return { service_code: serviceCode, attributes: [] };
  }

  async requests(query: Open311ListQuery): Promise<Open311ServiceRequest[]> {
    this.checkJurisdiction(query.jurisdiction_id);
    const ref = this.cases.reference;
    const publicCodes = publicCategories(ref).map((c) => c.code);
    const conditions: ReadQuery[] = [{ status: { $in: [...INTAKE_STATUSES] } }, { category: { $in: publicCodes } }];
    const ids = list(query.service_request_id);
    if (ids.length > 0) {
      if (ids.length > MAX_REQUESTS) throw new ValidationError('OPEN311.TOO_MANY_IDS', `service_request_id 最多 ${MAX_REQUESTS} 个`);
      conditions.push({ caseId: { $in: ids } });
    } else {
      const now = this.ctx.clock.now().getTime();
      const start = query.start_date !== undefined ? parseDate(query.start_date, 'start_date') : undefined;
      const end = query.end_date !== undefined ? parseDate(query.end_date, 'end_date') : undefined;
      const to = end ?? (start !== undefined ? start + MAX_SPAN_DAYS * DAY_MS : now);
      const from = start ?? to - MAX_SPAN_DAYS * DAY_MS;
      if (to < from)
        throw new ValidationError(
          'OPEN311.INVALID_RANGE',
          'end_date 不能早于 start_date',
          fieldDetails('end_date', 'afterStart', 'end_date 不能早于 start_date'),
        );
      if (to - from > MAX_SPAN_DAYS * DAY_MS) {
        const message = `start_date 与 end_date 相差不能超过 ${MAX_SPAN_DAYS} 天`;
        throw new ValidationError('OPEN311.RANGE_TOO_LONG', message, fieldDetails('end_date', 'maxSpan', message));
      }
      conditions.push({ reportedAtMs: { $gte: from, $lte: to } });
      const codes = list(query.service_code);
      if (codes.length > 0) {
        conditions.push({ category: { $in: codes.map((c) => ref.categoryByServiceCode(c)?.code).filter((c): c is string => c !== undefined) } });
      }
      const statuses = list(query.status);
      if (statuses.some((s) => s !== 'open' && s !== 'closed')) {
        throw new ValidationError(
          'OPEN311.INVALID_STATUS',
          'status 须为 open 或 closed',
          fieldDetails('status', 'open311Status', 'status 须为 open 或 closed'),
        );
      }
      if (statuses.length > 0) conditions.push({ open311Status: { $in: statuses as Open311Status[] } });
    }
    const pageSize = query.page_size !== undefined ? Number(query.page_size) : MAX_REQUESTS;
    const page = query.page !== undefined ? Number(query.page) : 1;
    const docs = await this.cases.runtime.infra.readStore.find<CaseView>(
      CASE_VIEW,
      { $and: conditions },
      {
        sort: { reportedAtMs: -1 },
        skip: (page - 1) * pageSize,
        limit: pageSize,
      },
    );
    return docs
      .map(withoutMeta)
      .filter(isFullView)
      .map((v) => toOpen311Request(v, ref));
  }

  async request(id: string): Promise<Open311ServiceRequest[]> {
    const ref = this.cases.reference;
    const doc = await this.cases.view(id);
    const view = doc ? withoutMeta(doc) : null;
    if (!isFullView(view) || view.category === null || ref.category(view.category)?.open311 === false) {
      throw new NotFoundError('OPEN311.REQUEST_NOT_FOUND', `service_request_id 不存在：${id}`);
    }
    return [toOpen311Request(view, ref)];
  }

  async post(body: Open311PostRequest, correlationId: string | undefined): Promise<Open311PostResponse[]> {
    if (body.api_key === undefined || body.api_key.trim() === '') {
      throw new ValidationError('OPEN311.API_KEY_REQUIRED', 'api_key 必填', fieldDetails('api_key', 'required', 'api_key 必填'));
    }
    const key = matchApiKey(this.ctx.open311.apiKeys, body.api_key.trim());
    if (!key) throw new DomainError('OPEN311.API_KEY_INVALID', 'api_key 无效', 'forbidden');
    this.checkJurisdiction(body.jurisdiction_id);
    const category = this.cases.reference.categoryByServiceCode(body.service_code.trim());
    if (!category) throw new NotFoundError('OPEN311.SERVICE_NOT_FOUND', `service_code 不存在：${body.service_code}`);
    const name = nameOf(body.first_name, body.last_name);
    const phone = body.phone?.trim() || undefined;
    const result = await this.report.handle(
      {
        channel: 'online',
        category: category.code,
        description: body.description,
        location: {
          ...(body.lat !== undefined && body.long !== undefined ? { point: { lat: body.lat, lng: body.long } } : {}),
          ...(body.address_string !== undefined ? { address: body.address_string } : {}),
        },
        urgency: 'normal',
        reporter: { anonymous: name === undefined && phone === undefined, ...(name ? { name } : {}), ...(phone ? { phone } : {}) },
        ...(body.media_url ? { attachments: [{ ref: body.media_url }] } : {}),
      },
      { kind: 'open311', label: key.label },
      correlationId,
    );
    const where = result.gridId ? this.cases.reference.unitName(result.gridId) : null;
    return [
      {
        service_request_id: result.caseId,
        service_notice: where ? `已收到，已按位置分到${where}，由所在村居（社区）综治中心受理` : '已收到，暂未能根据位置确定所属网格，将由区综治中心人工分派',
      },
    ];
  }
}

/** 张 + 三 → 张三 (Chinese order, no space); Jane + Doe → Jane Doe. */
export function nameOf(first: string | undefined, last: string | undefined): string | undefined {
  const f = first?.trim() ?? '';
  const l = last?.trim() ?? '';
  if (!f && !l) return undefined;
  const cjk = /[\u3400-\u9fff]/.test(f + l);
  return cjk ? `${l}${f}` : [f, l].filter(Boolean).join(' ');
}
