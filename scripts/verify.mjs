#!/usr/bin/env node
// npm run verify -- bundle.json [--keys published-keys.json]: checks an evidence bundle offline
// (hash chains, Merkle inclusion proofs, Ed25519-signed checkpoints). No database, no network:
// see libs/event-store/src/evidence/verify-bundle.cli.ts.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireNode24 } from './node-check.mjs';

requireNode24('verify');
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'libs', 'event-store', 'src', 'evidence', 'verify-bundle.cli.ts');
const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', '-r', '@swc-node/register', cli, ...process.argv.slice(2)], {
  cwd: process.cwd(),
  stdio: 'inherit',
  env: { ...process.env, SWC_NODE_PROJECT: join(root, 'tsconfig.json') },
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
