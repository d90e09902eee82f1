import { ApiError, statusMessage, toApiError } from './api-error';
import { currentTokens, refreshTokens } from './client';

/** Downloads a file of a protected API (CSV, XLSX) with the session's token and saves it under `filename`. */
export async function download(path: string, filename: string): Promise<void> {
  const once = async () => fetch(path, { headers: { authorization: `Bearer ${currentTokens()?.accessToken ?? ''}` } });
  let res = await once().catch(() => null);
  if (res?.status === 401 && (await refreshTokens())) res = await once().catch(() => null);
  if (!res) throw new ApiError(0, 'NETWORK', statusMessage(0));
  if (!res.ok) {
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: the status says enough
    }
    throw toApiError(res.status, body);
  }
  const a = document.createElement('a');
  a.href = URL.createObjectURL(await res.blob());
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
