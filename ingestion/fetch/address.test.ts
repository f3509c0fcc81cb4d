import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { addressRange, createGuardedLookup, describeRange, isAllowedHost, isPublicAddress } from './address.ts';
import type { Resolver } from './address.ts';
import { FetchError } from './errors.ts';

describe('addressRange / isPublicAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.5', 'private'],
    ['172.16.3.4', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.10', 'reserved'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'ipv4Mapped:loopback'],
    ['::ffff:7f00:1', 'ipv4Mapped:loopback'],
    ['::ffff:10.1.2.3', 'ipv4Mapped:private'],
    ['::ffff:169.254.169.254', 'ipv4Mapped:linkLocal'],
    ['64:ff9b::a00:1', 'rfc6052:private'], // NAT64 of 10.0.0.1
    ['64:ff9b:1::1', 'rfc6052'], // local-use NAT64 prefix
    ['2002:7f00:1::', '6to4:loopback'],
    ['2002:c0a8:101::1', '6to4:private'],
    ['2001:0:4136:e378:8000:63bf:f5ff:fffe', 'teredo:private'], // client 10.0.0.1, stored inverted
    ['::7f00:1', 'ipv4Compatible'],
    ['not-an-ip', 'invalid'],
  ])('%s is %s', (ip, range) => {
    expect(addressRange(ip)).toBe(range);
    expect(isPublicAddress(ip)).toBe(false);
  });

  it.each(['93.184.216.34', '8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1'])(
    '%s is public',
    (ip) => {
      expect(addressRange(ip)).toBe('unicast');
      expect(isPublicAddress(ip)).toBe(true);
    },
  );

  it('describes ranges for people', () => {
    expect(describeRange('private')).toBe('a private address');
    expect(describeRange('ipv4Mapped:loopback')).toBe('a loopback address (this machine) inside an IPv6 address (ipv4Mapped)');
    expect(describeRange('benchmarking')).toBe('a special-purpose address (benchmarking)');
  });
});

describe('isAllowedHost', () => {
  it('matches a bare hostname on any port and host:port on that port only', () => {
    expect(isAllowedHost(['wiki.corp'], 'wiki.corp', '8080', 'http:')).toBe(true);
    expect(isAllowedHost(['WIKI.corp'], 'wiki.corp.', '', 'https:')).toBe(true);
    expect(isAllowedHost(['127.0.0.1:8080'], '127.0.0.1', '8080', 'http:')).toBe(true);
    expect(isAllowedHost(['127.0.0.1:8080'], '127.0.0.1', '8081', 'http:')).toBe(false);
    expect(isAllowedHost(['wiki.corp:443'], 'wiki.corp', '', 'https:')).toBe(true);
    expect(isAllowedHost(['wiki.corp:443'], 'wiki.corp', '', 'http:')).toBe(false);
    expect(isAllowedHost(['[::1]:8080'], '::1', '8080', 'http:')).toBe(true);
    expect(isAllowedHost(['[::1]:8080'], '[::1]', '8080', 'http:')).toBe(true);
    expect(isAllowedHost([], 'wiki.corp', '', 'http:')).toBe(false);
    expect(isAllowedHost(['corp'], 'wiki.corp', '', 'http:')).toBe(false);
  });
});

describe('createGuardedLookup', () => {
  const resolverOf =
    (table: Record<string, string[]>): Resolver =>
    async (host) =>
      (table[host] ?? []).map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 }));

  const lookup = (resolve: Resolver, host: string, all: boolean) =>
    new Promise<{ err: NodeJS.ErrnoException | null; address: unknown; family?: number }>((done) => {
      createGuardedLookup(resolve)(host, { all }, (err, address, family) => done({ err, address, family }));
    });

  it('refuses a host that resolves to a private address, saying so', async () => {
    const { err } = await lookup(resolverOf({ 'intranet.local': ['10.0.0.5'] }), 'intranet.local', true);
    expect(err).toBeInstanceOf(FetchError);
    expect((err as FetchError).code).toBe('blocked_address');
    expect(err?.message).toBe(
      'intranet.local resolves to 10.0.0.5, a private address. Kefu does not fetch private, loopback or link-local ' +
        'addresses unless an administrator allows it (KB_FETCH_ALLOW_PRIVATE or KB_FETCH_ALLOW_HOSTS).',
    );
  });

  it('refuses when any one of several addresses is not public', async () => {
    const { err } = await lookup(resolverOf({ 'mixed.test': ['93.184.216.34', '::1'] }), 'mixed.test', false);
    expect((err as FetchError).code).toBe('blocked_address');
  });

  it('hands back exactly the addresses it checked, in both lookup shapes', async () => {
    const resolve = resolverOf({ 'ok.test': ['93.184.216.34', '2606:2800:220:1::1'] });
    const all = await lookup(resolve, 'ok.test', true);
    expect(all.err).toBeNull();
    expect(all.address).toEqual([
      { address: '93.184.216.34', family: 4 },
      { address: '2606:2800:220:1::1', family: 6 },
    ]);
    const one = await lookup(resolve, 'ok.test', false);
    expect(one).toEqual({ err: null, address: '93.184.216.34', family: 4 });
  });

  it('resolves once per connection, so a rebinding DNS cannot swap the address after the check', async () => {
    let calls = 0;
    const rebinding: Resolver = async () => {
      calls++;
      return [{ address: calls === 1 ? '93.184.216.34' : '127.0.0.1', family: 4 }];
    };
    const first = await lookup(rebinding, 'rebind.test', false);
    expect(first.address).toBe('93.184.216.34');
    expect(calls).toBe(1);
    const second = await lookup(rebinding, 'rebind.test', false);
    expect((second.err as FetchError).code).toBe('blocked_address');
  });

  it('reports a name with no addresses as not found', async () => {
    const { err } = await lookup(resolverOf({}), 'nowhere.test', true);
    expect(err?.code).toBe('ENOTFOUND');
  });
});
