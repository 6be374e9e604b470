// Where the engine keeps things. The data root survives reboots; the exec root (a tmpfs
// under /run) holds what lives only as long as processes do.
import { join } from 'node:path'

export interface Paths {
  dataRoot: string
  execRoot: string
  db: string
  /** Content-addressed blobs: blobs/sha256/<hex> (image configs, manifests, layer tarballs). */
  blobs: string
  /** Unpacked layers: layers/<chain-id hex>/diff */
  layers: string
  /** Per-container persistent dirs: containers/<id>/{upper,work,merged,hostname,hosts,resolv.conf,ctr.log} */
  containers: string
  /** Volumes of the local driver: volumes/<name>/_data */
  volumes: string
  /** Scratch space on the same filesystem as layers, for atomic renames into place. */
  tmp: string
  /** runc's --root */
  runcRoot: string
  /** Per-container run dirs: run/<id>/ (bundle, conmon files, attach socket) */
  run: string
  /** Per-exec dirs: e/<exec id prefix>/ (process.json, conmon files, attach socket). Short on purpose: sun_path. */
  execs: string
  /** conmon --exit-dir: one file per exited container, named by ID. */
  exits: string
  /** conmon --socket-dir-path: short symlinks to attach sockets. */
  sockets: string
  /** Network namespace pins of running containers: netns/<id> */
  netns: string
}

export function paths(dataRoot: string, execRoot: string): Paths {
  return {
    dataRoot,
    execRoot,
    db: join(dataRoot, 'berth.db'),
    blobs: join(dataRoot, 'blobs'),
    layers: join(dataRoot, 'layers'),
    containers: join(dataRoot, 'containers'),
    volumes: join(dataRoot, 'volumes'),
    tmp: join(dataRoot, 'tmp'),
    runcRoot: join(execRoot, 'runc'),
    run: join(execRoot, 'c'),
    execs: join(execRoot, 'e'),
    exits: join(execRoot, 'exits'),
    sockets: join(execRoot, 's'),
    netns: join(execRoot, 'netns'),
  }
}
