// Which namespaces runc creates, joins or leaves shared with the host (pure).
//
// A namespace entry without a path is created fresh; one with a path joins it (a
// /proc/<pid>/ns/<type> file or a bind-mounted pin); no entry shares the host's. 'none' is a
// private namespace that Docker leaves unfurnished: network 'none' gets only lo (runc brings it
// up), ipc 'none' gets no /dev/shm (mounts.ts). The mount namespace is always the container's
// own (or joined). User namespaces are not remapped yet: only 'host' is accepted.

import { BerthError } from '../../lib/errors.js'
import type { NamespaceType, OciNamespace } from './types.js'

export interface NamespaceChoice {
  mode: 'private' | 'host' | 'join' | 'none'
  path?: string
}

export interface NamespaceChoices {
  pid: NamespaceChoice
  ipc: NamespaceChoice
  uts: NamespaceChoice
  network: NamespaceChoice
  cgroup: NamespaceChoice
  user: NamespaceChoice
  mount?: NamespaceChoice
}

const ORDER: ReadonlyArray<keyof NamespaceChoices> = ['mount', 'network', 'uts', 'pid', 'ipc', 'cgroup', 'user']
const NONE_ALLOWED: ReadonlySet<string> = new Set(['network', 'ipc'])

export function namespacesFor(choices: NamespaceChoices): OciNamespace[] {
  const out: OciNamespace[] = []
  for (const type of ORDER) {
    const choice = choices[type] ?? { mode: 'private' }
    checkChoice(type, choice)
    if (choice.mode === 'host') continue
    out.push(choice.mode === 'join' ? { type: type as NamespaceType, path: choice.path } : { type: type as NamespaceType })
  }
  return out
}

function checkChoice(type: keyof NamespaceChoices, c: NamespaceChoice): void {
  if (c.mode === 'join') {
    if (!c.path || !c.path.startsWith('/')) {
      throw new BerthError('invalid', `joining a ${type} namespace needs an absolute path, got "${c.path ?? ''}"`)
    }
    return
  }
  if (c.path !== undefined) throw new BerthError('invalid', `${type} namespace mode ${c.mode} takes no path`)
  if (c.mode === 'none' && !NONE_ALLOWED.has(type)) {
    throw new BerthError('invalid', `namespace mode "none" is not valid for ${type}`)
  }
  if (type === 'mount' && c.mode === 'host') {
    throw new BerthError('invalid', 'a container cannot share the host mount namespace')
  }
  if (type === 'user' && c.mode !== 'host') {
    throw new BerthError('not-implemented', 'user namespace remapping is not supported yet')
  }
}

/** runc sets hostname and domainname only inside a UTS namespace it creates itself. */
export const ownsUts = (choices: NamespaceChoices): boolean => choices.uts.mode === 'private'

/** Docker tunes the network sysctls only in a network namespace it creates (private or none). */
export const ownsNetwork = (choices: NamespaceChoices): boolean =>
  choices.network.mode === 'private' || choices.network.mode === 'none'

/** Sysctls Docker sets in a fresh netns: ping without CAP_NET_RAW, low ports without CAP_NET_BIND_SERVICE. */
export const NETWORK_SYSCTLS: Readonly<Record<string, string>> = {
  'net.ipv4.ping_group_range': '0 2147483647',
  'net.ipv4.ip_unprivileged_port_start': '0',
}
