// The only module that calls libc directly (through koffi). Every call checks its return value
// and throws an Error carrying errno and the C library's message.
import koffi from 'koffi'

const libc = koffi.load('libc.so.6')
const c = {
  mount: libc.func('int mount(const char *src, const char *target, const char *fstype, unsigned long flags, const char *data)'),
  umount2: libc.func('int umount2(const char *target, int flags)'),
  mknod: libc.func('int mknod(const char *path, uint32_t mode, uint64_t dev)'),
  setxattr: libc.func('int lsetxattr(const char *path, const char *name, const void *value, size_t size, int flags)'),
  getxattr: libc.func('intptr_t lgetxattr(const char *path, const char *name, _Out_ void *value, size_t size)'),
  getxattrFollow: libc.func('intptr_t getxattr(const char *path, const char *name, _Out_ void *value, size_t size)'),
  listxattr: libc.func('intptr_t llistxattr(const char *path, _Out_ void *list, size_t size)'),
  strerror: libc.func('const char *strerror(int errnum)'),
  fsopen: libc.func('int fsopen(const char *fsname, unsigned int flags)'),
  fsconfig: libc.func('int fsconfig(int fd, unsigned int cmd, const char *key, const void *value, int aux)'),
  fsmount: libc.func('int fsmount(int fsfd, unsigned int flags, unsigned int attr_flags)'),
  moveMount: libc.func('int move_mount(int from_dfd, const char *from_path, int to_dfd, const char *to_path, unsigned int flags)'),
  close: libc.func('int close(int fd)'),
  lchown: libc.func('int lchown(const char *path, uint32_t owner, uint32_t group)'),
  open: libc.func('int open(const char *path, int flags)'),
  unshare: libc.func('int unshare(int flags)'),
  socket: libc.func('int socket(int domain, int type, int protocol)'),
  setns: libc.func('int setns(int fd, int nstype)'),
}

export class SysError extends Error {
  constructor(
    readonly op: string,
    readonly errno: number,
    readonly code: string,
  ) {
    super(`${op}: ${c.strerror(errno)}`)
  }
}

const ERRNO_NAMES: Record<number, string> = { 1: 'EPERM', 2: 'ENOENT', 16: 'EBUSY', 22: 'EINVAL', 13: 'EACCES', 17: 'EEXIST', 61: 'ENODATA', 95: 'EOPNOTSUPP' }

function check(op: string, rc: number | bigint): number {
  if (Number(rc) < 0) {
    const e = koffi.errno()
    throw new SysError(op, e, ERRNO_NAMES[e] ?? `E${e}`)
  }
  return Number(rc)
}

export const MS_RDONLY = 1
export const MS_NOSUID = 2
export const MS_NODEV = 4
export const MS_NOEXEC = 8
export const MS_REMOUNT = 32
export const MS_BIND = 4096
export const MS_REC = 16384
export const MS_PRIVATE = 1 << 18
export const MS_SHARED = 1 << 20
export const MNT_DETACH = 2

export const mount = (src: string, target: string, fstype: string | null, flags: number, data: string | null) =>
  check(`mount ${target}`, c.mount(src, target, fstype, flags, data))

export const umount2 = (target: string, flags = 0) => check(`umount ${target}`, c.umount2(target, flags))

/** An overlay whiteout: a character device 0/0. */
export const mkWhiteout = (path: string) => check(`mknod ${path}`, c.mknod(path, 0o020000, 0))

export const mknod = (path: string, mode: number, dev: bigint | number) => check(`mknod ${path}`, c.mknod(path, mode, dev))

export const lchown = (path: string, uid: number, gid: number) => check(`lchown ${path}`, c.lchown(path, uid, gid))

export function setXattr(path: string, name: string, value: Buffer): void {
  check(`setxattr ${name} on ${path}`, c.setxattr(path, name, value, value.length, 0))
}

// Linux's XATTR_SIZE_MAX: no value is longer, so reading into this buffer never fails with ERANGE
// (4 KiB did, for values XFS, tmpfs or ext4 with ea_inode hold). One buffer for every call (they
// are synchronous); each value is copied out of it.
const valueBuf = Buffer.alloc(65536)

/**
 * Returns undefined when the attribute is absent. `follow` resolves a final symlink: the only way
 * to reach the inode of an O_PATH descriptor through its /proc/self/fd/N path (for a descriptor
 * opened O_NOFOLLOW on a symlink, the link itself).
 */
export function getXattr(path: string, name: string, follow = false): Buffer | undefined {
  const buf = valueBuf
  const n = Number((follow ? c.getxattrFollow : c.getxattr)(path, name, buf, buf.length))
  if (n < 0) {
    const e = koffi.errno()
    if (e === 61 || e === 95) return undefined
    throw new SysError(`getxattr ${name} on ${path}`, e, ERRNO_NAMES[e] ?? `E${e}`)
  }
  return Buffer.from(buf.subarray(0, n))
}

/** The names of a path's extended attributes (the link itself for a symlink); [] when unsupported. */
// one buffer for every call (they are synchronous): packing a layer lists each entry's names
const listBuf = Buffer.alloc(65536)

export function listXattrs(path: string): string[] {
  const buf = listBuf
  const n = Number(c.listxattr(path, buf, buf.length))
  if (n < 0) {
    const e = koffi.errno()
    if (e === 95) return []
    throw new SysError(`listxattr ${path}`, e, ERRNO_NAMES[e] ?? `E${e}`)
  }
  return buf.subarray(0, n).toString('utf8').split('\0').filter(Boolean)
}

/**
 * Mounts an overlay through the new mount API: no one-page limit on the lower-dir list
 * (legacy mount(2) fails with a misleading ENOENT past 4096 bytes of options).
 */
export function mountOverlay(lowerTopFirst: readonly string[], upper: string, work: string, target: string): void {
  const fd = check('fsopen overlay', c.fsopen('overlay', 1))
  try {
    for (const l of lowerTopFirst) check(`fsconfig lowerdir+ ${l}`, c.fsconfig(fd, 1, 'lowerdir+', l, 0))
    if (upper) {
      check('fsconfig upperdir', c.fsconfig(fd, 1, 'upperdir', upper, 0))
      check('fsconfig workdir', c.fsconfig(fd, 1, 'workdir', work, 0))
    }
    check('fsconfig create', c.fsconfig(fd, 6, null, null, 0))
    const mfd = check('fsmount', c.fsmount(fd, 1, 0))
    try {
      check(`move_mount ${target}`, c.moveMount(mfd, '', -100, target, 4))
    } finally {
      c.close(mfd)
    }
  } finally {
    c.close(fd)
  }
}

export const CLONE_NEWNET = 0x40000000
const O_RDONLY_CLOEXEC = 0o2000000

/** A read-only, close-on-exec file descriptor (for namespace files). */
export const openFd = (path: string) => check(`open ${path}`, c.open(path, O_RDONLY_CLOEXEC))
export const closeFd = (fd: number) => void c.close(fd)
/** A socket of the calling thread's network namespace (close it with closeFd). */
export const openSocket = (domain: number, type: number, protocol: number, what: string) => check(`socket ${what}`, c.socket(domain, type, protocol))
export const unshare = (flags: number) => check('unshare', c.unshare(flags))
export const setns = (fd: number, nstype: number) => check('setns', c.setns(fd, nstype))
