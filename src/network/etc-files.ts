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

export interface ResolvOptions {
  /** --network host: the host's file as it is (with any overrides applied) */
  hostNetwork: boolean
  /** the embedded DNS server's address (user-defined networks) */
  embedded?: string
  dns?: readonly string[]
  search?: readonly string[]
  options?: readonly string[]
}

/**
 * A container's resolv.conf, Docker's way: its own --dns/--dns-search/--dns-option replace the
 * host's lines of the same kind. Loopback nameservers of the host are dropped for a private network
 * namespace (unreachable there); berth never invents an upstream resolver. On a user-defined
 * network the only nameserver is the embedded one, which forwards what it does not know.
 */
export function resolvConf(host: string, opts: ResolvOptions): string {
  const lines = host.split('\n')
  const overridden = !!(opts.embedded || opts.dns?.length || opts.search?.length || opts.options?.length)
  if (opts.hostNetwork && !overridden) return host
  const hostNs = lines.map((l) => /^\s*nameserver\s+(\S+)/.exec(l)?.[1]).filter((x): x is string => !!x)
  const hostSearch = lines.map((l) => /^\s*(?:search|domain)\s+(.+)$/.exec(l)?.[1]).filter((x): x is string => !!x).pop()?.trim().split(/\s+/) ?? []
  const hostOpts = lines.flatMap((l) => /^\s*options\s+(.+)$/.exec(l)?.[1]?.trim().split(/\s+/) ?? [])

  const servers = opts.embedded
    ? [opts.embedded]
    : opts.dns?.length
      ? [...opts.dns]
      : hostNs.filter((s) => opts.hostNetwork || !/^(127\.|::1$)/.test(s))
  const search = opts.search?.length ? opts.search.filter((s) => s !== '.') : hostSearch
  const options = opts.options?.length ? [...opts.options] : hostOpts
  if (opts.embedded && !options.some((o) => o.startsWith('ndots:'))) options.unshift('ndots:0')

  const out: string[] = []
  for (const s of servers) out.push(`nameserver ${s}`)
  if (search.length) out.push(`search ${search.join(' ')}`)
  if (options.length) out.push(`options ${options.join(' ')}`)
  if (opts.embedded) {
    const ext = opts.dns?.length ? opts.dns : hostNs
    out.push('', `# ExtServers: [${ext.join(' ')}]`)
  }
  return out.join('\n') + '\n'
}
