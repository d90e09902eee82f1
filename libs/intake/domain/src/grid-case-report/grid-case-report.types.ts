import { Actor, Command, Event } from '@fengqiao/kernel';

/** Where a report came in (DESIGN §5.1; 接诉即办 §10; Open311 channel extension). */
export const REPORT_CHANNELS = ['grid_worker', 'hotline', 'walk_in', 'online', 'video_alert'] as const;
export type ReportChannel = (typeof REPORT_CHANNELS)[number];

/** 一般 / 紧急 / 非常紧急: the three urgency levels deadlines are configured by. */
export const URGENCIES = ['normal', 'urgent', 'very_urgent'] as const;
export type Urgency = (typeof URGENCIES)[number];

/** Level of the governance centre that files and supervises: 村居 → 街镇 → 区. */
export const CENTRE_LEVELS = ['village', 'town', 'district'] as const;
export type CentreLevel = (typeof CENTRE_LEVELS)[number];

/**
 * Why a report is not accepted (接诉即办 §11): answered on the spot (即时答复), the reporter was told
 * the legal route (告知法定途径: litigation, arbitration, 复议, 信访 already under way …), or a repeat
 * without new facts (重复: told the progress of the earlier case).
 */
export const DECLINE_REASONS = ['answered_at_once', 'told_legal_route', 'duplicate'] as const;
export type DeclineReason = (typeof DECLINE_REASONS)[number];

/** WGS84 point in decimal degrees. */
export interface GeoPoint {
  lat: number;
  lng: number;
}

/** A point, an address, or both; at least one. */
export interface CaseLocation {
  point?: GeoPoint;
  address?: string;
}

export interface ReporterContact {
  /** true when the reporter asked not to be named; name and phone may still be kept for callback */
  anonymous: boolean;
  name?: string;
  phone?: string;
}

/** A file already stored elsewhere (object store); the event keeps the reference only. */
export interface AttachmentRef {
  ref: string;
  mediaType?: string;
  name?: string;
}

/**
 * Every event's data starts with who did it and when (the auditor's questions), copied from the
 * command's meta: `actor`, `at` (= meta.now, business time) and `reason` (= meta.reason) when given.
 */
export interface ReportEventBase {
  caseId: string;
  actor: Actor;
  at: string;
  reason?: string;
}

// ---------------------------------------------------------------- commands

export interface ReportCaseData {
  caseId: string;
  channel: ReportChannel;
  category: string;
  description: string;
  location: CaseLocation;
  urgency: Urgency;
  reporter?: ReporterContact;
  attachments?: AttachmentRef[];
  /** grid resolved from the point by the handler; null when the case could not be located in a grid */
  gridId: string | null;
}

export type ReportCase = Command<'ReportCase', ReportCaseData>;
/** 受理 */
export type AcceptCase = Command<'AcceptCase', { caseId: string }>;
/** 不予受理: meta.reason (what the reporter was told) is required */
export type DeclineCase = Command<'DeclineCase', { caseId: string; declineReason: DeclineReason; duplicateOf?: string; legalRoute?: string }>;
/** 立案, optionally correcting category, urgency and grid; filing a `reported` case accepts it too */
export type FileCase = Command<'FileCase', { caseId: string; level: CentreLevel; category?: string; urgency?: Urgency; gridId?: string | null }>;
/** An operator merges a not-yet-filed report into an earlier case */
export type MergeAsDuplicate = Command<'MergeAsDuplicate', { caseId: string; duplicateOf: string }>;

export type GridCaseReportCommand = ReportCase | AcceptCase | DeclineCase | FileCase | MergeAsDuplicate;

// ---------------------------------------------------------------- events

export type CaseReported = Event<'CaseReported', ReportEventBase & Omit<ReportCaseData, 'caseId' | 'attachments'> & { attachments: AttachmentRef[] }>;
export type CaseAccepted = Event<'CaseAccepted', ReportEventBase>;
export type CaseDeclined = Event<'CaseDeclined', ReportEventBase & { declineReason: DeclineReason; duplicateOf?: string; legalRoute?: string }>;
export type CaseFiled = Event<
  'CaseFiled',
  ReportEventBase & {
    level: CentreLevel;
    category: string;
    urgency: Urgency;
    gridId: string | null;
    location: CaseLocation;
    channel: ReportChannel;
  }
>;
export type CaseMerged = Event<'CaseMerged', ReportEventBase & { duplicateOf: string }>;

export type GridCaseReportEvent = CaseReported | CaseAccepted | CaseDeclined | CaseFiled | CaseMerged;

// ---------------------------------------------------------------- state

export interface Report {
  caseId: string;
  channel: ReportChannel;
  category: string;
  description: string;
  location: CaseLocation;
  urgency: Urgency;
  reporter?: ReporterContact;
  attachments: AttachmentRef[];
  gridId: string | null;
  reportedAt: string;
  reportedBy: Actor;
}

export type GridCaseReportState =
  | { status: 'none' }
  | { status: 'reported'; report: Report }
  | { status: 'accepted'; report: Report; acceptedAt: string }
  | {
      status: 'not_accepted';
      report: Report;
      declinedAt: string;
      declineReason: DeclineReason;
      duplicateOf?: string;
      legalRoute?: string;
    }
  | {
      status: 'filed';
      report: Report;
      filedAt: string;
      level: CentreLevel;
      category: string;
      urgency: Urgency;
      gridId: string | null;
    }
  | { status: 'merged_duplicate'; report: Report; duplicateOf: string; mergedAt: string };

export type GridCaseReportStatus = GridCaseReportState['status'];
