/**
 * Photos attached to a work order (a grid worker's feedback, a progress note): which files are
 * accepted and how a file's bytes prove its type. Pure: no I/O.
 */
export const ATTACHMENT_MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type AttachmentMediaType = (typeof ATTACHMENT_MEDIA_TYPES)[number];
export const ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024;
/** the read-store collection of uploaded files */
export const GRID_ATTACHMENTS = 'grid_attachments';

/** The image type the bytes begin with (JPEG `FF D8 FF`, PNG's 8-byte signature, `RIFF....WEBP`), or null. */
export function sniffImage(bytes: Uint8Array): AttachmentMediaType | null {
  const at = (i: number, ...b: number[]) => b.every((x, k) => bytes[i + k] === x);
  if (bytes.length >= 3 && at(0, 0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (bytes.length >= 8 && at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (bytes.length >= 12 && at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return 'image/webp';
  return null;
}

/** The media type a request declares (`image/jpeg; charset=…` → `image/jpeg`), if it is one we accept. */
export function declaredType(contentType: string | undefined): AttachmentMediaType | null {
  const t = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return (ATTACHMENT_MEDIA_TYPES as readonly string[]).includes(t) ? (t as AttachmentMediaType) : null;
}

export interface StoredAttachment {
  _id: string;
  caseId: string;
  mediaType: AttachmentMediaType;
  name: string | null;
  size: number;
  sha256: string;
  /** the file, base64 (the read store holds documents; 5 MB → under 7 MB of text) */
  data: string;
  uploadedBy: { userId: string; role: string; unitId: string };
  uploadedAt: string;
}
