import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { call, currentTokens, fromAnswer, get, onTokens, setTokens } from '../api/client';
import type { Me } from '../api/types';
import { forgetReference } from '../shared/reference';

interface SessionValue {
  me: Me | null;
  /** true until the stored session has been checked */
  checking: boolean;
  login(username: string, password: string): Promise<void>;
  logout(): Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

export function useSession(): SessionValue {
  const v = useContext(SessionContext);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}

export function useMe(): Me {
  const { me } = useSession();
  if (!me) throw new Error('useMe without a signed-in user');
  return me;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [checking, setChecking] = useState(!!currentTokens());

  useEffect(() => {
    // a stored session: ask who we are (refreshes the token if it has expired)
    if (currentTokens())
      get<Me>('/auth/me')
        .then(
          (m) => setMe(m),
          () => setTokens(null),
        )
        .finally(() => setChecking(false));
    return onTokens((t) => {
      if (!t) {
        setMe(null);
        forgetReference();
      }
    });
  }, []);

  // keep the access token fresh while the page is open (the client also refreshes on 401)
  useEffect(() => {
    if (!me) return;
    const timer = setInterval(() => {
      const t = currentTokens();
      if (t && t.expiresAt - Date.now() < 60_000) void get<Me>('/auth/me').catch(() => undefined);
    }, 30_000);
    return () => clearInterval(timer);
  }, [me]);

  const login = useCallback(async (username: string, password: string) => {
    const answer = await call<{ accessToken: string; refreshToken: string; expiresIn: number }>('/auth/login', {
      method: 'POST',
      body: { username, password },
      anonymous: true,
    });
    setTokens(fromAnswer(answer.data));
    setMe(await get<Me>('/auth/me'));
  }, []);

  const logout = useCallback(async () => {
    const t = currentTokens();
    // forget the session here first, so no call of the page still loading goes out with a token being revoked
    setTokens(null);
    if (t) await call('/auth/logout', { method: 'POST', body: { refreshToken: t.refreshToken }, anonymous: true }).catch(() => undefined);
  }, []);

  return <SessionContext.Provider value={{ me, checking, login, logout }}>{children}</SessionContext.Provider>;
}
