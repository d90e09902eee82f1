import { Logger } from '@nestjs/common';

/**
 * A refused request, as logged: who, what, on what, and why. Ids and codes only: never a token, a
 * party's name, ID number, phone or address, nor a query string (which may hold any of them).
 */
export interface Denial {
  /** 401: not authenticated; 403: not allowed */
  status: 401 | 403;
  /** stable code, e.g. `AUTH.OUT_OF_JURISDICTION` */
  reason: string;
  userId: string | null;
  roles: string[];
  action: string | null;
  resource: {
    /** `GET /cases/:id` for a route, or a resource type such as `case` */
    type: string;
    id?: string;
    /** jurisdiction of the resource (unit ids) */
    jurisdiction?: readonly string[];
  };
}

type Listener = (denial: Denial) => void;

const logger = new Logger('Authorization');
const listeners = new Set<Listener>();

/** Every denial goes through here: one warn line in the service log (pino), and to listeners. */
export const denialLog = {
  record(denial: Denial): void {
    logger.warn({ event: 'auth.denied', ...denial });
    for (const listener of listeners) listener(denial);
  },
  /** Adds a listener (tests, an audit trail); returns the function that removes it. */
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
