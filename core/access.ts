// Who may do what. One permission matrix (roles × permissions), one helper every route calls (authorize), and the
// principal types the auth middleware (app/http/auth.ts) attaches to a request. Visitors (widget customers) carry
// no permissions: routes check that the conversation belongs to their contact.
import type { Response } from 'express';
import { AppError } from './errors.ts';

export type Role = 'admin' | 'supervisor' | 'agent' | 'kb_manager' | 'qa_lead';
export const ROLES: readonly Role[] = ['admin', 'supervisor', 'agent', 'kb_manager', 'qa_lead'];

export type Permission =
  | 'kb:read' // search the knowledge base, list documents
  | 'kb:write' // add, change and delete documents
  | 'conversations:work' // take conversations from the queue, reply, transfer, resolve
  | 'conversations:read_all' // read any conversation in the workspace
  | 'qa:review' // see and override quality scores
  | 'reports:read' // dashboards and exports
  | 'team:manage' // skills, agents' skills, levels and capacity
  | 'admin:users' // add, change and disable staff users
  | 'admin:api_keys' // create and revoke API keys
  | 'admin:audit' // read the audit log
  | 'admin:settings'; // workspace settings (thresholds, hours, branding)

export const PERMISSIONS: readonly Permission[] = [
  'kb:read',
  'kb:write',
  'conversations:work',
  'conversations:read_all',
  'qa:review',
  'reports:read',
  'team:manage',
  'admin:users',
  'admin:api_keys',
  'admin:audit',
  'admin:settings',
];

// Record<Role, …>: a new role must state its permissions, or this does not compile.
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  supervisor: ['kb:read', 'conversations:work', 'conversations:read_all', 'qa:review', 'reports:read', 'team:manage'],
  agent: ['kb:read', 'conversations:work'],
  kb_manager: ['kb:read', 'kb:write'],
  qa_lead: ['kb:read', 'conversations:read_all', 'qa:review', 'reports:read'],
};

export type Principal =
  | { type: 'user'; workspaceId: string; userId: string; role: Role; sessionId: string }
  | { type: 'api_key'; workspaceId: string; keyId: string; scopes: readonly Permission[] }
  | { type: 'visitor'; workspaceId: string; contactId: string };

export function can(principal: Principal | undefined, permission: Permission): boolean {
  if (!principal) return false;
  switch (principal.type) {
    case 'user':
      return ROLE_PERMISSIONS[principal.role].includes(permission);
    case 'api_key':
      return principal.scopes.includes(permission);
    case 'visitor':
      return false;
  }
}

export const principalOf = (res: Response): Principal | undefined => res.locals.principal as Principal | undefined;

/**
 * Returns the staff principal allowed `permission` (or any of `alternatives`), or throws 401 (not signed in) / 403
 * (signed in, not allowed).
 */
export function authorize(res: Response, permission: Permission, ...alternatives: Permission[]): Exclude<Principal, { type: 'visitor' }> {
  const principal = principalOf(res);
  if (!principal || principal.type === 'visitor') {
    throw new AppError('unauthenticated', 'Sign in first: send the session cookie, or an Authorization: Bearer token or API key.');
  }
  if (![permission, ...alternatives].some((p) => can(principal, p))) {
    const who = principal.type === 'user' ? `The ${principal.role} role` : 'This API key';
    const needs = [permission, ...alternatives].join(' or ');
    throw new AppError('forbidden', `${who} may not do this (needs the ${needs} permission). Ask an admin if you need it.`, {
      details: { permission },
    });
  }
  return principal;
}

/** Any signed-in principal, visitors included; throws 401 otherwise. */
export function requirePrincipal(res: Response): Principal {
  const principal = principalOf(res);
  if (!principal) throw new AppError('unauthenticated', 'Sign in first, or start a conversation to get a visitor token.');
  return principal;
}

export const actorOf = (p: Principal): { type: 'user' | 'api_key' | 'system'; id: string } =>
  p.type === 'user' ? { type: 'user', id: p.userId } : p.type === 'api_key' ? { type: 'api_key', id: p.keyId } : { type: 'system', id: p.contactId };
