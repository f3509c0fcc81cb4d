// Which addresses Kefu may connect to, and the DNS lookup that enforces it at connect time.
// Only public unicast is allowed: an importer that fetches whatever URL a user types is otherwise a way into the
// cluster's own network (databases, cloud metadata at 169.254.169.254, admin panels on localhost).
import dns from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { blockedAddress } from './errors.ts';

/**
 * The ipaddr.js range of an address, with addresses that embed an IPv4 address (IPv4-mapped, NAT64, 6to4, Teredo)
 * classified by the address they lead to, prefixed like `ipv4Mapped:loopback`. `'unicast'` means public.
 * Anything that does not parse as an IP is `'invalid'`.
 */
export function addressRange(ip: string): string {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.parse(stripBrackets(ip));
  } catch {
    return 'invalid';
  }
  if (addr.kind() === 'ipv4') return (addr as ipaddr.IPv4).range();
  const v6 = addr as ipaddr.IPv6;
  const range = v6.range();
  const p = v6.parts;
  const v4 = (hi: number, lo: number): string => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]).range();
  switch (range) {
    case 'ipv4Mapped': // ::ffff:a.b.c.d, which the kernel connects to as plain IPv4
    case 'rfc6145': // ::ffff:0:a.b.c.d
      return prefixed(range, v4(p[6] ?? 0, p[7] ?? 0));
    case 'rfc6052':
      // Only the well-known NAT64 prefix 64:ff9b::/96 has a fixed place for the IPv4 part; DNS64 networks use it for
      // every public site, so it must stay reachable. The local-use 64:ff9b:1::/48 is a private network's choice.
      return p[2] === 0 && p[3] === 0 && p[4] === 0 && p[5] === 0 ? prefixed(range, v4(p[6] ?? 0, p[7] ?? 0)) : range;
    case '6to4': // 2002:AABB:CCDD::/48 routes to a.b.c.d
      return prefixed(range, v4(p[1] ?? 0, p[2] ?? 0));
    case 'teredo': // 2001:0:server:…:client, client address stored bit-inverted
      return prefixed(range, v4(~(p[6] ?? 0) & 0xffff, ~(p[7] ?? 0) & 0xffff));
    case 'unicast':
      // Deprecated IPv4-compatible ::a.b.c.d (RFC 4291 §2.5.5.1): ipaddr.js calls it unicast, no one serves on it.
      return p.slice(0, 6).every((x) => x === 0) ? 'ipv4Compatible' : 'unicast';
    default:
      return range;
  }
}

function prefixed(outer: string, inner: string): string {
  return inner === 'unicast' ? 'unicast' : `${outer}:${inner}`;
}

/** True when Kefu may connect to `ip` without an administrator's say-so. */
export function isPublicAddress(ip: string): boolean {
  return addressRange(ip) === 'unicast';
}

const RANGE_WORDS: Record<string, string> = {
  loopback: 'a loopback address (this machine)',
  private: 'a private address',
  linkLocal: 'a link-local address (where cloud metadata services live)',
  uniqueLocal: 'a private (unique-local) IPv6 address',
  carrierGradeNat: 'a carrier-grade NAT address',
  unspecified: 'an unspecified address',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
  reserved: 'a reserved address',
  invalid: 'not a valid address',
};

/** A phrase for messages: "a private address", "a loopback address (this machine) inside an IPv6 address (ipv4Mapped)". */
export function describeRange(range: string): string {
  const [outer, inner] = range.includes(':') ? range.split(':') : [undefined, range];
  const base = RANGE_WORDS[inner ?? ''] ?? `a special-purpose address (${inner})`;
  return outer ? `${base} inside an IPv6 address (${outer})` : base;
}

/** Hostname as in a URL (`[::1]`) or as undici hands it to a connector (`::1`). */
export function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/**
 * Whether an administrator trusts this host. Entries are a hostname (any port) or host:port, compared
 * case-insensitively; the URL's default port counts as given, so `wiki.corp:443` matches `https://wiki.corp/`.
 */
export function isAllowedHost(
  allowHosts: readonly string[],
  hostname: string,
  port: string,
  protocol: string,
): boolean {
  if (allowHosts.length === 0) return false;
  const bare = stripBrackets(hostname).toLowerCase().replace(/\.$/, '');
  const urlHost = net.isIPv6(bare) ? `[${bare}]` : bare;
  const effectivePort = port !== '' ? port : protocol === 'https:' ? '443' : '80';
  for (const raw of allowHosts) {
    const entry = raw.trim().toLowerCase();
    if (entry === bare || entry === urlHost || entry === `${urlHost}:${effectivePort}`) return true;
  }
  return false;
}

export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

/** The first address that is not public unicast, with its range; null when all are public. */
export function firstBlocked(all: readonly { address: string }[]): { address: string; range: string } | null {
  for (const a of all) {
    const range = addressRange(a.address);
    if (range !== 'unicast') return { address: a.address, range };
  }
  return null;
}

export const systemResolver: Resolver = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
export type GuardedLookup = (hostname: string, options: LookupOptions, callback: LookupCallback) => void;

/**
 * A `lookup` for net/tls.connect that resolves every address of the host and refuses the connection when ANY of them
 * is not public (a host with one public and one private address is how DNS tricks pick the private one). Node then
 * connects to exactly the addresses this function returned, so there is no second resolution an attacker's DNS
 * could answer differently (DNS rebinding). net.connect skips `lookup` for IP literals: those are checked by the
 * connector in safe-fetch.ts.
 */
export function createGuardedLookup(resolve: Resolver = systemResolver): GuardedLookup {
  return function guardedLookup(hostname, options, callback) {
    resolve(hostname).then(
      (all) => {
        const family = options.family;
        const wanted = family === 4 || family === 6 ? all.filter((a) => a.family === family) : all;
        const first = wanted[0];
        if (!first) {
          const err: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
          err.code = 'ENOTFOUND';
          callback(err, '');
          return;
        }
        const blocked = firstBlocked(all);
        if (blocked) {
          callback(blockedAddress(hostname, blocked.address, describeRange(blocked.range), false), '');
          return;
        }
        if (options.all) callback(null, wanted);
        else callback(null, first.address, first.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, ''),
    );
  };
}
