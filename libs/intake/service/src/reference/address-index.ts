/**
 * Address → grid fallback (DESIGN §5.1 "no grid" must be visible, never a crash): when a report has
 * no point, or its point lies outside every grid, its address is looked up in a configured table
 * of known addresses, each naming its grid.
 *
 * What it does, exactly:
 * 1. both the table's addresses and the report's address are normalised (`normaliseAddress`):
 *    Unicode NFKC (full-width digits and letters become half-width), lower case, and every
 *    whitespace and punctuation character removed (`枫源小区 3号楼，北侧` → `枫源小区3号楼北侧`);
 * 2. an exact match of the normalised address wins;
 * 3. otherwise the LONGEST table entry the report's address starts with wins, if that entry has at
 *    least `minPrefixLength` characters (default 4): `枫源小区3号楼北侧门口` finds `枫源小区3号楼北侧`;
 * 4. otherwise there is no grid: the case stays unlocated and an operator resolves it.
 * No fuzzy matching, no geocoding service: a wrong grid is worse than none, because a located case
 * goes straight to that grid's village while an unlocated one waits for a person.
 * Two table entries with the same normalised address but different grids are a configuration
 * error (refused when the index is built).
 */

export interface AddressEntry {
  address: string;
  gridId: string;
}

export function normaliseAddress(address: string): string {
  return address
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]+/gu, '');
}

export class AddressIndex {
  private readonly exact = new Map<string, string>();
  /** normalised entries, longest first, for the prefix rule */
  private readonly byLength: { key: string; gridId: string }[];

  constructor(
    entries: readonly AddressEntry[],
    private readonly minPrefixLength = 4,
  ) {
    for (const { address, gridId } of entries) {
      const key = normaliseAddress(address);
      if (key.length === 0) continue;
      const known = this.exact.get(key);
      if (known !== undefined && known !== gridId) {
        throw new Error(`address table: "${address}" is listed for both ${known} and ${gridId}`);
      }
      this.exact.set(key, gridId);
    }
    this.byLength = [...this.exact].map(([key, gridId]) => ({ key, gridId })).sort((a, b) => b.key.length - a.key.length || a.key.localeCompare(b.key));
  }

  get size(): number {
    return this.exact.size;
  }

  /** The grid of an address by the rules above, or null. */
  gridOf(address: string): string | null {
    const key = normaliseAddress(address);
    if (key.length === 0) return null;
    const exact = this.exact.get(key);
    if (exact !== undefined) return exact;
    for (const entry of this.byLength) {
      if (entry.key.length < this.minPrefixLength) break;
      if (entry.key.length < key.length && key.startsWith(entry.key)) return entry.gridId;
    }
    return null;
  }
}
