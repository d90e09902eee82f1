/** What the numbers were measured on: hardware, OS, runtimes, package versions, load. */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, freemem, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { procOf } from './proc-cpu';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  freeMemoryGiB: number;
  os: string;
  node: string;
  /** V8 and node flags of the benchmark's process (the in-process stores are measured under them). */
  nodeFlags?: string[];
  sqlite: string;
  loadAverageStart: [number, number, number];
  loadAverageEnd?: [number, number, number];
  /** The busiest other processes when the run started (command name and %CPU). */
  busiestProcesses: string[];
  gitCommit: string;
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) return line.split(':').slice(1).join(':').trim();
  } catch {
    // not Linux: fall back to what Node reports
  }
  return cpus()[0]?.model ?? 'unknown';
}

function osName(): string {
  try {
    const pretty = readFileSync('/etc/os-release', 'utf8').match(/^PRETTY_NAME="?([^"\n]*)"?/m)?.[1];
    if (pretty) return `${pretty}, Linux ${release()}`;
  } catch {
    // not Linux
  }
  return `${process.platform} ${release()}`;
}

function sqliteVersion(): string {
  const db = new DatabaseSync(':memory:');
  try {
    return String((db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v);
  } finally {
    db.close();
  }
}

/** This process and its ancestors (npm, scripts/bench.mjs), left out of the "other processes" list. */
function ownProcesses(): Set<number> {
  const own = new Set<number>([process.pid]);
  let pid = process.ppid;
  for (let i = 0; i < 10 && pid > 1; i++) {
    own.add(pid);
    const parent = procOf(pid)?.ppid;
    if (parent === undefined) break;
    pid = parent;
  }
  return own;
}

function busiest(): string[] {
  const own = ownProcesses();
  try {
    const out = execFileSync('ps', ['-eo', 'pid=,pcpu=,args=', '--sort=-pcpu'], { encoding: 'utf8', timeout: 5000 });
    return out
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter(([pid, , cmd]) => cmd !== undefined && !own.has(Number(pid)) && !cmd.endsWith('ps'))
      .slice(0, 6)
      .map(([, cpu, ...args]) => {
        // program and first argument, without directories: "node jest", "ferretdb-local serve"
        const name = args
          .slice(0, 2)
          .map((a) => a.split('/').pop())
          .join(' ');
        return `${name} ${cpu}%`;
      });
  } catch {
    return [];
  }
}

function gitCommit(root: string): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8', timeout: 5000 }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8', timeout: 10000 }).trim();
    return dirty ? `${head} (with uncommitted changes)` : head;
  } catch {
    return 'unknown';
  }
}

const round1 = (n: number): number => Math.round(n * 10) / 10;
const load = (): [number, number, number] => loadavg().map((x) => Math.round(x * 100) / 100) as [number, number, number];

export function machineInfo(root: string): MachineInfo {
  return {
    cpuModel: cpuModel(),
    cores: cpus().length,
    memoryGiB: round1(totalmem() / 2 ** 30),
    freeMemoryGiB: round1(freemem() / 2 ** 30),
    os: osName(),
    node: process.version,
    nodeFlags: process.execArgv.filter((a) => a.startsWith('--')),
    sqlite: sqliteVersion(),
    loadAverageStart: load(),
    busiestProcesses: busiest(),
    gitCommit: gitCommit(root),
  };
}

export function loadAverageNow(): [number, number, number] {
  return load();
}

/** Installed version of a package, read from its package.json (undefined when not installed). */
export function packageVersion(root: string, name: string): string | undefined {
  const file = join(root, 'node_modules', name, 'package.json');
  if (!existsSync(file)) return undefined;
  return String((JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version);
}

/** FerretDB version the local server is built from (the embedded build reports "unknown"). */
export function localFerretDbVersion(root: string): string | undefined {
  const file = join(root, 'deploy', 'local', 'ferretdb', 'go.mod');
  if (!existsSync(file)) return undefined;
  return readFileSync(file, 'utf8').match(/github\.com\/FerretDB\/FerretDB (v\S+)/)?.[1];
}
