// `docker export`: the container's root filesystem as one flat tar, read from the overlay's merged
// view on the host side (where no volume or bind is mounted, so mount points are present and
// empty, as in Docker's export). A stopped container's rootfs is mounted for the stream, under the
// container's lock, and unmounted once the stream ends; a running one is read where runc has it
// mounted, without holding the lock. `export` is emitted after the last byte.
import type { Readable } from 'node:stream'
import { finished } from 'node:stream/promises'
import { BerthError } from '../../lib/errors.js'
import { packLayer } from '../../storage/pack.js'
import { getXattr, listXattrs } from '../../sys/ffi.js'
import type { ContainerDeps } from './deps.js'
import { containerDirs, isMounted, mountRootfs, unmountRootfs } from './rootfs.js'

/** Mount destinations keep their (empty) directory; whatever is under them on the host side stays out. */
const mountPoints = (c: { mounts?: Array<{ Destination: string }> }) =>
  (c.mounts ?? []).map((m) => m.Destination.replace(/^\/+|\/+$/g, '')).filter((p) => p !== '')

export function exportContainer(deps: ContainerDeps, ref: string): Promise<Readable> {
  const c = deps.store.resolve(ref)
  return new Promise<Readable>((resolve, reject) => {
    deps.store.locked(c.id, async () => {
      const cur = deps.store.get(c.id)
      if (!cur) throw new BerthError('not-found', `No such container: ${ref}`)
      if (cur.state.status === 'removing' || cur.state.status === 'dead')
        throw new BerthError('conflict', `container ${cur.id} is ${cur.state.status === 'dead' ? 'dead' : 'being removed'}`)
      const dirs = containerDirs(deps.paths, c.id)
      const wasMounted = await isMounted(dirs.merged)
      if (!wasMounted) await mountRootfs(dirs, cur.lowerDirs)
      const tar = packLayer(dirs.merged, { getXattr, listXattrs }, { exclude: { contentsOf: mountPoints(cur) } })
      resolve(tar)
      const done = finished(tar).then(() => true, () => false)
      void done.then((ok) => {
        if (ok) deps.events.emit({ type: 'container', action: 'export', id: c.id, attributes: { name: c.name, image: c.config.Image } })
      })
      // a rootfs mounted for us stays mounted, and the lock held, until the last byte
      if (!wasMounted) {
        await done
        unmountRootfs(dirs)
      }
    }).catch(reject)
  })
}
