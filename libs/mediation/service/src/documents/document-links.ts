/** The printable documents of a case (A4 HTML rendered from its events). */
export const DOCUMENT_KINDS = ['application', 'rights-notice', 'agreement', 'dossier'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** Where the console links to a printable document; also recorded as the document reference of a dossier item. */
export function documentUrl(caseId: string, kind: DocumentKind): string {
  return `/mediation/cases/${encodeURIComponent(caseId)}/documents/${kind}`;
}
