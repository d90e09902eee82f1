/**
 * The reference data intake works with: categories (事件类别, also published as Open311 services),
 * the directory's units and grid boundaries (to find a report's grid and its jurisdiction), an
 * address → grid table (fallback when a report has no usable point), and the unit that receives
 * reports from nobody's unit (Open311 clients). It is configuration, not code: standalone loads the
 * demo district (`demoReference()`), a deployment passes its own (`IntakeModule.register`).
 */
import { CentreLevel, DuplicatePolicy, GeoPoint } from '@fengqiao/intake-domain';
import { ValidationError } from '@fengqiao/kernel';
import { AddressEntry, AddressIndex } from './address-index';

export interface IntakeCategory {
  /** the grid case's `category`, stable, e.g. `fire_lane_blocked` */
  code: string;
  /** Chinese display name, e.g. 消防通道堵塞 */
  name: string;
  description?: string;
  group?: string;
  keywords?: readonly string[];
  /** Open311 `service_code`; default `code` */
  open311ServiceCode?: string;
  /** false: not offered nor listed through Open311 (e.g. sensitive matters); default true */
  open311?: boolean;
  /** per-category duplicate suggestion settings; default the reference's `duplicatePolicy` */
  duplicatePolicy?: DuplicatePolicy;
}

/** What intake needs of the directory (a `DirectorySnapshot` of @fengqiao/identity fits). */
export interface UnitInfo {
  id: string;
  kind: string;
  name: string;
  parentId: string | null;
  retired?: boolean;
}

export interface UnitLookup {
  unit(id: string): UnitInfo | undefined;
  /** ids from the district down to the unit; empty when unknown */
  pathOf(id: string): string[];
  /** the grid whose boundary holds [lon, lat] (WGS84), if any */
  gridAt(point: [number, number]): { id: string } | undefined;
}

export interface IntakeReference {
  /** sortable version of this reference data (Open311 discovery `changeset`), e.g. an ISO time */
  version: string;
  categories: readonly IntakeCategory[];
  /** the directory in force now (called for every look-up, so a live directory can be given) */
  directory(): UnitLookup;
  /** known addresses with their grid (see address-index.ts for the matching rules) */
  addresses: readonly AddressEntry[];
  /** the centre that receives reports without a unit of their own (Open311) and cannot be located */
  receivingUnitId: string;
  /** default duplicate suggestion settings */
  duplicatePolicy?: DuplicatePolicy;
}

export const DEFAULT_DUPLICATE_POLICY: DuplicatePolicy = { radiusMetres: 200, windowHours: 72, limit: 5 };

const CENTRE_KINDS: readonly string[] = ['district', 'town', 'village'];

export type LocatedBy = 'point' | 'address' | null;

export interface Location {
  gridId: string | null;
  locatedBy: LocatedBy;
}

/** Look-ups over one IntakeReference. */
export class ReferenceData {
  private readonly byCode = new Map<string, IntakeCategory>();
  private readonly byServiceCode = new Map<string, IntakeCategory>();
  private readonly addresses: AddressIndex;

  constructor(readonly reference: IntakeReference) {
    for (const c of reference.categories) {
      if (this.byCode.has(c.code)) throw new Error(`intake reference: category ${c.code} listed twice`);
      this.byCode.set(c.code, c);
      const service = serviceCodeOf(c);
      if (this.byServiceCode.has(service)) throw new Error(`intake reference: Open311 service_code ${service} listed twice`);
      this.byServiceCode.set(service, c);
    }
    this.addresses = new AddressIndex(reference.addresses);
    const receiving = reference.directory().unit(reference.receivingUnitId);
    if (!receiving || !CENTRE_KINDS.includes(receiving.kind)) {
      throw new Error(`intake reference: receivingUnitId ${reference.receivingUnitId} must be a district, town or village of the directory`);
    }
  }

  get version(): string {
    return this.reference.version;
  }

  categories(): readonly IntakeCategory[] {
    return this.reference.categories;
  }

  category(code: string): IntakeCategory | undefined {
    return this.byCode.get(code);
  }

  /** A known category, or a 400 naming the field. */
  requireCategory(code: string, field = 'category'): IntakeCategory {
    const category = this.byCode.get(code);
    if (!category) {
      throw new ValidationError('INTAKE.UNKNOWN_CATEGORY', `事件类别不存在：${code}`, fieldDetails(field, 'knownCategory', `事件类别不存在：${code}`));
    }
    return category;
  }

  /** The category published as this Open311 service (categories with `open311: false` are not). */
  categoryByServiceCode(serviceCode: string): IntakeCategory | undefined {
    const c = this.byServiceCode.get(serviceCode);
    return c && c.open311 !== false ? c : undefined;
  }

  duplicatePolicy(category: string): DuplicatePolicy {
    return this.byCode.get(category)?.duplicatePolicy ?? this.reference.duplicatePolicy ?? DEFAULT_DUPLICATE_POLICY;
  }

  unit(id: string): UnitInfo | undefined {
    return this.reference.directory().unit(id);
  }

  unitName(id: string | null | undefined): string | null {
    return id ? (this.unit(id)?.name ?? null) : null;
  }

  pathOf(unitId: string): string[] {
    return this.reference.directory().pathOf(unitId);
  }

  /** An active grid of the directory, or a 400 naming the field. */
  requireGrid(gridId: string, field = 'gridId'): UnitInfo {
    const unit = this.unit(gridId);
    if (!unit || unit.kind !== 'grid' || unit.retired) {
      throw new ValidationError('INTAKE.UNKNOWN_GRID', `网格不存在：${gridId}`, fieldDetails(field, 'knownGrid', `网格不存在：${gridId}`));
    }
    return unit;
  }

  /**
   * The grid of a report: point-in-polygon over the directory's grid boundaries first, then the
   * address table; `{ gridId: null }` when neither finds one (the case is "unlocated").
   */
  locate(location: { point?: GeoPoint; address?: string }): Location {
    if (location.point) {
      const grid = this.reference.directory().gridAt([location.point.lng, location.point.lat]);
      if (grid) return { gridId: grid.id, locatedBy: 'point' };
    }
    if (location.address) {
      const gridId = this.addresses.gridOf(location.address);
      if (gridId && this.unit(gridId)?.kind === 'grid') return { gridId, locatedBy: 'address' };
    }
    return { gridId: null, locatedBy: null };
  }

  /**
   * The governance centre that receives a report made by someone of `unitId`: the unit itself or
   * its nearest ancestor that is a district, town or village (a grid worker's village); the
   * configured receiving unit when there is none (Open311, a department).
   */
  receivingCentreOf(unitId: string | undefined): string {
    if (unitId) {
      const path = this.pathOf(unitId);
      for (let i = path.length - 1; i >= 0; i--) {
        const unit = this.unit(path[i]);
        if (unit && CENTRE_KINDS.includes(unit.kind) && !unit.retired) return unit.id;
      }
    }
    return this.reference.receivingUnitId;
  }

  /** The level of a centre unit (village, town or district), or undefined for other units. */
  centreLevelOf(unitId: string): CentreLevel | undefined {
    const kind = this.unit(unitId)?.kind;
    return kind === 'district' || kind === 'town' || kind === 'village' ? kind : undefined;
  }

  /**
   * The case's jurisdiction (unit path district → town → village → grid): the grid's path when it
   * has a grid, else the receiving centre's path.
   */
  jurisdictionOf(gridId: string | null, receivingCentreId: string): string[] {
    const path = gridId ? this.pathOf(gridId) : [];
    return path.length > 0 ? path : this.pathOf(receivingCentreId);
  }
}

export function serviceCodeOf(category: IntakeCategory): string {
  return category.open311ServiceCode ?? category.code;
}

/** `details` in the shape of the validation pipe's field errors, so clients read both alike. */
export function fieldDetails(field: string, constraint: string, message: string): Record<string, unknown> {
  return { fields: [{ field, constraint, message }] };
}
