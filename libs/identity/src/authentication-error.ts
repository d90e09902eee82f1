/** Why a caller is not authenticated. Stable codes for programs, Chinese messages for people. */
export type AuthenticationFailure =
  | 'AUTH.TOKEN_MISSING'
  | 'AUTH.TOKEN_EXPIRED'
  | 'AUTH.TOKEN_INVALID'
  | 'AUTH.CLAIMS_INVALID'
  | 'AUTH.SESSION_REVOKED'
  | 'AUTH.BAD_CREDENTIALS'
  | 'AUTH.LOCKED'
  | 'AUTH.REFRESH_INVALID'
  | 'AUTH.REFRESH_EXPIRED'
  | 'AUTH.REFRESH_REUSED'
  | 'AUTH.REFRESH_REVOKED'
  | 'AUTH.USER_DISABLED'
  | 'AUTH.USER_UNKNOWN'
  | 'AUTH.TOKEN_LIFETIME_EXCEEDED';

const MESSAGES: Record<AuthenticationFailure, string> = {
  'AUTH.TOKEN_MISSING': '请先登录',
  'AUTH.TOKEN_EXPIRED': '登录已过期，请重新登录',
  'AUTH.TOKEN_INVALID': '登录凭证无效，请重新登录',
  'AUTH.CLAIMS_INVALID': '登录凭证内容不完整，请重新登录',
  'AUTH.SESSION_REVOKED': '会话已退出，请重新登录',
  'AUTH.BAD_CREDENTIALS': '用户名或密码错误',
  'AUTH.LOCKED': '登录失败次数过多，账号已临时锁定，请稍后再试',
  'AUTH.REFRESH_INVALID': '刷新凭证无效，请重新登录',
  'AUTH.REFRESH_EXPIRED': '刷新凭证已过期，请重新登录',
  'AUTH.REFRESH_REUSED': '刷新凭证已被使用过，为安全起见该会话已注销，请重新登录',
  'AUTH.REFRESH_REVOKED': '会话已退出，请重新登录',
  'AUTH.USER_DISABLED': '账号已停用',
  'AUTH.USER_UNKNOWN': '登录凭证中的用户在人员目录中不存在，请重新登录',
  'AUTH.TOKEN_LIFETIME_EXCEEDED': '登录凭证有效期超过允许的上限，请重新登录',
};

/** Not a DomainError: it becomes 401 (or 429 for `AUTH.LOCKED`) at the HTTP edge, never a business refusal. */
export class AuthenticationError extends Error {
  constructor(
    readonly code: AuthenticationFailure,
    /** for `AUTH.LOCKED`: seconds until the next attempt is allowed */
    readonly retryAfterSeconds?: number,
  ) {
    super(MESSAGES[code]);
    this.name = 'AuthenticationError';
  }
}
