import { Principal } from '@fengqiao/identity';
import { newId, ValidationError } from '@fengqiao/kernel';
import { actorOf, assertInJurisdiction, jurisdictionFilter } from '@fengqiao/platform';
import type { PetitionsContext } from '../petitions.context';
import { listItem } from '../petition-desk/petition-desk.handler';
import { PETITION_VIEW, PetitionView } from '../read-models/petition-view';
import {
  RECEPTION_DAY_CANCELLED,
  RECEPTION_DAY_SCHEDULED,
  RECEPTION_DAYS,
  RECEPTION_POINT_DEFINED,
  RECEPTION_POINTS,
  ReceptionDay,
  ReceptionPoint,
  toReceptionDayStreamId,
  toReceptionPointStreamId,
} from '../read-models/reception-views';
import { DefineReceptionPointRequest, ScheduleReceptionDayRequest } from './reception.request.dto';

/** 家门口信访: reception points and leaders' reception days as reference data; the public schedule; what a day produced. */
export class Reception {
  constructor(private readonly ctx: PetitionsContext) {}

  private get store() {
    return this.ctx.runtime.infra.readStore;
  }

  private async append(streamId: string, type: string, principal: Principal, jurisdiction: string[], data: Record<string, unknown>): Promise<void> {
    const at = this.ctx.now();
    const correlationId = newId();
    await this.ctx.runtime.infra.events.append(
      streamId,
      [
        {
          id: newId(),
          type,
          schemaVersion: 1,
          occurredAt: at,
          actor: actorOf(principal, 'petition.reception'),
          correlationId,
          causationId: correlationId,
          jurisdiction,
          data,
        },
      ],
      { expectedRevision: 'any' },
    );
    await this.ctx.caughtUp();
  }

  async definePoint(principal: Principal, body: DefineReceptionPointRequest): Promise<ReceptionPoint> {
    this.ctx.units.require(body.unitId, 'unitId');
    const jurisdiction = this.ctx.units.pathOf(body.unitId);
    assertInJurisdiction(principal, jurisdiction, 'petition.reception', { type: 'reception_point' });
    const pointId = newId();
    await this.append(toReceptionPointStreamId(pointId), RECEPTION_POINT_DEFINED, principal, jurisdiction, {
      pointId,
      ...body,
      openHours: body.openHours ?? '',
    });
    return (await this.store.get<ReceptionPoint>(RECEPTION_POINTS, pointId)) as ReceptionPoint;
  }

  async scheduleDay(principal: Principal, body: ScheduleReceptionDayRequest): Promise<ReceptionDay> {
    const point = await this.store.get<ReceptionPoint>(RECEPTION_POINTS, body.pointId);
    if (!point) throw new ValidationError('PETITIONS.UNKNOWN_RECEPTION_POINT', `接访点不存在：${body.pointId}`, { field: 'pointId' });
    assertInJurisdiction(principal, point.jurisdiction, 'petition.reception', { type: 'reception_point', id: point.pointId });
    if (body.endTime <= body.startTime) throw new ValidationError('PETITIONS.INVALID_TIME_RANGE', '结束时间须晚于开始时间', { field: 'endTime' });
    const dayId = newId();
    await this.append(toReceptionDayStreamId(dayId), RECEPTION_DAY_SCHEDULED, principal, point.jurisdiction, {
      dayId,
      ...body,
      pointName: point.name,
      unitId: point.unitId,
    });
    return (await this.store.get<ReceptionDay>(RECEPTION_DAYS, dayId)) as ReceptionDay;
  }

  async cancelDay(principal: Principal, dayId: string): Promise<ReceptionDay> {
    const day = await this.dayFor(principal, dayId, 'petition.reception');
    await this.append(toReceptionDayStreamId(dayId), RECEPTION_DAY_CANCELLED, principal, day.jurisdiction, { dayId });
    return (await this.store.get<ReceptionDay>(RECEPTION_DAYS, dayId)) as ReceptionDay;
  }

  /** The public schedule: points and the leaders' reception days ahead (staff names are public, no party data). */
  async schedule(from: string | undefined, days = 30) {
    const start = from ?? new Date(this.ctx.clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10);
    const end = new Date(Date.parse(`${start}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
    const [points, receptionDays] = await Promise.all([
      this.store.find<ReceptionPoint>(RECEPTION_POINTS, {}, { sort: { unitId: 1, name: 1 }, limit: 500 }),
      this.store.find<ReceptionDay>(RECEPTION_DAYS, { date: { $gte: start, $lt: end }, cancelled: false }, { sort: { date: 1, startTime: 1 }, limit: 500 }),
    ]);
    const strip = <T extends { jurisdiction: string[] }>(d: T) => {
      const { jurisdiction: _j, _id: _i, _revision: _r, ...rest } = d as T & { _id?: string; _revision?: number };
      return rest;
    };
    return { from: start, until: end, points: points.map(strip), days: receptionDays.map(strip) };
  }

  private async dayFor(principal: Principal, dayId: string, action: 'petition.reception' | 'petition.list'): Promise<ReceptionDay> {
    const day = await this.store.get<ReceptionDay>(RECEPTION_DAYS, dayId);
    if (!day) throw new ValidationError('PETITIONS.UNKNOWN_RECEPTION_DAY', `领导接访日不存在：${dayId}`, { field: 'dayId' });
    assertInJurisdiction(principal, day.jurisdiction, action, { type: 'reception_day', id: dayId });
    return day;
  }

  /** What a reception day produced: the petitions taken at it, inside the caller's jurisdiction. */
  async dayReport(principal: Principal, dayId: string) {
    const day = await this.dayFor(principal, dayId, 'petition.list');
    const nowMs = this.ctx.clock.now().getTime();
    const docs = await this.store.find<PetitionView>(
      PETITION_VIEW,
      { $and: [jurisdictionFilter(principal, 'petition.list'), { 'source.dayId': dayId }] },
      { sort: { receivedAt: 1 }, limit: 500, projection: { state: 0, timeline: 0, documents: 0 } },
    );
    const byStatus: Record<string, number> = {};
    for (const d of docs) byStatus[d.status] = (byStatus[d.status] ?? 0) + 1;
    return { day, petitions: docs.length, groupVisits: docs.filter((d) => d.flags.groupVisit).length, byStatus, items: docs.map((d) => listItem(d, nowMs)) };
  }
}
