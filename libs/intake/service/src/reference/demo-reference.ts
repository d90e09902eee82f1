import { demoDistrict } from '@fengqiao/demo';
import { Directory, seedDirectory } from '@fengqiao/identity';
import { AddressEntry } from './address-index';
import { IntakeReference, UnitLookup } from './intake-reference';

/** When the demo reference data was last changed (Open311 discovery `changeset`). */
export const DEMO_REFERENCE_VERSION = '2025-01-01T00:00:00+08:00';

/** Categories kept off the public Open311 interface. */
const NOT_PUBLIC_GROUPS: readonly string[] = ['矛盾纠纷'];
const NOT_PUBLIC_CODES: readonly string[] = ['public_security_risk'];

/**
 * The demo district (@fengqiao/demo) as intake reference data: what standalone mode loads by
 * default. Units and boundaries come from its directory seed; the grid of a point is the demo's
 * own `gridAt` (half-open, so a point on a shared edge has exactly one grid). The address table is
 * every grid's name plus the addresses of the demo's sample reports: that is all the demo knows of
 * its streets; a real deployment gives its own address list.
 */
export function demoReference(): IntakeReference {
  const directory = Directory.open();
  seedDirectory(directory, { units: demoDistrict.directory.units, users: [] }, { by: 'system', at: '2025-01-01T00:00:00.000Z' });
  const snapshot = directory.current();
  const lookup: UnitLookup = {
    unit: (id) => snapshot.unit(id),
    pathOf: (id) => snapshot.pathOf(id),
    gridAt: ([lon, lat]) => {
      const id = demoDistrict.gridAt(lon, lat);
      return id ? { id } : undefined;
    },
  };
  const addresses: AddressEntry[] = [
    ...demoDistrict.geography.grids.map((g) => ({ address: g.name, gridId: g.id })),
    ...demoDistrict.reports.flatMap((r) => (r.address ? [{ address: r.address, gridId: r.gridId }] : [])),
  ];
  return {
    version: DEMO_REFERENCE_VERSION,
    categories: demoDistrict.categories.map((c) => ({
      code: c.code,
      name: c.name,
      description: c.description,
      group: c.group,
      keywords: c.keywords,
      open311ServiceCode: c.open311ServiceCode,
      // disputes and public-security leads name people and places: not offered nor listed in public
      open311: !NOT_PUBLIC_GROUPS.includes(c.group) && !NOT_PUBLIC_CODES.includes(c.code),
    })),
    directory: () => lookup,
    addresses,
    receivingUnitId: demoDistrict.districtId,
  };
}
