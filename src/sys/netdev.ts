// Interface setup inside a container's network namespace through ioctl(2), so configuring a
// sandbox's side needs no process: a socket created inside the namespace (see inNetns) only
// sees that namespace's devices. Layouts are Linux x86_64/arm64 (`struct ifreq`, `struct rtentry`,
// `struct in6_ifreq`, `struct in6_rtmsg`). IPv4 goes through an AF_INET socket, IPv6 through an
// AF_INET6 one (the family of the socket picks the protocol's ioctl handler).
import { writeFileSync } from 'node:fs'
import koffi from 'koffi'
import { SysError, closeFd, openSocket } from './ffi.js'

const libc = koffi.load('libc.so.6')
const c = {
  ioctl: libc.func('int ioctl(int fd, unsigned long request, _Inout_ uint8_t *arg)'),
}

const AF_INET = 2
const AF_INET6 = 10
const SOCK_DGRAM_CLOEXEC = 2 | 0o2000000
const SIOCADDRT = 0x890b
const SIOCGIFFLAGS = 0x8913
const SIOCSIFFLAGS = 0x8914
const SIOCSIFADDR = 0x8916
const SIOCSIFNETMASK = 0x891c
const IFF_UP = 1
const RTF_UP = 1
const RTF_GATEWAY = 2
const SIOCGIFINDEX = 0x8933

function sockaddrIn(buf: Buffer, offset: number, ip: number): void {
  buf.writeUInt16LE(AF_INET, offset)
  buf.writeUInt32BE(ip >>> 0, offset + 4)
}

function ifreq(name: string): Buffer {
  if (Buffer.byteLength(name) > 15) throw new Error(`interface name too long: ${name}`)
  const buf = Buffer.alloc(40)
  buf.write(name, 0, 'utf8')
  return buf
}

/** 16 bytes of an IPv6 address, network order. */
function in6Addr(buf: Buffer, offset: number, ip: bigint): void {
  buf.writeBigUInt64BE(ip >> 64n, offset)
  buf.writeBigUInt64BE(ip & 0xffffffffffffffffn, offset + 8)
}

/** A configuration session on the current thread's network namespace. */
export class NetdevSession {
  private readonly fd: number
  /** the AF_INET6 socket, opened on first IPv6 use (in the same namespace) */
  private fd6 = -1

  constructor() {
    this.fd = openSocket(AF_INET, SOCK_DGRAM_CLOEXEC, 0, 'AF_INET')
  }

  private ioctl(op: string, request: number, buf: Buffer, fd = this.fd): void {
    if (c.ioctl(fd, request, buf) < 0) throw new SysError(op, koffi.errno(), 'E')
  }

  private inet6(): number {
    if (this.fd6 < 0) {
      this.fd6 = openSocket(AF_INET6, SOCK_DGRAM_CLOEXEC, 0, 'AF_INET6')
    }
    return this.fd6
  }

  up(name: string): void {
    const req = ifreq(name)
    this.ioctl(`get flags of ${name}`, SIOCGIFFLAGS, req)
    req.writeUInt16LE(req.readUInt16LE(16) | IFF_UP, 16)
    this.ioctl(`bring up ${name}`, SIOCSIFFLAGS, req)
  }

  /** Sets the interface's primary IPv4 address and netmask. */
  address(name: string, ip: number, prefix: number): void {
    const req = ifreq(name)
    sockaddrIn(req, 16, ip)
    this.ioctl(`set address of ${name}`, SIOCSIFADDR, req)
    const mask = ifreq(name)
    sockaddrIn(mask, 16, prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0)
    this.ioctl(`set netmask of ${name}`, SIOCSIFNETMASK, mask)
  }

  defaultRoute(gateway: number): void {
    const rt = Buffer.alloc(128)
    sockaddrIn(rt, 8, 0) // rt_dst
    sockaddrIn(rt, 24, gateway) // rt_gateway
    sockaddrIn(rt, 40, 0) // rt_genmask
    rt.writeUInt16LE(RTF_UP | RTF_GATEWAY, 56)
    this.ioctl('add default route', SIOCADDRT, rt)
  }

  /** Adds an IPv6 address (struct in6_ifreq: address, u32 prefix length, int ifindex). */
  address6(name: string, ip: bigint, prefix: number): void {
    const req = Buffer.alloc(24)
    in6Addr(req, 0, ip)
    req.writeUInt32LE(prefix, 16)
    req.writeInt32LE(this.index(name), 20)
    this.ioctl(`add IPv6 address to ${name}`, SIOCSIFADDR, req, this.inet6())
  }

  /** The IPv6 default route via `gateway` on `name` (struct in6_rtmsg; metric 0 = the kernel's 1024). */
  defaultRoute6(name: string, gateway: bigint): void {
    const rt = Buffer.alloc(80)
    in6Addr(rt, 32, gateway) // rtmsg_gateway; dst and src stay :: with lengths 0
    rt.writeUInt32LE(RTF_UP | RTF_GATEWAY, 72) // rtmsg_flags
    rt.writeInt32LE(this.index(name), 76) // rtmsg_ifindex
    this.ioctl('add IPv6 default route', SIOCADDRT, rt, this.inet6())
  }

  index(name: string): number {
    const req = ifreq(name)
    this.ioctl(`find ${name}`, SIOCGIFINDEX, req)
    return req.readInt32LE(16)
  }

  exists(name: string): boolean {
    return c.ioctl(this.fd, SIOCGIFINDEX, ifreq(name)) >= 0
  }

  close(): void {
    closeFd(this.fd)
    if (this.fd6 >= 0) closeFd(this.fd6)
  }
}

/** Runs `fn` with a session; the caller must already be in the target namespace. */
export function withNetdev<T>(fn: (s: NetdevSession) => T): T {
  const s = new NetdevSession()
  try {
    return fn(s)
  } finally {
    s.close()
  }
}

/** Whether an interface of this name exists in the calling thread's network namespace. */
export function interfaceExists(name: string): boolean {
  return withNetdev((s) => s.exists(name))
}

/**
 * Writes /proc/sys/net/<path> of the calling thread's network namespace (procfs resolves net
 * sysctls by the opening thread), synchronously so that it can run inside inNetns.
 */
export function setNetSysctl(path: string, value: string): void {
  writeFileSync(`/proc/sys/net/${path}`, value)
}

/** The interface's index in the calling thread's network namespace. */
export function interfaceIndex(name: string): number {
  return withNetdev((s) => s.index(name))
}
