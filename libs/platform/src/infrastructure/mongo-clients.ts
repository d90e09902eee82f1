import { MongoClient, MongoClientOptions } from 'mongodb';
import pino from 'pino';

/**
 * Options of every MongoDB client of a service (native MongoClient or mongoose connection).
 *
 * Why the heartbeat settings: when FerretDB (or MongoDB) restarts, all sockets close in the same
 * event-loop turn. The driver (mongodb 6.20, still in 7.9) can then check the server on demand
 * (an operation waiting for a server asks the monitor to check at once) on a monitor socket
 * that Node has already destroyed but whose 'close' event has not run yet: `socket.write()` returns
 * false, no 'drain' and no 'error' ever come, and no socket timeout is armed on a destroyed socket,
 * so the check never ends. The monitor then never checks again and the server stays Unknown for the
 * life of the process: every operation fails server selection with the error of the pooled connection
 * that closed first (`connection 3 to 127.0.0.1:27017 closed`). RELIABILITY.md has the evidence.
 *
 * An on-demand check runs at once only if at least `minHeartbeatFrequencyMS` passed since the last
 * check; otherwise it is scheduled on a timer, and timers never run between a socket's destruction
 * and its 'close' event. With `minHeartbeatFrequencyMS` above `heartbeatFrequencyMS` every check
 * runs from a timer (unless the event loop stalled for the difference, 1 s); the short heartbeat
 * keeps the time to notice a restarted server at about 3 s. `connectTimeoutMS` bounds each check
 * (connect, then the hello) at 10 s; the watch below is the safety net for what is left.
 */
export const MONGO_CLIENT_OPTIONS = {
  serverSelectionTimeoutMS: 10_000,
  connectTimeoutMS: 10_000,
  heartbeatFrequencyMS: 2_000,
  minHeartbeatFrequencyMS: 3_000,
} as const satisfies MongoClientOptions;

export interface MongoWatchLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface MongoClientWatchOptions {
  logger?: MongoWatchLogger;
  /** a server check (heartbeat) running longer than this is stuck (60 s; a sound one ends within 2 × connectTimeoutMS) */
  stuckAfterMs?: number;
  /** how often the watch looks for a stuck check (5 s) */
  pollMs?: number;
  /** what to do with a stuck client; default: log and exit the process with code 70 so its supervisor restarts it */
  onStuck?: (stuck: StuckCheck) => void;
}

export interface StuckCheck {
  client: string;
  address: string;
  runningMs: number;
}

export interface MongoClientWatch {
  /** servers whose check runs for longer than `stuckAfterMs` now */
  stuck(): StuckCheck[];
  stop(): void;
}

/** exit code of a process that gave up on a stuck MongoDB client (EX_SOFTWARE) */
export const STUCK_MONGO_CLIENT_EXIT_CODE = 70;

let sharedLogger: MongoWatchLogger | undefined;
function defaultLogger(): MongoWatchLogger {
  sharedLogger ??= pino({ name: 'mongodb', level: process.env.LOG_LEVEL ?? 'info' });
  return sharedLogger;
}

function message(error: unknown): string | undefined {
  if (error == null) return undefined;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Logs what the driver does with the server and the pool, at warn, once per transition, naming the
 * client (`event store`, `subject keys`, …): a heartbeat failing after a success (and succeeding
 * again), a server description changing type, the pool cleared and ready again, a connection
 * check-out failing (with its reason) after one succeeded, a connection held by one operation for
 * longer than `stuckAfterMs` (the same driver bug can in principle catch a pooled connection handed
 * out in that event-loop turn; it has not been seen). And watches for a server check that never
 * ends (the driver bug above): the client would stay without a server until the process stops, so
 * by default the watch logs it and exits the process (code 70) so that its supervisor restarts it.
 */
export function watchMongoClient(client: MongoClient, name: string, options: MongoClientWatchOptions = {}): MongoClientWatch {
  const log = options.logger ?? defaultLogger();
  const stuckAfterMs = options.stuckAfterMs ?? 60_000;
  const onStuck =
    options.onStuck ??
    ((stuck: StuckCheck) => {
      log.error({ ...stuck, exitCode: STUCK_MONGO_CLIENT_EXIT_CODE }, `MongoDB client "${name}": exiting so that the supervisor restarts the process`);
      process.exit(STUCK_MONGO_CLIENT_EXIT_CODE);
    });
  const ctx = { mongoClient: name };
  const heartbeatOk = new Map<string, boolean>();
  const failedSince = new Map<string, { at: number; failures: number }>();
  const checkStarted = new Map<string, number>();
  const reported = new Set<string>();
  // connections handed to an operation: one held for longer than a check may run is reported (warn)
  const checkedOut = new Map<string, number>();
  const heldReported = new Set<string>();
  const lost = new Set<string>();
  let poolCleared = false;
  let checkOutFailing = false;

  client.on('serverHeartbeatStarted', (e) => checkStarted.set(e.connectionId, Date.now()));
  client.on('serverHeartbeatSucceeded', (e) => {
    checkStarted.delete(e.connectionId);
    reported.delete(e.connectionId);
    const down = failedSince.get(e.connectionId);
    if (down)
      log.warn(
        { ...ctx, address: e.connectionId, failures: down.failures, downMs: Date.now() - down.at },
        `MongoDB client "${name}": heartbeat succeeds again`,
      );
    failedSince.delete(e.connectionId);
    heartbeatOk.set(e.connectionId, true);
  });
  client.on('serverHeartbeatFailed', (e) => {
    checkStarted.delete(e.connectionId);
    reported.delete(e.connectionId);
    const down = failedSince.get(e.connectionId);
    if (down) {
      down.failures++;
      return;
    }
    failedSince.set(e.connectionId, { at: Date.now(), failures: 1 });
    if (heartbeatOk.get(e.connectionId) !== false) {
      log.warn({ ...ctx, address: e.connectionId, durationMs: e.duration, error: message(e.failure) }, `MongoDB client "${name}": heartbeat failed`);
    }
    heartbeatOk.set(e.connectionId, false);
  });
  client.on('serverDescriptionChanged', (e) => {
    const from = e.previousDescription.type;
    const to = e.newDescription.type;
    if (from === to) return;
    const fields = { ...ctx, address: e.address, from, to, error: message(e.newDescription.error) };
    // the discovery at start-up is no news; finding the server again after losing it is
    if (from === 'Unknown' && !lost.has(e.address)) log.info(fields, `MongoDB client "${name}": server ${from} → ${to}`);
    else log.warn(fields, `MongoDB client "${name}": server ${from} → ${to}`);
    if (to === 'Unknown') lost.add(e.address);
    else lost.delete(e.address);
  });
  client.on('connectionPoolCleared', (e) => {
    poolCleared = true;
    log.warn(
      { ...ctx, address: e.address, interruptInUseConnections: e.interruptInUseConnections ?? false },
      `MongoDB client "${name}": connection pool cleared`,
    );
  });
  client.on('connectionPoolReady', (e) => {
    if (!poolCleared) return;
    poolCleared = false;
    log.warn({ ...ctx, address: e.address }, `MongoDB client "${name}": connection pool ready again`);
  });
  client.on('connectionCheckOutFailed', (e) => {
    if (checkOutFailing) return;
    checkOutFailing = true;
    log.warn(
      { ...ctx, address: e.address, reason: e.reason, error: message((e as { error?: unknown }).error) },
      `MongoDB client "${name}": connection check-out failed (${e.reason})`,
    );
  });
  client.on('connectionCheckedOut', (e) => {
    checkOutFailing = false;
    checkedOut.set(`${e.address}/${e.connectionId}`, Date.now());
  });
  client.on('connectionCheckedIn', (e) => checkedOut.delete(`${e.address}/${e.connectionId}`));
  client.on('connectionClosed', (e) => checkedOut.delete(`${e.address}/${e.connectionId}`));

  const stuck = (): StuckCheck[] => {
    const now = Date.now();
    return [...checkStarted].filter(([, at]) => now - at > stuckAfterMs).map(([address, at]) => ({ client: name, address, runningMs: now - at }));
  };
  const timer = setInterval(() => {
    for (const s of stuck()) {
      if (reported.has(s.address)) continue;
      reported.add(s.address);
      log.error(
        { ...ctx, address: s.address, runningMs: s.runningMs },
        `MongoDB client "${name}": a server check has run for ${Math.round(s.runningMs / 1000)} s; its monitor is stuck and the client will not find a server again`,
      );
      onStuck(s);
    }
    const now = Date.now();
    for (const [connection, at] of checkedOut) {
      if (now - at <= stuckAfterMs || heldReported.has(connection)) continue;
      heldReported.add(connection);
      log.warn(
        { ...ctx, connection, heldMs: now - at },
        `MongoDB client "${name}": an operation has held connection ${connection} for ${Math.round((now - at) / 1000)} s`,
      );
    }
    for (const connection of heldReported) if (!checkedOut.has(connection)) heldReported.delete(connection);
  }, options.pollMs ?? 5_000);
  timer.unref();
  const stop = () => clearInterval(timer);
  client.once('topologyClosed', stop);
  return { stuck, stop };
}

/** A connected MongoClient with the options above, watched under `name`. */
export async function openMongoClient(url: string, name: string, watch: MongoClientWatchOptions = {}): Promise<MongoClient> {
  const client = new MongoClient(url, { ...MONGO_CLIENT_OPTIONS, appName: `fengqiao ${name}` });
  const watcher = watchMongoClient(client, name, watch);
  try {
    return await client.connect();
  } catch (e) {
    watcher.stop();
    throw e;
  }
}
