/**
 * bench/lib/proc-cpu.ts: the CPU the dispatch benchmark charges to a database server is the CPU of
 * its whole process tree. PostgreSQL runs one backend process per connection, started and ended by
 * FerretDB's pool during a run; counting only the processes there at the start missed those.
 * Checked on real processes: a parent whose children burn a known amount of CPU, one of them
 * already exited (reaped: its CPU is in the parent's `cutime`), one still running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpuMsOf, databaseServerRoots, processTable, treeCpuMs, type ProcCpu } from './proc-cpu';

const BURN_MS = 300;
/** A node script that uses `BURN_MS` of CPU (not of wall time: a busy machine stretches it), then says so. */
const burn = `const t = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; }; while (t() < ${BURN_MS}); console.log('burnt');`;

/** Starts a child that burns and exits; once it exited, one that burns and stays; then prints "ready". */
const parentScript = `
const { spawn } = require('node:child_process');
const node = (code) => spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
node(${JSON.stringify(burn)}).on('exit', () => {
  // it stays until killed, or until its parent is gone (never left behind by a failed test)
  const stays = node(${JSON.stringify(`${burn} const parent = process.ppid; setInterval(() => { if (process.ppid !== parent) process.exit(0); }, 100);`)});
  stays.stdout.on('data', () => console.log('ready ' + stays.pid));
});
setInterval(() => {}, 1000);
`;

describe('bench/lib/proc-cpu', () => {
  let parent: ChildProcess | undefined;
  afterEach(() => {
    parent?.kill('SIGKILL');
    parent = undefined;
  });

  it("counts a tree's exited and live children, which the process's own figure does not", async () => {
    if (processTable().length === 0) throw new Error('no /proc on this machine: these benchmarks need Linux');
    const p = spawn(process.execPath, ['-e', parentScript], { stdio: ['ignore', 'pipe', 'inherit'] });
    parent = p;
    const livePid = await new Promise<number>((resolve, reject) => {
      p.stdout?.on('data', (d: Buffer) => {
        const m = /ready (\d+)/.exec(d.toString());
        if (m) resolve(Number(m[1]));
      });
      p.on('exit', (code) => reject(new Error(`the parent exited (${String(code)})`)));
    });
    const pid = p.pid ?? -1;
    const own = cpuMsOf(pid);
    const tree = treeCpuMs(pid);
    // two children of at least BURN_MS each (ticks of 10 ms: allow one per process)
    expect(tree - own).toBeGreaterThanOrEqual(2 * BURN_MS - 20);
    expect(treeCpuMs(livePid)).toBeGreaterThanOrEqual(BURN_MS - 10);

    // the live child ends and is reaped: the tree keeps what it used (a backend closed by the pool)
    process.kill(livePid, 'SIGTERM');
    for (let i = 0; i < 100 && processTable().some((q) => q.pid === livePid && q.ppid === pid); i++) await new Promise((r) => setTimeout(r, 50));
    const after = treeCpuMs(pid);
    expect(after).toBeGreaterThanOrEqual(tree - 10);
    expect(treeCpuMs(livePid)).toBeNaN();
  }, 60_000);

  it("finds the servers' roots: FerretDB and PostgreSQL's postmaster, not its backends", () => {
    const proc = (pid: number, ppid: number, comm: string): ProcCpu => ({ pid, ppid, comm, selfMs: 0, reapedChildrenMs: 0 });
    const table = [
      proc(1, 0, 'init'),
      proc(10, 1, 'postgres'),
      proc(11, 10, 'postgres'),
      proc(12, 10, 'postgres'),
      proc(20, 1, 'ferretdb-local'),
      proc(30, 1, 'node'),
    ];
    expect(databaseServerRoots(table)).toEqual([
      ['PostgreSQL (shared)', 10],
      ['FerretDB (shared)', 20],
    ]);
  });
});
