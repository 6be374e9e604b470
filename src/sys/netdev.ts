// Interface setup inside a container's network namespace through ioctl(2), so configuring a
// sandbox's side needs no process: a socket created inside the namespace (see inNetns) only
// sees that namespace's devices. Layouts are Linux x86_64/arm64 (`struct ifreq`, `struct rtentry`).
import koffi from 'koffi'
import { SysError } from './ffi.js'

const libc = koffi.load('libc.so.6')
const c = {
  socket: libc.func('int socket(int domain, int type, int protocol)'),
  ioctl: libc.func('int ioctl(int fd, unsigned long request, _Inout_ uint8_t *arg)'),
  close: libc.func('int close(int fd)'),
}

const AF_INET = 2
const SOCK_DGRAM_CLOEXEC = 2 | 0o2000000
const SIOCADDRT = 0x890b
const SIOCGIFFLAGS = 0x8913
const SIOCSIFFLAGS = 0x8914
const SIOCSIFADDR = 0x8916
const SIOCSIFNETMASK = 0x891c
const IFF_UP = 1
const RTF_UP = 1
const RTF_GATEWAY = 2

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

/** A configuration session on the current thread's network namespace. */
export class NetdevSession {
  private readonly fd: number

  constructor() {
    this.fd = c.socket(AF_INET, SOCK_DGRAM_CLOEXEC, 0)
    if (this.fd < 0) throw new SysError('socket', koffi.errno(), 'E')
  }

  private ioctl(op: string, request: number, buf: Buffer): void {
    if (c.ioctl(this.fd, request, buf) < 0) throw new SysError(op, koffi.errno(), 'E')
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

  exists(name: string): boolean {
    return c.ioctl(this.fd, SIOCGIFINDEX, ifreq(name)) >= 0
  }

  close(): void {
    c.close(this.fd)
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

const SIOCGIFINDEX = 0x8933

/** Whether an interface of this name exists in the calling thread's network namespace. */
export function interfaceExists(name: string): boolean {
  return withNetdev((s) => s.exists(name))
}
