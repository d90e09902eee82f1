/** Progress lines on stderr, so a long run shows what it is doing (stdout stays for the summary). */
const started = Date.now();

function stamp(): string {
  const s = Math.round((Date.now() - started) / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

export function progress(message: string): void {
  process.stderr.write(`[bench ${stamp()}] ${message}\n`);
}

export function formatRate(eventsPerSec: number): string {
  if (!Number.isFinite(eventsPerSec)) return 'n/a';
  if (eventsPerSec >= 100_000) return `${Math.round(eventsPerSec / 1000).toLocaleString('en-US')}k`;
  return Math.round(eventsPerSec).toLocaleString('en-US');
}

export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 0.1) return `${(ms * 1000).toFixed(1)} µs`;
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms.toFixed(1)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

export function elapsedSince(startMs: number): string {
  return `${((performance.now() - startMs) / 1000).toFixed(1)} s`;
}
