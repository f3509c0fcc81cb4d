// Authentication: password login → session (httpOnly cookie, or the same token as a Bearer), hashed API keys with
// scopes, and signed visitor tokens (JWT, HS256 via jose) for widget customers. The middleware turns whichever
// credential arrives into a Principal on res.locals; routes then call authorize() (core/access.ts).
import type { NextFunction, Request, Response } from 'express';
import { jwtVerify, SignJWT } from 'jose';
import type { Permission, Principal, Role } from '../../core/access.ts';
import type { Config } from '../../core/config.ts';
import type { Db, Queryable } from '../../core/db/index.ts';
import { AppError } from '../../core/errors.ts';
import { randomToken, sha256, verifyPassword } from '../../core/secrets.ts';

export const SESSION_COOKIE = 'kefu_session';
export const API_KEY_PREFIX = 'kefu_';

export type Auth = {
  middleware: (req: Request, res: Response, next: NextFunction) => void;
  login: (email: string, password: string) => Promise<{ token: string; expiresAt: Date; user: SessionUser }>;
  logout: (sessionId: string) => Promise<void>;
  issueVisitorToken: (v: { workspaceId: string; contactId: string }) => Promise<string>;
  cookieOptions: { httpOnly: true; sameSite: 'lax'; secure: boolean; path: '/'; maxAge: number };
};
export type SessionUser = { id: string; workspaceId: string; email: string; name: string; role: Role };

/** The signing secret: SESSION_SECRET when set, else one generated on first start and shared through the database. */
export async function loadSigningSecret(db: Queryable, config: Config): Promise<Uint8Array> {
  if (config.SESSION_SECRET) return new TextEncoder().encode(config.SESSION_SECRET);
  await db.query(`INSERT INTO instance_secrets (name, value) VALUES ('visitor_token', $1) ON CONFLICT (name) DO NOTHING`, [randomToken(48)]);
  const { rows } = await db.query<{ value: string }>(`SELECT value FROM instance_secrets WHERE name = 'visitor_token'`);
  return new TextEncoder().encode(rows[0]!.value);
}

export function createAuth(deps: { db: Db; config: Config; secret: Uint8Array }): Auth {
  const ttlMs = deps.config.SESSION_TTL_HOURS * 3600 * 1000;
  const issuer = 'kefu';

  async function fromSession(token: string): Promise<Principal | null> {
    const { rows } = await deps.db.query<{ sessionId: string; userId: string; workspaceId: string; role: Role }>(
      `SELECT s.id AS "sessionId", u.id AS "userId", u.workspace_id AS "workspaceId", u.role
         FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now() AND u.disabled_at IS NULL`,
      [sha256(token)],
    );
    const r = rows[0];
    return r ? { type: 'user', workspaceId: r.workspaceId, userId: r.userId, role: r.role, sessionId: r.sessionId } : null;
  }

  async function fromApiKey(key: string): Promise<Principal | null> {
    const { rows } = await deps.db.query<{ id: string; workspaceId: string; scopes: Permission[] }>(
      `UPDATE api_keys SET last_used_at = now() WHERE key_hash = $1 AND revoked_at IS NULL
       RETURNING id, workspace_id AS "workspaceId", scopes`,
      [sha256(key)],
    );
    const r = rows[0];
    return r ? { type: 'api_key', workspaceId: r.workspaceId, keyId: r.id, scopes: r.scopes } : null;
  }

  async function fromVisitorToken(token: string): Promise<Principal | null> {
    try {
      const { payload } = await jwtVerify(token, deps.secret, { issuer, audience: 'visitor', algorithms: ['HS256'] });
      if (typeof payload.sub !== 'string' || typeof payload.ws !== 'string') return null;
      return { type: 'visitor', workspaceId: payload.ws, contactId: payload.sub };
    } catch {
      return null;
    }
  }

  async function resolve(req: Request): Promise<Principal | null> {
    const header = req.get('authorization');
    const bearer = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
    // EventSource cannot send headers: a conversation's live-event stream may carry the visitor token in the query
    // (only there; request logs drop it, see app.ts).
    const fromQuery = req.method === 'GET' && /^\/api\/conversations\/[^/]+\/events$/.test(req.originalUrl.split('?')[0] ?? '') && typeof req.query.visitorToken === 'string' ? req.query.visitorToken : undefined;
    const visitor = req.get('x-visitor-token') ?? fromQuery;
    const cookie = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
    if (header && !bearer) throw new AppError('unauthenticated', 'The Authorization header must be "Bearer <token>".');
    if (bearer) {
      const p = bearer.startsWith(API_KEY_PREFIX) ? await fromApiKey(bearer) : bearer.split('.').length === 3 ? await fromVisitorToken(bearer) : await fromSession(bearer);
      if (!p) throw new AppError('unauthenticated', 'This token is not valid (expired, revoked or mistyped). Sign in again or use a current API key.');
      return p;
    }
    if (visitor) {
      const p = await fromVisitorToken(visitor);
      if (!p) throw new AppError('unauthenticated', 'The visitor token is not valid or has expired. Start a new conversation to get a fresh one.');
      return p;
    }
    if (cookie) return fromSession(cookie); // a stale cookie just means "signed out"
    return null;
  }

  return {
    middleware(req, res, next) {
      resolve(req).then(
        (p) => {
          if (p) res.locals.principal = p;
          next();
        },
        (err: unknown) => next(err),
      );
    },
    async login(email, password) {
      const { rows } = await deps.db.query<SessionUser & { passwordHash: string; disabledAt: Date | null }>(
        `SELECT id, workspace_id AS "workspaceId", email, name, role, password_hash AS "passwordHash", disabled_at AS "disabledAt"
           FROM users WHERE lower(email) = lower($1)`,
        [email],
      );
      const user = rows[0];
      // Same message for unknown email and wrong password: no account probing.
      const ok = user && !user.disabledAt && (await verifyPassword(password, user.passwordHash));
      if (!user || !ok) throw new AppError('unauthenticated', 'Email or password is wrong. Check both and try again.');
      const token = randomToken(32);
      const expiresAt = new Date(Date.now() + ttlMs);
      await deps.db.query('INSERT INTO sessions (user_id, token_hash, expires_at) VALUES ($1, $2, $3)', [user.id, sha256(token), expiresAt]);
      return { token, expiresAt, user: { id: user.id, workspaceId: user.workspaceId, email: user.email, name: user.name, role: user.role } };
    },
    async logout(sessionId) {
      await deps.db.query('UPDATE sessions SET revoked_at = now() WHERE id = $1', [sessionId]);
    },
    async issueVisitorToken(v) {
      return new SignJWT({ ws: v.workspaceId })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(v.contactId)
        .setIssuer(issuer)
        .setAudience('visitor')
        .setIssuedAt()
        .setExpirationTime('30d')
        .sign(deps.secret);
    },
    cookieOptions: {
      httpOnly: true,
      sameSite: 'lax',
      secure: deps.config.COOKIE_SECURE ?? deps.config.NODE_ENV === 'production',
      path: '/',
      maxAge: ttlMs,
    },
  };
}
