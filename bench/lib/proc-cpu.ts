/**
 * CPU time of process trees from /proc, for the benchmarks that charge a run's CPU to the processes
 * that did the work (bench/dispatch-latency.ts: the services, FerretDB and PostgreSQL).
 */
import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ: 100 on every Linux we run on (`getconf CLK_TCK`). */
const CLOCK_TICKS = 100;

/** One process as /proc/<pid>/stat tells it: CPU in ms (its own threads; its waited-for children's). */
export interface ProcCpu {
  pid: number;
  ppid: number;
  comm: string;
  selfMs: number;
  reapedChildrenMs: number;
}

/** The process `pid` (undefined where there is none, or no /proc). */
export function procOf(pid: number): ProcCpu | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // gone, or no /proc
  }
  // "pid (comm) state ppid …": comm may hold spaces and parentheses, so the fields start after the last ')';
  // from there utime is the 12th, then stime, cutime and cstime
  const close = stat.lastIndexOf(')');
  const f = stat.slice(close + 2).split(' ');
  const ms = (i: number): number => (Number(f[i]) * 1000) / CLOCK_TICKS;
  return { pid, ppid: Number(f[1]), comm: stat.slice(stat.indexOf('(') + 1, close), selfMs: ms(11) + ms(12), reapedChildrenMs: ms(13) + ms(14) };
}

/** CPU time (user + system, every thread) one process used so far, ms (NaN where there is no such process or no /proc). */
export function cpuMsOf(pid: number): number {
  return procOf(pid)?.selfMs ?? Number.NaN;
}

/** Every process of this machine (empty where there is no /proc). */
export function processTable(): ProcCpu[] {
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
  return entries.map((e) => procOf(Number(e))).filter((p): p is ProcCpu => p !== undefined);
}

/**
 * The MongoDB-wire server's process trees on this machine, by name: FerretDB, and PostgreSQL's
 * postmaster (a `postgres` process whose parent is not one). Their CPU is shared with whatever else
 * uses the same servers meanwhile.
 */
export function databaseServerRoots(table = processTable()): [string, number][] {
  const byPid = new Map(table.map((p) => [p.pid, p]));
  const out: [string, number][] = [];
  for (const p of table) {
    if (p.comm.startsWith('ferretdb')) out.push(['FerretDB (shared)', p.pid]);
    else if (p.comm === 'postgres' && byPid.get(p.ppid)?.comm !== 'postgres') out.push(['PostgreSQL (shared)', p.pid]);
  }
  return out;
}

/**
 * CPU time (ms) a process tree has used so far: the root's own, what its exited children left it
 * (their CPU joins the parent's `cutime`/`cstime` once reaped) and every live descendant's own.
 * PostgreSQL runs one backend process per connection, started and ended by FerretDB's pool as the
 * load comes and goes: counting the backends that were there at the start missed every one started
 * during the run and dropped every one that ended, so PostgreSQL's share moved from 7 to 43 ms per
 * case between runs of the same code. NaN when the root is gone.
 */
export function treeCpuMs(rootPid: number, table: ProcCpu[] = processTable()): number {
  const root = table.find((p) => p.pid === rootPid);
  if (!root) return Number.NaN;
  const children = new Map<number, ProcCpu[]>();
  for (const p of table) {
    const siblings = children.get(p.ppid);
    if (siblings) siblings.push(p);
    else children.set(p.ppid, [p]);
  }
  let total = root.selfMs + root.reapedChildrenMs;
  const stack = [...(children.get(rootPid) ?? [])];
  for (let p = stack.pop(); p; p = stack.pop()) {
    total += p.selfMs + p.reapedChildrenMs;
    stack.push(...(children.get(p.pid) ?? []));
  }
  return total;
}
