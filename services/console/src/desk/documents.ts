import { call } from '../api/client';

/**
 * Opens a printable document of a case (A4 HTML from the API, which needs the bearer token) in a new
 * window: fetched with the session, shown from a blob URL; the user prints or saves it as PDF there.
 */
export async function openDocument(href: string): Promise<void> {
  // open the window while the click still counts as the user's (a popup opened after an await may be blocked)
  const win = window.open('', '_blank');
  try {
    const answer = await call<string>(href);
    const html = typeof answer.data === 'string' ? answer.data : JSON.stringify(answer.data);
    const url = URL.createObjectURL(new Blob([html], { type: 'text/html;charset=utf-8' }));
    if (win) win.location.href = url;
    else window.location.href = url;
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (e) {
    win?.close();
    throw e;
  }
}

/** Whole days left until a due time (negative once past), counted in China time. */
export function daysLeft(dueAt: string | number, now = Date.now()): number {
  const day = (ms: number) => Math.floor((ms + 8 * 3_600_000) / 86_400_000);
  return day(typeof dueAt === 'number' ? dueAt : Date.parse(dueAt)) - day(now);
}

/** `还剩 3 天` / `今天到期` / `已超期 2 天`. */
export function daysLeftText(n: number): string {
  return n > 0 ? `还剩 ${n} 天` : n === 0 ? '今天到期' : `已超期 ${-n} 天`;
}
