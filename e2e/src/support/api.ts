import { DEMO_PASSWORD } from '@fengqiao/demo';
import { eventually, LooseJson } from '@fengqiao/testing';

export interface Reply {
  status: number;
  body: LooseJson;
  etag: string | null;
}

/** A logged-in demo user calling the services over HTTP. */
export class Client {
  private constructor(
    readonly username: string,
    private readonly token: string,
  ) {}

  static async login(authUrl: string, username: string): Promise<Client> {
    const res = await fetch(`${authUrl}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: DEMO_PASSWORD }),
    });
    const body = (await res.json()) as LooseJson;
    if (res.status !== 200) throw new Error(`login of ${username} failed: ${res.status} ${JSON.stringify(body)}`);
    return new Client(username, body.accessToken);
  }

  async call(method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    const res = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as LooseJson) : undefined, etag: res.headers.get('etag') };
  }

  /** POST that must succeed; the error body is in the message when it does not. */
  async ok(url: string, body: unknown = {}, headers: Record<string, string> = {}): Promise<LooseJson> {
    const r = await this.call('POST', url, body, headers);
    if (r.status >= 300) throw new Error(`${this.username} POST ${url} → ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  async get(url: string): Promise<Reply> {
    return this.call('GET', url);
  }

  /** GET of a page that is not JSON (printable documents). */
  async text(url: string): Promise<{ status: number; text: string }> {
    const res = await fetch(url, { headers: { authorization: `Bearer ${this.token}` } });
    return { status: res.status, text: await res.text() };
  }
}

/** Waits until the grid-dispatch case detail satisfies `pred` (the work order is fed through the bus). */
export async function waitForCase(client: Client, gridUrl: string, caseId: string, pred: (c: LooseJson) => boolean, what: string): Promise<LooseJson> {
  return eventually(
    async () => {
      const r = await client.get(`${gridUrl}/grid-dispatch/cases/${caseId}`);
      return r.status === 200 && pred(r.body) ? r.body : undefined;
    },
    // generous: a Kafka rebalance (a member joining or leaving) can hold a partition for tens of seconds
    { what, timeoutMs: 150_000, intervalMs: 200 },
  );
}
