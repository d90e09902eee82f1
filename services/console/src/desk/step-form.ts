/**
 * The step forms of the mediator's and the petition officer's desks: one entry per command of the
 * mediation and petitions APIs, its route, the action the role needs and its fields. The API
 * validates every field; its messages are shown at the field (step-modal.tsx).
 */
export type DeskFieldKind = 'text' | 'textarea' | 'select' | 'multiselect' | 'parties' | 'party' | 'people' | 'datetime' | 'number' | 'switch' | 'unit';

export interface DeskField {
  name: string;
  label: string;
  kind: DeskFieldKind;
  options?: [string, string][];
  /** the value the form starts from (`now` for a date-time field: the moment the form opens) */
  initial?: unknown;
  /** shown only when another field has one of these values */
  showIf?: { field: string; values: unknown[] };
}

export interface DeskStep {
  key: string;
  title: string;
  /** path after the case's own URL, e.g. `sessions` → POST /mediation/cases/:id/sessions */
  path: string;
  /** the action of /auth/me the user needs */
  action: string;
  primary?: boolean;
  danger?: boolean;
  fields: DeskField[];
}

/** What a step form needs to offer its choices: the case's parties and people already on it. */
export interface StepContext {
  parties: { id: string; label: string }[];
  people: string[];
  userId: string;
}

/** A date-time field's value (`2026-12-06T11:30`, China time, as an `<input type="datetime-local">` gives it) as ISO UTC. */
export function isoOf(v: unknown): string | undefined {
  // already an instant (a "now" field left as it was is sent as the moment of sending)
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(v)) return v;
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(v)) return undefined;
  const d = new Date(`${v.length === 16 ? `${v}:00` : v}+08:00`);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** Now, China time, as a datetime-local value (`2026-12-06T11:30:05`). */
export function chinaLocalNow(now = Date.now()): string {
  return new Date(now + 8 * 3_600_000).toISOString().slice(0, 19);
}

/** The request body from the form's values: empty values left out (the API says what is missing), numbers as numbers, times as ISO. */
export function stepBody(step: DeskStep, values: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of step.fields) {
    if (f.showIf && !f.showIf.values.includes(values[f.showIf.field])) continue;
    const v = values[f.name];
    if (v === undefined || v === null || v === '') continue;
    switch (f.kind) {
      case 'number':
        body[f.name] = Number(v);
        break;
      case 'datetime': {
        const iso = isoOf(v);
        if (iso) body[f.name] = iso;
        break;
      }
      case 'text':
      case 'textarea':
        if (String(v).trim()) body[f.name] = String(v).trim();
        break;
      case 'switch':
        body[f.name] = !!v;
        break;
      case 'multiselect':
      case 'parties':
      case 'people':
        if (Array.isArray(v) && v.length) body[f.name] = v;
        break;
      default:
        body[f.name] = v;
    }
  }
  return body;
}

/** The steps a user may take on a case in a state: those the state allows and the user's role may do. */
export function stepsFor<K extends string>(
  table: Record<string, readonly K[]>,
  steps: Record<K, DeskStep>,
  status: string,
  actions: readonly string[],
): DeskStep[] {
  return (table[status] ?? []).map((k) => steps[k]).filter((s) => actions.includes(s.action));
}
