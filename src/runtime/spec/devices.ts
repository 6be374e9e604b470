// Device nodes and the devices-cgroup rules of a container (pure).
//
// Unprivileged: no extra nodes (runc creates null, zero, full, random, urandom, tty and the ptmx
// link itself) and Docker's rules: deny everything, then allow the basic character devices and
// deny fuse. runc appends its own defaults (`c *:* m`, `b *:* m`, pts, ptmx, tun…) after these.
// Privileged: every host device node (host.ts lists them) and one "allow all" rule.

import type { OciDevice, OciDeviceRule } from './types.js'

const allowChar = (major: number, minor: number): OciDeviceRule => ({ allow: true, type: 'c', major, minor, access: 'rwm' })

export const DEFAULT_DEVICE_RULES: readonly OciDeviceRule[] = [
  { allow: false, access: 'rwm' },
  allowChar(1, 5), // zero
  allowChar(1, 3), // null
  allowChar(1, 9), // urandom
  allowChar(1, 8), // random
  allowChar(5, 0), // tty
  allowChar(5, 1), // console
  { allow: false, type: 'c', major: 10, minor: 229, access: 'rwm' }, // fuse
]

export interface DeviceSetup {
  devices: OciDevice[]
  rules: OciDeviceRule[]
}

export function devicesFor(privileged: boolean, hostDevices: readonly OciDevice[] = []): DeviceSetup {
  if (!privileged) return { devices: [], rules: DEFAULT_DEVICE_RULES.map((r) => ({ ...r })) }
  return { devices: hostDevices.map((d) => ({ ...d })), rules: [{ allow: true, access: 'rwm' }] }
}
