// Network namespaces from berthd's main thread. A namespace change is per thread, so each helper
// enters and leaves within one synchronous call: no other JavaScript (and no libuv threadpool
// work started by it) ever runs in a foreign namespace. Mount namespaces are never touched here
// (ENVIRONMENT.md §5.4).
import { closeSync, openSync, unlinkSync } from 'node:fs'
import { CLONE_NEWNET, MNT_DETACH, MS_BIND, closeFd, mount, openFd, setns, umount2, unshare } from './ffi.js'

const SELF = '/proc/thread-self/ns/net'

/** Runs `fn` synchronously with the calling thread inside the namespace pinned at `pin`. */
export function inNetns<T>(pin: string, fn: () => T): T {
  const orig = openFd(SELF)
  try {
    const target = openFd(pin)
    try {
      setns(target, CLONE_NEWNET)
    } finally {
      closeFd(target)
    }
    try {
      return fn()
    } finally {
      setns(orig, CLONE_NEWNET)
    }
  } finally {
    closeFd(orig)
  }
}

/** A new, empty network namespace (only `lo`, down), pinned by a bind mount on `pin`. */
export function createNetns(pin: string): void {
  closeSync(openSync(pin, 'w', 0o444))
  const orig = openFd(SELF)
  try {
    unshare(CLONE_NEWNET)
    try {
      mount(SELF, pin, null, MS_BIND, null)
    } finally {
      setns(orig, CLONE_NEWNET)
    }
  } catch (e) {
    try {
      unlinkSync(pin)
    } catch {
      // already gone
    }
    throw e
  } finally {
    closeFd(orig)
  }
}

/** Unpins a namespace; the kernel frees it (and the interfaces in it) once no process uses it. */
export function removeNetns(pin: string): void {
  try {
    umount2(pin, MNT_DETACH)
  } catch {
    // not mounted (a crash between create and pin, or removed before)
  }
  try {
    unlinkSync(pin)
  } catch {
    // already gone
  }
}
