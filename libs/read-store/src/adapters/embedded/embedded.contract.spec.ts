import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readStoreContract } from '../../testing/read-store.contract';
import { EmbeddedReadStore } from './embedded-read-store';

const dir = mkdtempSync(join(tmpdir(), 'fq-read-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

readStoreContract('embedded (:memory:)', () => new EmbeddedReadStore({ path: ':memory:' }));
readStoreContract('embedded (file, WAL, synchronous=NORMAL)', () => new EmbeddedReadStore({ path: join(dir, 'read.db'), synchronous: 'NORMAL' }));
