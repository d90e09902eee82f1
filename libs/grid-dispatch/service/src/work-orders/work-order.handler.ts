import {
  createGridCaseDecider,
  DeadlineRuleEntry,
  GridCaseCommand,
  GridCaseEvent,
  GridCaseState,
  toGridCaseStreamId,
} from '@fengqiao/grid-dispatch-domain';
import { EventStore, StoredEvent, StreamRevision } from '@fengqiao/event-store';
import { Decider, WorkingCalendar } from '@fengqiao/kernel';
import { CommandHandlerDeps, handleCommand, HandleOptions, HandleResult, loadState } from '@fengqiao/platform';
import { pathOfUnit, unionPaths, UnitDirectory } from '../directory/unit-directory';
import { TableVersion, VersionedTable } from '../reference-data/versioned-table';

/**
 * The work order's state after an event, stored on the event as `data.after` by the service (not
 * by the decider): the published integration events are snapshots (libs/contracts
 * `WorkOrderEventData`), and the relay maps one stored event at a time without reading the
 * stream, so each stored event carries what its snapshot needs. Covered by the hash chain like the
 * rest of the event; `evolve` ignores it.
 */
export interface WorkOrderSnapshot {
  status: string;
  category: string;
  urgency: string;
  gridId: string | null;
  level: string;
  unitId: string | null;
  /** the step being timed after the event, and when it falls due */
  step: string | null;
  dueAt: string | null;
  /** supervisions not yet answered */
  supervised: number;
}

export function snapshotOf(state: GridCaseState): WorkOrderSnapshot | null {
  if (state.status === 'none') return null;
  const o = state.order;
  return {
    status: state.status,
    category: o.category,
    urgency: o.urgency,
    gridId: o.gridId,
    level: o.level,
    unitId: o.unitId,
    step: o.timer?.step ?? null,
    dueAt: o.timer?.deadline.dueAt ?? null,
    supervised: o.supervisions.filter((s) => s.answeredAt === undefined).length,
  };
}

/** The decider with each decided event carrying the snapshot of the state after it. */
export function withSnapshots(inner: Decider<GridCaseState, GridCaseCommand, GridCaseEvent>): Decider<GridCaseState, GridCaseCommand, GridCaseEvent> {
  return {
    initialState: inner.initialState,
    evolve: inner.evolve,
    decide(command, state) {
      let s = state;
      return inner.decide(command, state).map((e) => {
        s = inner.evolve(s, e);
        return { ...e, data: { ...e.data, after: snapshotOf(s) } } as unknown as GridCaseEvent;
      });
    },
  };
}

export interface LoadedWorkOrder {
  state: GridCaseState;
  revision: StreamRevision;
  /** jurisdiction recorded on the last event (location path + handling unit's path) */
  jurisdiction: string[];
  events: StoredEvent[];
}

export interface ExecuteOptions extends HandleOptions {
  /** unit path of where the case is (only for OpenWorkOrder; later read from the stream's first event) */
  location?: string[];
}

/**
 * Runs work-order commands: load the stream, decide with the deadline table in force, append with
 * the expected revision (platform `handleCommand`). The events' `jurisdiction` is the case's
 * location path followed by the path of the unit handling it (@fengqiao/identity `jurisdictionOf`).
 */
export class WorkOrderHandler {
  private decider?: { version: number; calendar: WorkingCalendar; decider: Decider<GridCaseState, GridCaseCommand, GridCaseEvent> };

  constructor(
    private readonly store: EventStore,
    private readonly deadlineRules: VersionedTable<DeadlineRuleEntry>,
    /** the calendar in force (it changes when a holiday notice is loaded) */
    private readonly calendar: () => WorkingCalendar,
    private readonly directory: () => UnitDirectory | undefined,
    private readonly onAppended: (lastPosition: number) => void,
  ) {}

  /** The decider for the deadline table and calendar in force (rebuilt when either changes). */
  async currentDecider(): Promise<Decider<GridCaseState, GridCaseCommand, GridCaseEvent>> {
    const table: TableVersion<DeadlineRuleEntry> | null = await this.deadlineRules.current();
    const version = table?.version ?? 0;
    const calendar = this.calendar();
    if (!this.decider || this.decider.version !== version || this.decider.calendar !== calendar) {
      this.decider = { version, calendar, decider: withSnapshots(createGridCaseDecider({ deadlineRules: table?.rules ?? [], calendar })) };
    }
    return this.decider.decider;
  }

  async load(caseId: string): Promise<LoadedWorkOrder> {
    const decider = await this.currentDecider();
    const { state, revision, events } = await loadState(this.deps(decider, []), toGridCaseStreamId(caseId));
    return { state, revision, events, jurisdiction: events.length ? [...events[events.length - 1].jurisdiction] : [] };
  }

  async execute(command: GridCaseCommand, options: ExecuteOptions = {}): Promise<HandleResult<GridCaseState>> {
    const streamId = toGridCaseStreamId(command.data.caseId);
    let location = options.location;
    if (!location) {
      const [first] = await this.store.readStream(streamId, { maxCount: 1 });
      location = first ? [...first.jurisdiction] : [];
    }
    const decider = await this.currentDecider();
    const result = await handleCommand(this.deps(decider, location), streamId, command, options);
    if (result.lastPosition !== undefined) this.onAppended(result.lastPosition);
    return result;
  }

  private deps(
    decider: Decider<GridCaseState, GridCaseCommand, GridCaseEvent>,
    location: string[],
  ): CommandHandlerDeps<GridCaseState, GridCaseCommand, GridCaseEvent> {
    return {
      store: this.store,
      decider,
      jurisdictionOf: (state) => {
        const unitId = state.status === 'none' ? null : state.order.unitId;
        return unitId ? unionPaths(location, pathOfUnit(this.directory(), unitId)) : [...location];
      },
    };
  }
}
