/** Shapes of the public APIs the console reads (only the fields it uses). */
export type Role = 'operator' | 'grid_worker' | 'department' | 'mediator' | 'petition_officer' | 'auditor' | 'admin';

export interface Me {
  userId: string;
  username: string;
  displayName: string;
  roles: Role[];
  unitId: string;
  unitName: string;
  unitPath: string[];
  actions: string[];
}

export interface Unit {
  id: string;
  kind: 'district' | 'town' | 'village' | 'grid' | 'department' | 'committee' | string;
  name: string;
  parentId: string | null;
  boundary?: { type: 'Polygon' | 'MultiPolygon'; coordinates: number[][][] | number[][][][] } | null;
  retired: boolean;
  path: string[];
}

/** A case category (GET /intake/categories: every category, in the Open311 service shape plus our `code`). */
export interface Category {
  /** the case's `category` */
  code: string;
  service_code: string;
  service_name: string;
  description: string;
  group: string;
}

export interface Timer {
  step: string;
  stepLabel: string;
  dueAt: string;
  warnAt?: string;
  warned: boolean;
  breached: boolean;
  legalBasis?: string;
  duration: number;
  unit: string;
}

export interface TimelineEntry {
  revision: number;
  eventId: string;
  type: string;
  label: string;
  at: string;
  actor: { userId: string; role: string; unitId: string };
  reason?: string;
  legalBasis?: string;
  statusAfter: string;
  statusLabel: string;
  unitId?: string;
  /** the step's own text: note, result, findings, summary, answer, comment */
  text?: string;
  /** photos of a progress note or feedback */
  attachments?: { ref: string; mediaType?: string; name?: string }[];
  deadline?: { kind: string; stepLabel?: string; dueAt?: string };
}

export interface Supervision {
  supervisionId: string;
  level: string;
  opinion?: string;
  issuedAt: string;
  answer?: string;
  answeredAt?: string;
}

export interface GridCase {
  caseId: string;
  status: string;
  statusLabel: string;
  category: string;
  urgency: string;
  gridId: string | null;
  level: string;
  unitId: string | null;
  filedAt: string;
  updatedAt: string;
  timer: Timer | null;
  queueKind: string | null;
  awaiting: 'centre' | 'unit' | null;
  inRework: boolean;
  supervisions: Supervision[];
  openSupervisions: number;
  overdue: boolean;
  revision: number;
  timeline?: TimelineEntry[];
  report?: { channel: string; description: string; reportedAt: string };
  waitingFor?: string[];
  suggestedUnitId?: string;
}

export interface ListAnswer<T, C = { status: string; label: string; count: number }> {
  now?: string;
  items: T[];
  total: number;
  page: number;
  pageSize: number;
  counts?: C[];
}

export interface IntakeCase {
  caseId: string;
  revision: number;
  status: string;
  statusLabel: string;
  channel: string;
  category: string;
  categoryName: string;
  description: string;
  location: { address?: string; point?: { lat: number; lng: number } };
  gridId: string | null;
  gridName: string | null;
  unlocated: boolean;
  urgency: string;
  reporter: { anonymous?: boolean; name?: string; phone?: string } | null;
  reportedAt: string;
  reportedBy: { userId: string; role: string; unitId: string };
  acceptedAt: string | null;
  declinedAt: string | null;
  filedAt: string | null;
  mergedAt: string | null;
  duplicateOf: string | null;
  decisionReason: string | null;
  level: string | null;
  dispatch: { status: string; unitId: string; unitName?: string; dueAt?: string | null } | null;
  closedAt: string | null;
}

/** What a command answers (today's shape; the shared runner keeps caseId, status, revision, events). */
export interface CommandAnswer {
  caseId: string;
  status: string;
  revision: number;
  events: string[];
}
