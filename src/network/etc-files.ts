// The per-container /etc/hosts, /etc/hostname and /etc/resolv.conf contents. Pure functions; the
// files are written by engine/containers/rootfs.ts and bind-mounted by the spec.

export function hostsFile(opts: { hostname: string; domainname?: string; ips?: string[]; extra?: string[] }): string {
  const lines = [
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'ff00::0\tip6-mcastprefix',
    'ff02::1\tip6-allnodes',
    'ff02::2\tip6-allrouters',
  ]
  for (const e of opts.extra ?? []) lines.push(e)
  const names = opts.domainname ? `${opts.hostname}.${opts.domainname}\t${opts.hostname}` : opts.hostname
  for (const ip of opts.ips ?? []) lines.push(`${ip}\t${names}`)
  return lines.join('\n') + '\n'
}

/**
 * The host's resolv.conf with loopback nameservers removed (they are unreachable from a private
 * network namespace), as Docker does. When none remain, the file has no nameserver line: berth
 * never invents an upstream resolver.
 */
export function resolvConf(host: string, opts: { hostNetwork: boolean }): string {
  if (opts.hostNetwork) return host
  const kept = host
    .split('\n')
    .filter((l) => !/^\s*nameserver\s+(127\.|::1\b)/.test(l))
  return kept.join('\n').replace(/\n*$/, '\n')
}
