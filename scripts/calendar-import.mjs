#!/usr/bin/env node
// Loads holiday notices (国务院办公厅 yearly notice, or a region's own layer) from a JSON file into
// the running system through POST /calendars/import (admin only; one new table version for the
// whole file; open deadlines are then revised by every context).
//
// Usage: node scripts/calendar-import.mjs FILE [--url http://127.0.0.1:3000] [--if-match N]
//   auth: FENGQIAO_TOKEN=<bearer token>, or FENGQIAO_USER / FENGQIAO_PASSWORD (logs in at /auth/login)
// FILE: { "notices": [ { region, year, source: { title, documentNumber, issuedOn }, periods: [{ name, from, to }],
//         makeUpWorkdays: [...] } ], "note": "…" } or a single notice object;
//         see scripts/calendar-notice.example.json (a made-up 2027 notice, for tests only).
// Bad input is refused with the day named (HTTP 400); nothing is loaded then.
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1] : fallback;
};
const url = opt('--url', process.env.FENGQIAO_URL ?? 'http://127.0.0.1:3000').replace(/\/$/, '');
const ifMatch = opt('--if-match', undefined);
const file = args[0];
if (!file) {
  console.error('usage: node scripts/calendar-import.mjs FILE [--url URL] [--if-match VERSION]');
  process.exit(2);
}
const parsed = JSON.parse(readFileSync(file, 'utf8'));
const body = Array.isArray(parsed.notices) ? parsed : { notices: [parsed] };

let token = process.env.FENGQIAO_TOKEN;
if (!token) {
  const username = process.env.FENGQIAO_USER;
  const password = process.env.FENGQIAO_PASSWORD;
  if (!username || !password) {
    console.error('set FENGQIAO_TOKEN, or FENGQIAO_USER and FENGQIAO_PASSWORD of an admin');
    process.exit(2);
  }
  const login = await fetch(`${url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!login.ok) {
    console.error(`login failed: ${login.status} ${await login.text()}`);
    process.exit(1);
  }
  token = (await login.json()).accessToken;
}
const res = await fetch(`${url}/calendars/import`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...(ifMatch ? { 'if-match': `"${ifMatch}"` } : {}) },
  body: JSON.stringify(body),
});
const text = await res.text();
if (!res.ok) {
  console.error(`import refused: HTTP ${res.status}`);
  console.error(text);
  process.exit(1);
}
const version = JSON.parse(text);
console.log(`loaded: table version ${version.version}, calendars ${version.calendarVersion}; ${version.note ?? ''}`);
