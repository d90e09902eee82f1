import { PlusOutlined } from '@ant-design/icons';
import { Image, Space, Upload, type UploadFile } from 'antd';
import { useEffect, useState } from 'react';
import { toApiError } from '../api/api-error';
import { currentTokens, refreshTokens } from '../api/client';
import { PHOTO_TYPES, photoProblem } from './photo-limits';

/** A photo of a work order, as the feedback and progress notes name it. */
export interface Attachment {
  ref: string;
  mediaType?: string;
  name?: string;
}

async function withToken(path: string, init: RequestInit = {}): Promise<Response> {
  const send = () =>
    fetch(path, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${currentTokens()?.accessToken ?? ''}` } });
  let res = await send();
  if (res.status === 401 && (await refreshTokens())) res = await send();
  return res;
}

async function uploadPhoto(caseId: string, file: File): Promise<Attachment> {
  const res = await withToken(`/grid-dispatch/cases/${encodeURIComponent(caseId)}/attachments`, {
    method: 'POST',
    headers: { 'content-type': file.type, 'x-file-name': encodeURIComponent(file.name) },
    body: file,
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: the status says enough
  }
  if (!res.ok) throw toApiError(res.status, body);
  const a = body as { ref: string; mediaType: string; name?: string };
  return { ref: a.ref, mediaType: a.mediaType, ...(a.name ? { name: a.name } : {}) };
}

/** The photos field of a form: uploads each picked photo at once, its value the uploaded refs. */
export function PhotoUpload({ caseId, value, onChange }: { caseId: string; value?: Attachment[]; onChange?: (v: Attachment[]) => void }) {
  const [files, setFiles] = useState<UploadFile<Attachment>[]>([]);
  const publish = (list: UploadFile<Attachment>[]) => {
    setFiles(list);
    onChange?.(list.filter((f) => f.status === 'done' && f.response).map((f) => f.response!));
  };
  useEffect(() => {
    if (!value?.length && files.some((f) => f.status === 'done')) setFiles([]);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value]);
  return (
    <Upload<Attachment>
      accept={PHOTO_TYPES.join(',')}
      listType="picture-card"
      multiple
      fileList={files}
      aria-label="上传现场照片"
      beforeUpload={(file) => {
        const problem = photoProblem(file);
        if (problem) {
          publish([...files, { uid: file.uid, name: file.name, status: 'error', response: undefined, error: new Error(problem) } as UploadFile<Attachment>]);
          return Upload.LIST_IGNORE;
        }
        return true;
      }}
      customRequest={({ file, onSuccess, onError }) => {
        uploadPhoto(caseId, file as File).then(
          (a) => onSuccess?.(a),
          (e: Error) => onError?.(e),
        );
      }}
      onChange={({ fileList }) => publish(fileList.map((f) => (f.status === 'error' ? { ...f, response: undefined } : f)))}
    >
      <div>
        <PlusOutlined />
        <div style={{ marginTop: 4 }}>照片</div>
      </div>
    </Upload>
  );
}

/** A data: URL of a protected file (the page's policy lets images come from data: URLs, not from blob: ones). */
async function dataUrlOf(ref: string): Promise<string> {
  const res = await withToken(ref);
  if (!res.ok) throw new Error(String(res.status));
  const blob = await res.blob();
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('read'));
    reader.readAsDataURL(blob);
  });
}

/** The photos of a step, as thumbnails that open large. */
export function PhotoThumbs({ attachments }: { attachments: Attachment[] }) {
  const [urls, setUrls] = useState<(string | null)[]>([]);
  useEffect(() => {
    let live = true;
    void Promise.all(attachments.map((a) => dataUrlOf(a.ref).catch(() => null))).then((u) => live && setUrls(u));
    return () => {
      live = false;
    };
  }, [attachments]);
  return (
    <Space wrap size={4} style={{ marginTop: 4 }}>
      {attachments.map((a, i) =>
        urls[i] ? (
          <Image key={a.ref} src={urls[i]!} width={72} height={72} style={{ objectFit: 'cover' }} alt={a.name ?? '现场照片'} />
        ) : (
          <span key={a.ref}>{a.name ?? '照片'}</span>
        ),
      )}
    </Space>
  );
}
