/** Streaming NDJSON: lines out with backpressure, lines in with their number, both hashed as they pass. */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';

export class NdjsonWriter {
  private readonly out: WriteStream;
  private readonly hash: Hash = createHash('sha256');
  count = 0;
  bytes = 0;

  constructor(path: string) {
    this.out = createWriteStream(path, { flags: 'wx' });
  }

  async write(record: unknown): Promise<void> {
    const line = Buffer.from(`${JSON.stringify(record)}\n`, 'utf8');
    this.hash.update(line);
    this.count += 1;
    this.bytes += line.length;
    if (!this.out.write(line)) await once(this.out, 'drain');
  }

  /** Flushes and closes the file (fsync'ed); returns its sha256. */
  async close(): Promise<{ count: number; sha256: string; bytes: number }> {
    await new Promise<void>((resolve, reject) => {
      this.out.once('error', reject);
      this.out.end(() => resolve());
    });
    return { count: this.count, sha256: this.hash.digest('hex'), bytes: this.bytes };
  }
}

export interface NdjsonLine {
  /** 1-based */
  lineNo: number;
  text: string;
  /** the file ended inside this line (no final "\n"): the file was cut */
  unterminated: boolean;
}

/**
 * The lines of a file; `digest()` after the last one gives the sha256 of every byte read.
 */
export function readNdjson(path: string): { lines: AsyncGenerator<NdjsonLine>; digest: () => { sha256: string; bytes: number } } {
  const hash = createHash('sha256');
  let bytes = 0;
  async function* lines(): AsyncGenerator<NdjsonLine> {
    let pending: Buffer[] = [];
    let lineNo = 0;
    for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      bytes += chunk.length;
      let start = 0;
      for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, start)) {
        pending.push(chunk.subarray(start, i));
        lineNo += 1;
        yield { lineNo, text: Buffer.concat(pending).toString('utf8'), unterminated: false };
        pending = [];
        start = i + 1;
      }
      if (start < chunk.length) pending.push(chunk.subarray(start));
    }
    if (pending.length > 0) yield { lineNo: lineNo + 1, text: Buffer.concat(pending).toString('utf8'), unterminated: true };
  }
  return { lines: lines(), digest: () => ({ sha256: hash.digest('hex'), bytes }) };
}
