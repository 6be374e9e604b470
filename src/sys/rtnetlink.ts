// The few rtnetlink requests a container's veth needs, sent from berthd itself (no `ip` process):
// create a veth pair with its peer born inside the sandbox and the host end enslaved and up, turn
// on hairpin for that bridge port, delete a link. Synchronous: the kernel answers a route-netlink
// request before sendto returns, so the ACK is read at once. Message layouts are Linux's
// (<linux/netlink.h>, <linux/rtnetlink.h>, <linux/if_link.h>, <linux/veth.h>), host byte order.
import koffi from 'koffi'
import { SysError, closeFd, openSocket } from './ffi.js'

const libc = koffi.load('libc.so.6')
const c = {
  sendto: libc.func('intptr_t sendto(int fd, const uint8_t *buf, size_t len, int flags, const uint8_t *addr, uint32_t addrlen)'),
  recv: libc.func('intptr_t recv(int fd, _Inout_ uint8_t *buf, size_t len, int flags)'),
}

const AF_NETLINK = 16
const AF_UNSPEC = 0
const AF_BRIDGE = 7
const SOCK_RAW_CLOEXEC = 3 | 0o2000000
const NETLINK_ROUTE = 0
const RTM_NEWLINK = 16
const RTM_DELLINK = 17
const RTM_SETLINK = 19
const NLMSG_ERROR = 2
const NLM_F_REQUEST = 1
const NLM_F_ACK = 4
const NLM_F_EXCL = 0x200
const NLM_F_CREATE = 0x400
const NLA_F_NESTED = 0x8000
const IFF_UP = 1
const IFLA_ADDRESS = 1
const IFLA_IFNAME = 3
const IFLA_MTU = 4
const IFLA_MASTER = 10
const IFLA_PROTINFO = 12
const IFLA_LINKINFO = 18
const IFLA_NET_NS_FD = 28
const IFLA_INFO_KIND = 1
const IFLA_INFO_DATA = 2
const VETH_INFO_PEER = 1
const IFLA_BRPORT_MODE = 4

const align = (n: number) => (n + 3) & ~3

/** One netlink attribute, padded to 4 bytes. */
function attr(type: number, payload: Buffer): Buffer {
  const out = Buffer.alloc(align(4 + payload.length))
  out.writeUInt16LE(4 + payload.length, 0)
  out.writeUInt16LE(type, 2)
  payload.copy(out, 4)
  return out
}
const nested = (type: number, ...children: Buffer[]) => attr(type | NLA_F_NESTED, Buffer.concat(children))
const str = (s: string) => Buffer.from(`${s}\0`)
const u32 = (n: number) => {
  const b = Buffer.alloc(4)
  b.writeUInt32LE(n >>> 0)
  return b
}
const mac = (text: string) => Buffer.from(text.split(':').map((h) => parseInt(h, 16)))

function ifinfomsg(family: number, index: number, flags = 0, change = 0): Buffer {
  const b = Buffer.alloc(16)
  b.writeUInt8(family, 0)
  b.writeInt32LE(index, 4)
  b.writeUInt32LE(flags, 8)
  b.writeUInt32LE(change, 12)
  return b
}

let seq = 1

/** Sends one request and waits for its ACK; a negative errno becomes a SysError naming `op`. */
function request(op: string, type: number, flags: number, body: Buffer): void {
  const fd = openSocket(AF_NETLINK, SOCK_RAW_CLOEXEC, NETLINK_ROUTE, 'AF_NETLINK')
  try {
    const header = Buffer.alloc(16)
    header.writeUInt32LE(16 + body.length, 0)
    header.writeUInt16LE(type, 4)
    header.writeUInt16LE(flags | NLM_F_REQUEST | NLM_F_ACK, 6)
    const mySeq = seq++
    header.writeUInt32LE(mySeq, 8)
    const msg = Buffer.concat([header, body])
    const kernel = Buffer.alloc(12)
    kernel.writeUInt16LE(AF_NETLINK, 0)
    if (Number(c.sendto(fd, msg, msg.length, 0, kernel, kernel.length)) < 0) throw new SysError(op, koffi.errno(), 'E')
    const reply = Buffer.alloc(8192)
    for (;;) {
      const n = Number(c.recv(fd, reply, reply.length, 0))
      if (n < 0) throw new SysError(op, koffi.errno(), 'E')
      for (let off = 0; off + 16 <= n; ) {
        const len = reply.readUInt32LE(off)
        if (len < 16) break
        if (reply.readUInt16LE(off + 4) === NLMSG_ERROR && reply.readUInt32LE(off + 8) === mySeq) {
          const errno = -reply.readInt32LE(off + 16)
          if (errno !== 0) throw new SysError(op, errno, errno === 17 ? 'EEXIST' : errno === 19 ? 'ENODEV' : `E${errno}`)
          return
        }
        off += align(len)
      }
    }
  } finally {
    closeFd(fd)
  }
}

export interface VethRequest {
  hostIf: string
  /** host end's bridge, by interface index */
  masterIndex: number
  peerName: string
  peerMac: string
  /** an open fd of the sandbox's network namespace */
  peerNetnsFd: number
  mtu?: number
}

/** `ip link add HOST [mtu M] master BR up type veth peer name PEER address MAC [mtu M] netns NS` */
export function createVeth(r: VethRequest): void {
  const mtu = r.mtu ? [attr(IFLA_MTU, u32(r.mtu))] : []
  const peer = Buffer.concat([
    ifinfomsg(AF_UNSPEC, 0),
    attr(IFLA_IFNAME, str(r.peerName)),
    attr(IFLA_ADDRESS, mac(r.peerMac)),
    ...mtu,
    attr(IFLA_NET_NS_FD, u32(r.peerNetnsFd)),
  ])
  const body = Buffer.concat([
    ifinfomsg(AF_UNSPEC, 0, IFF_UP, IFF_UP),
    attr(IFLA_IFNAME, str(r.hostIf)),
    ...mtu,
    attr(IFLA_MASTER, u32(r.masterIndex)),
    nested(IFLA_LINKINFO, attr(IFLA_INFO_KIND, str('veth')), nested(IFLA_INFO_DATA, nested(VETH_INFO_PEER, peer))),
  ])
  request(`create veth ${r.hostIf}`, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, body)
}

/** `bridge link set dev X hairpin on`: frames may leave the port they came in on. */
export function setHairpin(index: number): void {
  const body = Buffer.concat([ifinfomsg(AF_BRIDGE, index), nested(IFLA_PROTINFO, attr(IFLA_BRPORT_MODE, Buffer.from([1])))])
  request('set hairpin', RTM_SETLINK, 0, body)
}

/** `ip link del NAME` */
export function deleteLink(name: string): void {
  request(`delete ${name}`, RTM_DELLINK, 0, Buffer.concat([ifinfomsg(AF_UNSPEC, 0), attr(IFLA_IFNAME, str(name))]))
}
