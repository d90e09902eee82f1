/** Which photos a work order takes (grid-dispatch checks the same, and the bytes, again). */
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'];
export const PHOTO_MAX_BYTES = 5 * 1024 * 1024;

/** Why a file cannot be sent, checked before uploading. */
export function photoProblem(file: { type: string; size: number }): string | undefined {
  if (!PHOTO_TYPES.includes(file.type)) return '只能上传 JPEG、PNG 或 WebP 图片';
  if (file.size > PHOTO_MAX_BYTES) return '图片不能超过 5 MB';
  return undefined;
}
