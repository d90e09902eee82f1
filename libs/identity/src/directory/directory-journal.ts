import type { DirectoryEntry } from './directory';

/** Where directory entries are kept. `append` stores all entries or none. */
export interface DirectoryJournal {
  load(): DirectoryEntry[];
  append(entries: readonly DirectoryEntry[]): void;
}

export class MemoryDirectoryJournal implements DirectoryJournal {
  private readonly entries: DirectoryEntry[] = [];
  load(): DirectoryEntry[] {
    return this.entries.map((e) => structuredClone(e));
  }
  append(entries: readonly DirectoryEntry[]): void {
    for (const e of entries) {
      if (e.version !== this.entries.length + 1) throw new Error(`directory journal: expected version ${this.entries.length + 1}, got ${e.version}`);
      this.entries.push(structuredClone(e));
    }
  }
}
