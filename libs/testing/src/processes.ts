import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Root of the workspace (libs/testing/src → ../../..). */
export const workspaceRoot = resolve(__dirname, '..', '..', '..');

export interface ServiceProcess {
  name: string;
  url: string;
  pid: number;
  /** everything the process printed so far */
  output(): string;
  /** SIGTERM and wait for exit (graceful) */
  stop(): Promise<number | null>;
  /** SIGKILL and wait for exit (crash) */
  kill(): Promise<number | null>;
  exited: Promise<number | null>;
}

/** How a deployable is run: node's arguments and the environment under the caller's (scripts/build-node.mjs). */
interface ServiceLaunch {
  args: string[];
  /** SERVICE_ENV of scripts/build-node.mjs (e.g. glibc's malloc tuning); the caller's environment wins */
  env: Record<string, string>;
}

const launchByService = new Map<string, ServiceLaunch>();

/**
 * node's arguments for a deployable and the environment beneath the caller's, as `npm start` runs
 * it: the V8 flags and its compiled JS under dist/node, and SERVICE_ENV. The first call in a test
 * process brings dist/node up to date (scripts/build-node.mjs, incremental: ~0.5 s when nothing
 * changed), so a test never runs a stale build.
 */
export function serviceLaunch(name: string): ServiceLaunch {
  let launch = launchByService.get(name);
  if (!launch) {
    const r = spawnSync(process.execPath, [join(workspaceRoot, 'scripts', 'build-node.mjs'), '--args', name], { cwd: workspaceRoot, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`scripts/build-node.mjs failed (${String(r.status)}):\n${r.stderr}`);
    launch = JSON.parse(r.stdout) as ServiceLaunch;
    launchByService.set(name, launch);
  }
  return launch;
}

/**
 * Starts a deployable (services/<name>/src/main.ts, compiled: serviceLaunch) as a real OS
 * process with Node 24, on a free port, and resolves once it logs that it listens.
 */
export async function spawnService(
  name: string,
  env: Record<string, string>,
  {
    timeoutMs = 120_000,
    logFile,
  }: {
    timeoutMs?: number;
    /** also written here as it comes (stdout and stderr, appended), so it outlives the test's memory */
    logFile?: string;
  } = {},
): Promise<ServiceProcess> {
  const launch = serviceLaunch(name);
  const child: ChildProcess = spawn(process.execPath, launch.args, {
    cwd: workspaceRoot,
    env: { ...launch.env, ...process.env, PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (d: Buffer) => {
    out += d;
    if (logFile) appendFileSync(logFile, d);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));

  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within ${timeoutMs} ms:\n${out.slice(-3000)}`)), timeoutMs);
    const onData = () => {
      const m = /listening on (http:\/\/[^\s"]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before listening:\n${out.slice(-3000)}`));
    });
  });

  // a process that ignores SIGTERM is killed after 30 s, so a test run never hangs on it
  const waitExit = (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    if (signal !== 'SIGKILL') {
      const force = setTimeout(() => {
        out += `\n[test] ${name} did not exit within 30 s of ${signal}: SIGKILL\n`;
        child.kill('SIGKILL');
      }, 30_000);
      void exited.finally(() => clearTimeout(force));
    }
    return exited;
  };
  return { name, url, pid: child.pid!, output: () => out, stop: () => waitExit('SIGTERM'), kill: () => waitExit('SIGKILL'), exited };
}
