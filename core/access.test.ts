import { describe, expect, it } from 'vitest';
import { can, PERMISSIONS, ROLE_PERMISSIONS, ROLES } from './access.ts';

describe('can', () => {
  it('gives admins everything and visitors nothing', () => {
    for (const p of PERMISSIONS) {
      expect(can({ type: 'user', role: 'admin', workspaceId: 'w', userId: 'u', sessionId: 's' }, p)).toBe(true);
      expect(can({ type: 'visitor', workspaceId: 'w', contactId: 'c' }, p)).toBe(false);
    }
  });
  it('limits API keys to their scopes', () => {
    const key = { type: 'api_key' as const, workspaceId: 'w', keyId: 'k', scopes: ['kb:read' as const] };
    expect(can(key, 'kb:read')).toBe(true);
    expect(can(key, 'kb:write')).toBe(false);
  });
  it('keeps admin permissions with admins only', () => {
    for (const role of ROLES.filter((r) => r !== 'admin')) {
      expect(ROLE_PERMISSIONS[role].filter((p) => p.startsWith('admin:'))).toEqual([]);
    }
  });
});
