#!/usr/bin/env node
// npm run restore -- …: see libs/platform/src/backup/backup.cli.ts and docs/operations.md ("Backup and restore").
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireNode24 } from './node-check.mjs';

requireNode24('restore');
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'libs', 'platform', 'src', 'backup', 'backup.cli.ts');
const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', '-r', '@swc-node/register', cli, 'restore', ...process.argv.slice(2)], {
  cwd: process.cwd(),
  stdio: 'inherit',
  env: { ...process.env, SWC_NODE_PROJECT: join(root, 'tsconfig.json') },
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
