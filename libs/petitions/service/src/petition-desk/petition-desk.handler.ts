import { Principal } from '@fengqiao/identity';
import { Deadline } from '@fengqiao/kernel';
import { RegisteredPetition } from '@fengqiao/petitions-domain';
import { jurisdictionFilter } from '@fengqiao/platform';
import { ReadQuery } from '@fengqiao/read-store';
import { OpenedPetitioner, PETITIONER_VIEW, PetitionerDoc } from '../application/petitioners';
import { PetitionsContext } from '../petitions.context';
import { ClockView, PETITION_VIEW, PetitionView } from '../read-models/petition-view';

const DAY_MS = 86_400_000;
export const NEAR_DUE_DAYS = 3;

export interface ClockLine {
  kind: string;
  ruleId: string;
  legalBasis: string | null;
  startAt: string;
  dueAt: string;
  lastDay: string | null;
  shiftedFrom: string | null;
  unit: string;
  duration: number;
  /** whole days left (negative: days overdue) */
  daysLeft: number;
  nearDue: boolean;
  overdue: boolean;
  warned: boolean;
  breached: boolean;
  paused: boolean;
  /** hearing days not counted (§36) */
  excludedDays: number;
  /** the calendar the due date was computed on, and whether its year is still provisional */
  calendarVersion: string;
  provisional: boolean;
}

export function clockLine(c: ClockView, nowMs: number, within = NEAR_DUE_DAYS): ClockLine {
  const left = c.dueAtMs - nowMs;
  return {
    kind: c.kind,
    ruleId: c.ruleId,
    legalBasis: c.legalBasis,
    startAt: c.startAt,
    dueAt: c.dueAt,
    lastDay: c.lastDay,
    shiftedFrom: c.shiftedFrom,
    unit: c.unit,
    duration: c.duration,
    daysLeft: left >= 0 ? Math.ceil(left / DAY_MS) : -Math.ceil(-left / DAY_MS),
    nearDue: left >= 0 && left <= within * DAY_MS,
    overdue: left < 0,
    warned: c.warned,
    breached: c.breached,
    paused: c.paused,
    excludedDays: c.excludedDays,
    calendarVersion: c.calendarVersion,
    provisional: c.provisional === true,
  };
}

const windowLine = (d: Deadline | undefined) =>
  d
    ? {
        ruleId: d.ruleId,
        legalBasis: d.legalBasis ?? null,
        unit: d.unit,
        duration: d.duration,
        startAt: d.startAt,
        dueAt: d.dueAt,
        lastDay: d.lastDay ?? null,
        shiftedFrom: d.shiftedFrom ?? null,
        calendarVersion: d.calendarVersion,
        provisional: d.provisional === true,
      }
    : null;

/** One window as the desk shows it (null where it is not open). */
export type WindowLine = NonNullable<ReturnType<typeof windowLine>>;

/** The petitioner's and the receiving body's windows: objection (§23), review request (§35), re-review request (§36). */
export function windowsOf(s: RegisteredPetition) {
  return {
    objection: windowLine(s.routing?.objectionWindow),
    reviewRequest: windowLine(s.reviewRequestWindow),
    reReviewRequest: windowLine(s.review?.nextWindow),
  };
}

/** A petition as the office's desk lists it. */
export function listItem(v: PetitionView, nowMs: number) {
  return {
    petitionId: v.petitionId,
    revision: v.revision,
    status: v.status,
    statusLabel: v.statusLabel,
    channel: v.channel,
    summary: v.summary,
    matterType: v.matterType,
    receivedAt: v.receivedAt,
    receivingUnitId: v.receivingUnitId,
    currentUnitId: v.currentUnitId,
    source: v.source,
    flags: v.flags,
    representatives: v.representatives,
    clocks: v.clocks.map((c) => clockLine(c, nowMs)),
    jurisdiction: v.jurisdiction,
  };
}

const SUMMARY_PROJECTION = { state: 0, timeline: 0, documents: 0 } as const;

/** The desk's queries, always inside the caller's jurisdiction (filtered in the read store). */
export class PetitionDesk {
  constructor(private readonly ctx: PetitionsContext) {}

  private get store() {
    return this.ctx.runtime.infra.readStore;
  }

  async list(principal: Principal, q: { status?: string; view?: string; limit?: number; skip?: number }) {
    const nowMs = this.ctx.clock.now().getTime();
    const filters: ReadQuery[] = [jurisdictionFilter(principal, 'petition.list')];
    if (q.status) filters.push({ status: q.status });
    if (q.view === 'near_due') filters.push({ nextDueAtMs: { $gte: nowMs, $lte: nowMs + NEAR_DUE_DAYS * DAY_MS } });
    if (q.view === 'overdue') filters.push({ nextDueAtMs: { $lt: nowMs } });
    if (q.view === 'repeat') filters.push({ 'flags.repeat': true });
    if (q.view === 'group_visit') filters.push({ 'flags.groupVisit': true });
    if (q.view === 'supervised') filters.push({ 'flags.supervised': true });
    const query = { $and: filters };
    const limit = q.limit ?? 50;
    const skip = q.skip ?? 0;
    const sort: Record<string, 1 | -1> = q.view === 'near_due' || q.view === 'overdue' ? { nextDueAtMs: 1 } : { receivedAt: -1 };
    const [docs, total, byStatus] = await Promise.all([
      this.store.find<PetitionView>(PETITION_VIEW, query, { sort, limit, skip, projection: SUMMARY_PROJECTION }),
      this.store.count(PETITION_VIEW, query),
      this.store.aggregateCounts(PETITION_VIEW, { $and: [jurisdictionFilter(principal, 'petition.list')] }, 'status'),
    ]);
    return {
      total,
      limit,
      skip,
      byStatus: Object.fromEntries(byStatus.map((b) => [String(b.key), b.count])),
      items: docs.map((d) => listItem(d, nowMs)),
    };
  }

  /** Every running legal clock near its end (within `within` days) or past it. */
  async clocks(principal: Principal, within = NEAR_DUE_DAYS) {
    const nowMs = this.ctx.clock.now().getTime();
    const docs = await this.store.find<PetitionView>(
      PETITION_VIEW,
      { $and: [jurisdictionFilter(principal, 'petition.list'), { nextDueAtMs: { $lte: nowMs + within * DAY_MS } }] },
      { sort: { nextDueAtMs: 1 }, limit: 500, projection: SUMMARY_PROJECTION },
    );
    const nearDue: unknown[] = [];
    const overdue: unknown[] = [];
    for (const d of docs) {
      for (const c of d.clocks) {
        const line = {
          petitionId: d.petitionId,
          status: d.status,
          currentUnitId: d.currentUnitId,
          jurisdiction: d.jurisdiction,
          ...clockLine(c, nowMs, within),
        };
        if (line.overdue) overdue.push(line);
        else if (line.nearDue) nearDue.push(line);
      }
    }
    return { now: new Date(nowMs).toISOString(), within, nearDue, overdue };
  }

  async detail(view: PetitionView) {
    const nowMs = this.ctx.clock.now().getTime();
    const petitioners: (OpenedPetitioner & { jurisdiction: string[] })[] = (await this.ctx.petitioners.openAll(this.store, view.petitionerIds)).map((p) => ({
      ...p,
      jurisdiction: view.jurisdiction,
    }));
    // the fields kept for the server's own queries (the near-due view, the scheduler's ticks) are not the API's
    const {
      state: _state,
      addressKeys: _keys,
      nextDueAtMs: _due,
      nextTimerAtMs: _next,
      nextTimerBucket: _bucket,
      ...rest
    } = view as PetitionView & { _id?: string; _revision?: number; _stream?: string };
    delete (rest as Record<string, unknown>)['_id'];
    delete (rest as Record<string, unknown>)['_revision'];
    delete (rest as Record<string, unknown>)['_stream'];
    return {
      ...rest,
      clocks: view.clocks.map((c) => clockLine(c, nowMs)),
      windows: windowsOf(view.state),
      petitioners,
      documents: view.documents.map((d) => ({ kind: d.kind, at: d.at, legalBasis: d.legalBasis, href: `/petitions/${view.petitionId}/documents/${d.kind}` })),
    };
  }

  /** Other petitions of the same petitioners or from the same address, inside the caller's jurisdiction. */
  async related(principal: Principal, view: PetitionView) {
    const nowMs = this.ctx.clock.now().getTime();
    const scope = jurisdictionFilter(principal, 'petition.list');
    const others = { petitionId: { $ne: view.petitionId } };
    const samePetitioner = view.petitionerIds.length
      ? await this.store.find<PetitionView>(
          PETITION_VIEW,
          { $and: [scope, others, { petitionerIds: { $in: view.petitionerIds } }] },
          { limit: 100, projection: SUMMARY_PROJECTION },
        )
      : [];
    const sameAddress = view.addressKeys.length
      ? await this.store.find<PetitionView>(
          PETITION_VIEW,
          { $and: [scope, others, { addressKeys: { $in: view.addressKeys } }] },
          { limit: 100, projection: SUMMARY_PROJECTION },
        )
      : [];
    return {
      petitionId: view.petitionId,
      samePetitioner: samePetitioner.map((d) => listItem(d, nowMs)),
      sameAddress: sameAddress.map((d) => listItem(d, nowMs)),
    };
  }

  async petitionerCount(): Promise<number> {
    return this.store.count(PETITIONER_VIEW, {});
  }

  async petitioner(id: string) {
    return this.store.get<PetitionerDoc>(PETITIONER_VIEW, id);
  }
}
