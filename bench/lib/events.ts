/**
 * The events every contender writes: the same envelope and payload for ours, Emmett and the raw
 * baselines, so the rows differ only in what each store adds. The payload is a grid-case report of
 * about 400 bytes of JSON (Chinese text, a location, a few fields), typical of what the services append.
 */
import { newId, type Actor } from '@fengqiao/kernel';
import type { NewEvent } from '@fengqiao/event-store';

const ACTOR: Actor = { userId: 'grid-worker-0042', role: 'grid_worker', unitId: 'village-12' };
const JURISDICTION = ['district-1', 'town-3', 'village-12'];
const OCCURRED_AT = '2026-11-20T09:30:00+08:00';

export type BenchEventData = {
  seq: number;
  caseId: string;
  title: string;
  description: string;
  category: string;
  location: { lng: number; lat: number; address: string };
  reporter: { name: string; phoneMasked: string };
  tags: string[];
};

export type BenchEvent = NewEvent<'GridCaseNoted', BenchEventData>;

let sequence = 0;

export function makeEvent(streamId: string): BenchEvent {
  sequence += 1;
  const id = newId();
  return {
    id,
    type: 'GridCaseNoted',
    schemaVersion: 1,
    occurredAt: OCCURRED_AT,
    actor: ACTOR,
    correlationId: streamId,
    causationId: id,
    jurisdiction: JURISDICTION,
    data: {
      seq: sequence,
      caseId: streamId,
      title: '小区东门垃圾堆放，影响通行',
      description: `网格员巡查发现东门外建筑垃圾堆放约三立方米，已拍照取证，第 ${sequence} 次记录。`,
      category: 'environment.sanitation',
      location: { lng: 120.2155 + (sequence % 100) / 1e5, lat: 30.2084, address: '枫桥镇枫源村东门' },
      reporter: { name: '王某', phoneMasked: '138****5678' },
      tags: ['巡查', '环境卫生'],
    },
  };
}

export function makeEvents(streamId: string, count: number): BenchEvent[] {
  return Array.from({ length: count }, () => makeEvent(streamId));
}

/** The trivial evolve of the read-and-fold workload: counts events and keeps the last sequence. */
export interface FoldState {
  count: number;
  lastSeq: number;
}

export const initialFoldState = (): FoldState => ({ count: 0, lastSeq: 0 });

export function evolveFold(state: FoldState, data: { seq: number }): FoldState {
  return { count: state.count + 1, lastSeq: data.seq };
}
