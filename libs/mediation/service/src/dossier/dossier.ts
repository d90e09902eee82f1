import { DOSSIER_ITEM_LABELS, DOSSIER_ITEMS, DossierItemKind, MediationCaseState, requiredDossierItems } from '@fengqiao/mediation-domain';

export interface DossierLine {
  item: DossierItemKind;
  label: string;
  required: boolean;
  documents: { documentRef: string; addedAt: string }[];
}

export interface DossierContents {
  caseId: string;
  /** every kind of item, in the order of the dossier (人民调解卷宗) */
  lines: DossierLine[];
  /** required items not yet in the dossier: the case cannot be archived until this is empty */
  missing: DossierItemKind[];
  complete: boolean;
}

/** What the dossier holds and what it lacks, from the case state (the same rule the decider archives by). */
export function dossierOf(state: Exclude<MediationCaseState, { status: 'none' }>): DossierContents {
  const required = new Set(
    requiredDossierItems({
      accepted: state.acceptedAt !== undefined,
      sessionsHeld: state.sessionIds.length > 0,
      agreementReached: state.agreement !== undefined,
    }),
  );
  const lines = DOSSIER_ITEMS.map((item) => ({
    item,
    label: DOSSIER_ITEM_LABELS[item],
    required: required.has(item),
    documents: state.dossier.filter((d) => d.item === item).map((d) => ({ documentRef: d.documentRef, addedAt: d.addedAt })),
  }));
  const missing = lines.filter((l) => l.required && l.documents.length === 0).map((l) => l.item);
  return { caseId: state.caseId, lines, missing, complete: missing.length === 0 };
}
