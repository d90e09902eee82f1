/**
 * The OpenAPI schemas of the board and the work queues (what a client generated in another language
 * reads). They name every field a response carries: a client generated with strict models (Java's
 * okhttp-gson, Jackson by default) refuses a body with a field its model lacks. The fields the server
 * keeps for its own queries (epoch-millisecond copies, the scheduler's buckets) are left out of the
 * responses instead (`item` in read-models.http.controller.ts). The standalone app's OpenAPI test
 * checks real responses against them, undeclared fields included (services/standalone/src/openapi.spec.ts).
 */
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { GRID_CASE_STATUS_LABEL, GRID_CASE_STEPS } from '@fengqiao/grid-dispatch-domain';
import { propertiesOf } from '@fengqiao/platform';
import { QUEUE_KINDS, type DeadlineMarker, type SupervisionView, type TimelineEntry } from './grid-case-view.projection';
import type { CaseListItem, CaseTimer } from './read-models.http.controller';

const instant: SchemaObject = { type: 'string', format: 'date-time' };
const nullableString: SchemaObject = { type: 'string', nullable: true };

const timer: SchemaObject = {
  type: 'object',
  nullable: true,
  description: '当前步骤的时限 (the running deadline of the current step)',
  required: [
    'timerId',
    'step',
    'stepLabel',
    'ruleId',
    'duration',
    'unit',
    'startAt',
    'dueAt',
    'calendarId',
    'calendarVersion',
    'calendarNote',
    'warned',
    'breached',
  ],
  properties: propertiesOf<CaseTimer>({
    timerId: { type: 'string' },
    step: { type: 'string', enum: [...GRID_CASE_STEPS] },
    stepLabel: { type: 'string' },
    ruleId: { type: 'string' },
    legalBasis: { type: 'string', description: '依据 (legal basis)' },
    duration: { type: 'number' },
    unit: { type: 'string', description: 'working_days, working_hours, natural_days …' },
    startAt: instant,
    dueAt: instant,
    warnAt: instant,
    calendarId: { type: 'string' },
    calendarVersion: { type: 'string' },
    provisional: { type: 'boolean', description: '按暂定日历计算，可能还会变 (computed on a provisional calendar)' },
    calendarNote: { type: 'string' },
    warned: { type: 'boolean' },
    breached: { type: 'boolean' },
  }),
};

const supervision: SchemaObject = {
  type: 'object',
  required: ['supervisionId', 'level', 'issuedAt', 'issuedBy'],
  properties: propertiesOf<SupervisionView>({
    supervisionId: { type: 'string' },
    level: { type: 'string' },
    opinion: { type: 'string' },
    issuedAt: instant,
    issuedBy: { type: 'string' },
    answer: { type: 'string' },
    answeredAt: instant,
  }),
};

const caseListItem: SchemaObject = {
  type: 'object',
  required: [
    'caseId',
    'status',
    'statusLabel',
    'category',
    'urgency',
    'gridId',
    'level',
    'unitId',
    'filedAt',
    'updatedAt',
    'timer',
    'queueKind',
    'awaiting',
    'revision',
    'overdue',
  ],
  properties: propertiesOf<CaseListItem>({
    caseId: { type: 'string' },
    status: { type: 'string', enum: Object.keys(GRID_CASE_STATUS_LABEL) },
    statusLabel: { type: 'string', description: '状态（中文） (status label)' },
    category: { type: 'string' },
    urgency: { type: 'string' },
    gridId: nullableString,
    level: { type: 'string', description: 'village, town or district' },
    unitId: { ...nullableString, description: '承办单位 (the unit handling it)' },
    jurisdiction: { type: 'array', items: { type: 'string' } },
    filedAt: instant,
    openedAt: instant,
    updatedAt: instant,
    timer,
    queueKind: { type: 'string', nullable: true, enum: [...Object.keys(QUEUE_KINDS), null] },
    awaiting: { type: 'string', nullable: true, enum: ['centre', 'unit', null], description: '等谁处理 (whose move it is)' },
    inRework: { type: 'boolean' },
    supervisions: { type: 'array', items: supervision },
    openSupervisions: { type: 'integer' },
    reworkCount: { type: 'integer' },
    extensionCount: { type: 'integer' },
    breachCount: { type: 'integer' },
    reopenCount: { type: 'integer' },
    revision: { type: 'integer', description: '读到的版本，即 ETag (the revision: send it as If-Match)' },
    overdue: { type: 'boolean', description: '按 now 判定是否超期 (overdue at `now`)' },
  }),
};

const page = (items: SchemaObject, countKey: 'status' | 'kind'): SchemaObject => ({
  type: 'object',
  required: ['now', 'items', 'total', 'page', 'pageSize', 'counts'],
  properties: {
    now: { ...instant, description: '判定超期的时刻 (the instant "overdue" was judged at)' },
    items: { type: 'array', items },
    total: { type: 'integer' },
    page: { type: 'integer' },
    pageSize: { type: 'integer' },
    counts: {
      type: 'array',
      items: {
        type: 'object',
        required: [countKey, 'label', 'count'],
        properties: { [countKey]: { type: 'string' }, label: { type: 'string' }, count: { type: 'integer' } },
      },
    },
  },
});

const timelineEntry: SchemaObject = {
  type: 'object',
  required: ['revision', 'eventId', 'type', 'label', 'at', 'recordedAt', 'actor', 'statusAfter', 'statusLabel'],
  properties: propertiesOf<TimelineEntry>({
    revision: { type: 'integer' },
    eventId: { type: 'string' },
    type: { type: 'string', description: '事件类型 (event type)' },
    label: { type: 'string', description: '步骤（中文） (step label)' },
    at: { type: 'string', description: '业务时间 (business time)' },
    recordedAt: instant,
    actor: {
      type: 'object',
      required: ['userId', 'role', 'unitId'],
      properties: { userId: { type: 'string' }, role: { type: 'string' }, unitId: { type: 'string' } },
    },
    reason: { type: 'string' },
    text: { type: 'string', description: '本步的文字：进展、结果、核查意见、答复等 (the step’s own text)' },
    attachments: {
      type: 'array',
      items: {
        type: 'object',
        required: ['ref'],
        properties: { ref: { type: 'string' }, mediaType: { type: 'string' }, name: { type: 'string' } },
      },
    },
    unitId: { type: 'string' },
    legalBasis: { type: 'string' },
    statusAfter: { type: 'string', enum: Object.keys(GRID_CASE_STATUS_LABEL) },
    statusLabel: { type: 'string' },
    deadline: {
      type: 'object',
      required: ['kind', 'timerId'],
      properties: propertiesOf<DeadlineMarker>({
        kind: { type: 'string', enum: ['started', 'warned', 'breached', 'paused', 'revised'] },
        timerId: { type: 'string' },
        step: { type: 'string', enum: [...GRID_CASE_STEPS] },
        stepLabel: { type: 'string' },
        dueAt: instant,
        warnAt: instant,
        ruleId: { type: 'string' },
        legalBasis: { type: 'string' },
        calendar: { type: 'string' },
        provisional: { type: 'boolean' },
        calendarNote: { type: 'string', description: '日历说明，如暂定待公布的放假安排 (the calendar the due date was counted on)' },
        previousDueAt: { ...instant, description: '修订前的到期时间（kind 为 revised） (the due date before a revision)' },
        previousCalendar: { type: 'string', description: '修订前的日历 (the calendar before a revision)' },
      }),
    },
    escalation: {
      type: 'object',
      required: ['from', 'to', 'cause'],
      properties: { from: { type: 'string' }, to: { type: 'string' }, cause: { type: 'string' } },
    },
    supervisionId: { type: 'string' },
    rating: { type: 'number' },
    satisfied: { type: 'boolean' },
    duplicateOf: { type: 'string' },
    referredTo: { type: 'string' },
  }),
};

export const BOARD_RESPONSE_SCHEMA: SchemaObject = page(caseListItem, 'status');

export const QUEUE_RESPONSE_SCHEMA: SchemaObject = page(
  {
    allOf: [
      caseListItem,
      {
        type: 'object',
        required: ['waitingFor'],
        properties: {
          waitingFor: { type: 'array', items: { type: 'string', enum: [...Object.keys(QUEUE_KINDS), 'supervision'] } },
          suggestedUnitId: { type: 'string', description: '按现行分派规则建议的承办单位 (the unit today’s routing table would choose)' },
        },
      },
    ],
  },
  'kind',
);

/** A case with its whole timeline, and what intake published about the report once it arrived. */
export const CASE_DETAIL_SCHEMA: SchemaObject = {
  allOf: [
    caseListItem,
    {
      type: 'object',
      required: ['timeline'],
      properties: {
        timeline: { type: 'array', items: timelineEntry, description: '全过程，由早到晚 (every step, oldest first)' },
        report: {
          type: 'object',
          description: '上报内容（受理端的事件到达后才有） (the report, once intake’s event arrived)',
          required: ['channel', 'description', 'reportedAt'],
          properties: { channel: { type: 'string' }, description: { type: 'string' }, reportedAt: { type: 'string' } },
        },
      },
    },
  ],
};
