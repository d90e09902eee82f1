import { DEPT, feedbackCase, inProgressCase, ok } from '../testing/case-command.spec-kit';
import { GridDispatchHarness } from '../testing/grid-dispatch.harness';
import { ATTACHMENT_MAX_BYTES } from './attachment-files';

/** A small real PNG (1×1, red) and JPEG/WebP headers: the service checks the first bytes only. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(60, 1)]);
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([40, 0, 0, 0]), Buffer.from('WEBPVP8 '), Buffer.alloc(28, 2)]);

describe('work-order photos: POST/GET /grid-dispatch/cases/:caseId/attachments', () => {
  let h: GridDispatchHarness;
  beforeAll(async () => {
    h = await GridDispatchHarness.start();
  }, 60_000);
  afterAll(() => h?.close());

  const upload = async (caseId: string, as: string | undefined, body: Uint8Array, contentType: string, name?: string) => {
    const headers: Record<string, string> = { 'content-type': contentType };
    if (as) headers.authorization = `Bearer ${await h.token(as)}`;
    if (name) headers['x-file-name'] = encodeURIComponent(name);
    const res = await fetch(`${h.url}/grid-dispatch/cases/${caseId}/attachments`, { method: 'POST', headers, body });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const fetchFile = async (ref: string, as?: string) => fetch(`${h.url}${ref}`, { headers: as ? { authorization: `Bearer ${await h.token(as)}` } : {} });

  it('stores a photo of each accepted type, serves it back with its type, and the feedback names it', async () => {
    const caseId = await inProgressCase(h);
    for (const [bytes, type] of [
      [PNG, 'image/png'],
      [JPEG, 'image/jpeg'],
      [WEBP, 'image/webp'],
    ] as const) {
      const res = await upload(caseId, DEPT, bytes, type, '现场照片.jpg');
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        mediaType: type,
        size: bytes.length,
        name: '现场照片.jpg',
        ref: `/grid-dispatch/cases/${caseId}/attachments/${res.body.attachmentId}`,
      });
      const file = await fetchFile(res.body.ref, 'op.v-1-1');
      expect(file.status).toBe(200);
      expect(file.headers.get('content-type')).toBe(type);
      expect(Buffer.from(await file.arrayBuffer()).equals(bytes)).toBe(true);
    }
    const photo = await upload(caseId, DEPT, PNG, 'image/png');
    await ok(h, caseId, 'feedback', DEPT, { result: '已清理', attachments: [{ ref: photo.body.ref, mediaType: 'image/png' }] });
    const detail = await h.call('GET', `/grid-dispatch/cases/${caseId}`, { as: 'op.v-1-1' });
    expect(JSON.stringify(detail.body)).toContain(photo.body.ref);
  });

  it('refuses another type, bytes that are not the declared image, an empty body and a file over 5 MB', async () => {
    const caseId = await inProgressCase(h);
    const gif = Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1');
    expect(await upload(caseId, DEPT, gif, 'image/gif')).toMatchObject({ status: 415 });
    expect(await upload(caseId, DEPT, Buffer.from('<svg/>'), 'image/svg+xml')).toMatchObject({ status: 415 });
    expect(await upload(caseId, DEPT, Buffer.from('<html>not a photo</html>'), 'image/png')).toMatchObject({
      status: 400,
      body: { code: 'ATTACHMENT.CONTENT_MISMATCH' },
    });
    expect(await upload(caseId, DEPT, JPEG, 'image/png')).toMatchObject({
      status: 400,
      body: { code: 'ATTACHMENT.CONTENT_MISMATCH', message: expect.stringContaining('image/jpeg') },
    });
    expect(await upload(caseId, DEPT, new Uint8Array(), 'image/png')).toMatchObject({ status: 400 });
    const big = Buffer.concat([PNG, Buffer.alloc(ATTACHMENT_MAX_BYTES)]);
    expect(await upload(caseId, DEPT, big, 'image/png')).toMatchObject({ status: 413, body: { code: 'ATTACHMENT.TOO_LARGE' } });
    const exactly = Buffer.concat([PNG, Buffer.alloc(ATTACHMENT_MAX_BYTES - PNG.length)]);
    expect((await upload(caseId, DEPT, exactly, 'image/png')).status).toBe(201);
  });

  it('is authorised like the case: no token 401, outside the jurisdiction or without feedback rights 403, reading outside 403', async () => {
    const caseId = await inProgressCase(h);
    expect((await upload(caseId, undefined, PNG, 'image/png')).status).toBe(401);
    expect((await upload(caseId, 'dept.t1-cg', PNG, 'image/png')).status).toBe(403); // another department
    expect((await upload(caseId, 'audit.d', PNG, 'image/png')).status).toBe(403); // an auditor gives no feedback
    expect((await upload('no-such-case', DEPT, PNG, 'image/png')).status).toBe(404);
    const { body } = await upload(caseId, DEPT, PNG, 'image/png');
    expect((await fetchFile(body.ref)).status).toBe(401);
    expect((await fetchFile(body.ref, 'op.v-2-1')).status).toBe(403); // another town's village
    expect((await fetchFile(body.ref, 'audit.d')).status).toBe(200);
    // an attachment id is only served under its own case
    const other = await feedbackCase(h);
    expect((await fetchFile(`/grid-dispatch/cases/${other}/attachments/${body.attachmentId}`, 'op.v-1-1')).status).toBe(404);
  });
});
