// The composition root: opens the state, constructs every service with only what it uses, and
// runs the startup reconcile. Nothing registers itself elsewhere.
import { mkdir, readdir, rm, rmdir } from 'node:fs/promises'
import { paths as makePaths, type Paths } from '../lib/paths.js'
import { log } from '../lib/log.js'
import { openDb, type Db } from '../state/db.js'
import { ContainerRepo } from '../state/containers.js'
import { Runc } from '../runtime/runc.js'
import { ExitWatcher } from '../runtime/exits.js'
import { boundingCaps, hardLimits, kernelRelease, loadDefaultSeccomp } from '../runtime/spec/host.js'
import { ImageService } from './images/service.js'
import { clearTmp } from './tmp-reconcile.js'
import { DEFAULT_CERTS_DIR } from '../registry/endpoint.js'
import { EventBus } from './events.js'
import { ContainerStore } from './containers/store.js'
import { AttachHub } from './containers/attach.js'
import { ExitWaiters } from './containers/waiters.js'
import { ContainerService } from './containers/service.js'
import { reconcile } from './containers/reconcile.js'
import type { HostFacts } from './containers/deps.js'
import { NetworkService } from './networks/service.js'
import { CniDriver } from './networks/cni-driver.js'
import { containerDirs } from './containers/rootfs.js'
import { VolumeRepo } from '../state/volumes.js'
import { VolumeService } from './volumes/service.js'
import { realVolumeHost } from './volumes/host.js'
import type { VolumeRecord } from './volumes/types.js'
import type { ContainerRecord } from '../state/records.js'

export interface EngineOptions {
  dataRoot: string
  execRoot: string
  initPath?: string
  /** `--default-ulimit`: applied to containers created without their own ulimits. */
  defaultUlimits?: Array<{ Name: string; Soft: number; Hard: number }>
  /** Every container's cgroup is <cgroupParent>/<id> in each v1 hierarchy. */
  cgroupParent?: string
  /** The default bridge's device (dockerd -b/--bridge); default berth0. */
  bridge?: string
  /** The default bridge's address/prefix (dockerd --bip); default: a free private /16. */
  bip?: string
  mtu?: number
  /** Where the embedded DNS server forwards; undefined = the host's resolvers, [] = nowhere. */
  dnsUpstreams?: string[]
  /** --insecure-registry values (127.0.0.0/8 is always insecure, as in Docker). */
  insecureRegistries?: string[]
  /** Per-registry TLS material: <dir>/<host:port>/ca.crt…; default /etc/berth/certs.d. */
  registryCertsDir?: string
}

/** What Docker puts on every event of a container: its labels, then the image as given and its name. */
const containerActor = (c: ContainerRecord | undefined) => c && { ...c.config.Labels, image: c.config.Image, name: c.name }

/** The containers whose record mounts the volume, running or not: Docker's in-use rule. */
const volumeUsers = (all: ContainerRecord[], name: string) =>
  all.filter((c) => c.mounts?.some((m) => m.Type === 'volume' && m.Name === name))

export class Engine {
  private constructor(
    readonly paths: Paths,
    readonly db: Db,
    readonly events: EventBus,
    readonly images: ImageService,
    readonly containers: ContainerService,
    readonly networks: NetworkService,
    readonly volumes: VolumeService,
    private readonly exits: ExitWatcher,
    readonly startedAt: Date,
  ) {}

  static async open(opts: EngineOptions): Promise<Engine> {
    const paths = makePaths(opts.dataRoot, opts.execRoot)
    for (const dir of [paths.dataRoot, paths.blobs, paths.layers, paths.containers, paths.tmp])
      await mkdir(dir, { recursive: true, mode: 0o711 })
    // Exec instances live in memory only, so their dirs from a previous daemon serve nothing.
    await rm(paths.execs, { recursive: true, force: true })
    // What the previous daemon had in flight (downloads, layers being made, builds) serves nothing now.
    await clearTmp(paths.tmp)
    for (const dir of [paths.execRoot, paths.runcRoot, paths.run, paths.execs, paths.exits, paths.sockets, paths.netns])
      await mkdir(dir, { recursive: true, mode: 0o700 })

    const db = openDb(paths.db)
    const events = new EventBus()
    const images = new ImageService(db, paths, undefined, {
      insecureRegistries: opts.insecureRegistries ?? [],
      certsDir: opts.registryCertsDir ?? DEFAULT_CERTS_DIR,
    }, (e) => events.emit(e))
    await images.ensureBuiltin()

    const host: HostFacts = {
      boundingCaps: await boundingCaps(),
      hardLimits: await hardLimits(),
      defaultSeccomp: await loadDefaultSeccomp(),
      kernelRelease: kernelRelease(),
      initPath: opts.initPath ?? '/usr/bin/tini-static',
      defaultUlimits: opts.defaultUlimits ?? [],
      cgroupParent: opts.cgroupParent ?? '/berth',
    }
    const store = new ContainerStore(new ContainerRepo(db))
    events.describe('container', (id) => containerActor(store.get(id)))
    const networks = new NetworkService(
      db,
      {
        bridge: opts.bridge ?? 'berth0',
        bip: opts.bip,
        mtu: opts.mtu,
        table: 'berth',
        dnsUpstreams: opts.dnsUpstreams,
        netnsDir: paths.netns,
        hostsPathOf: (id) => containerDirs(paths, id).hosts,
        cni: new CniDriver(),
      },
      store,
      events,
    )
    await networks.init()
    const volumes = new VolumeService({
      repo: new VolumeRepo<VolumeRecord>(db),
      root: paths.volumes,
      host: realVolumeHost,
      usersOf: (name) => volumeUsers(store.all(), name).map((c) => c.id),
      emit: (e) => events.emit(e),
    })
    await volumes.init()
    const containers = new ContainerService({
      store,
      images,
      paths,
      runc: new Runc(paths.runcRoot),
      events,
      attachHub: new AttachHub(),
      waiters: new ExitWaiters(),
      host,
      network: networks,
      volumes,
    })

    const exits = new ExitWatcher(paths.exits)
    const engine = new Engine(paths, db, events, images, containers, networks, volumes, exits, new Date())
    await reconcile(containers.deps, (id, code) => containers.onExit(id, code))
    await images.reconcile(() => new Set(store.all().flatMap((c) => c.lowerDirs)))
    await networks.reconcile()
    exits.on('exit', (id, code) => {
      containers
        .onExit(id, code)
        .then(() => exits.consume(id))
        .catch((e: unknown) => log.error('handling container exit failed', { id, error: String(e) }))
    })
    await exits.start()
    return engine
  }

  /** Without live-restore: stop every running container before the daemon exits. */
  async stopAll(): Promise<void> {
    const running = this.containers.list().filter((c) => c.state.status === 'running' || c.state.status === 'paused')
    await Promise.all(running.map((c) => this.containers.stop(c.id, {})))
  }

  /** Stops watching; containers keep running (live-restore). */
  async close(): Promise<void> {
    this.exits.stop()
    await this.networks.close()
    // a device volume stays mounted for the containers that keep running with it (live-restore)
    const running = this.containers.list().filter((c) => c.state.status === 'running' || c.state.status === 'paused')
    this.volumes.close((name) => volumeUsers(running, name).length > 0)
    this.db.close()
    // The cgroup parent is removed once no container uses it (rmdir fails otherwise).
    const parent = this.containers.deps.host.cgroupParent
    for (const ctl of await readdir('/sys/fs/cgroup').catch(() => [] as string[]))
      await rmdir(`/sys/fs/cgroup/${ctl}${parent}`).catch(() => undefined)
  }
}
