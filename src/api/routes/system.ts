// System routes: version, info, events, disk usage.
import { hostname, cpus, totalmem, release, arch } from 'node:os'
import { PassThrough } from 'node:stream'
import type { Engine } from '../../engine/engine.js'
import type { EngineEvent } from '../../engine/events.js'
import { matchesEvent } from '../../engine/event-filter.js'
import type { Route } from '../types.js'
import { MAX_VERSION, MIN_VERSION } from '../version.js'
import { eventMessageText, isVisibleAt, parseEventTime } from '../wire/events.js'
import { parseFilters } from '../../engine/containers/filters.js'
import { invalid } from '../../lib/errors.js'
import { imageSummaryJson } from '../wire/images.js'
import { summaryJson } from '../wire/containers.js'
import { volumeJson } from '../wire/volumes.js'
import { atLeast } from '../version.js'

export interface DaemonInfo {
  version: string
  liveRestore: boolean
  id: string
}

const goArch = () => (arch() === 'x64' ? 'amd64' : arch())

export function systemRoutes(engine: Engine, daemon: DaemonInfo): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/version',
      handler: () => ({
        json: {
          Platform: { Name: 'berth' },
          Components: [
            {
              Name: 'Engine',
              Version: daemon.version,
              Details: { ApiVersion: MAX_VERSION, MinAPIVersion: MIN_VERSION, Os: 'linux', Arch: goArch(), KernelVersion: release() },
            },
          ],
          Version: daemon.version,
          ApiVersion: MAX_VERSION,
          MinAPIVersion: MIN_VERSION,
          GitCommit: 'berth',
          GoVersion: `node${process.versions.node}`,
          Os: 'linux',
          Arch: goArch(),
          KernelVersion: release(),
          BuildTime: engine.startedAt.toISOString(),
        },
      }),
    },
    {
      method: 'GET',
      pattern: '/info',
      handler: () => {
        const all = engine.containers.list()
        const count = (s: string) => all.filter((c) => c.state.status === s).length
        return {
          json: {
            ID: daemon.id,
            Containers: all.length,
            ContainersRunning: count('running'),
            ContainersPaused: count('paused'),
            ContainersStopped: all.length - count('running') - count('paused'),
            Images: engine.images.list({ all: true }).length,
            Driver: 'overlay2',
            DriverStatus: [['Backing Filesystem', 'extfs'], ['Supports d_type', 'true']],
            Plugins: { Volume: ['local'], Network: ['bridge', 'host', 'none'], Authorization: null, Log: ['k8s-file'] },
            MemoryLimit: true,
            SwapLimit: true,
            CpuCfsPeriod: true,
            CpuCfsQuota: true,
            CPUShares: true,
            CPUSet: true,
            PidsLimit: true,
            IPv4Forwarding: true,
            Debug: false,
            NFd: 0,
            OomKillDisable: true,
            NGoroutines: 0,
            SystemTime: new Date().toISOString(),
            LoggingDriver: 'k8s-file',
            CgroupDriver: 'cgroupfs',
            CgroupVersion: '1',
            NEventsListener: 0,
            KernelVersion: release(),
            OperatingSystem: 'Debian GNU/Linux 12 (bookworm)',
            OSVersion: '12',
            OSType: 'linux',
            Architecture: arch() === 'x64' ? 'x86_64' : arch(),
            NCPU: cpus().length,
            MemTotal: totalmem(),
            IndexServerAddress: 'https://index.docker.io/v1/',
            RegistryConfig: { IndexConfigs: {}, InsecureRegistryCIDRs: ['127.0.0.0/8'], Mirrors: [] },
            DockerRootDir: engine.paths.dataRoot,
            HttpProxy: '',
            HttpsProxy: '',
            NoProxy: '',
            Name: hostname(),
            Labels: [],
            ExperimentalBuild: false,
            ServerVersion: daemon.version,
            Runtimes: { runc: { path: '/usr/sbin/runc' } },
            DefaultRuntime: 'runc',
            Swarm: { NodeID: '', NodeAddr: '', LocalNodeState: 'inactive', ControlAvailable: false, Error: '', RemoteManagers: null },
            LiveRestoreEnabled: daemon.liveRestore,
            Isolation: '',
            InitBinary: 'docker-init',
            ContainerdCommit: { ID: '', Expected: '' },
            RuncCommit: { ID: '', Expected: '' },
            InitCommit: { ID: '', Expected: '' },
            SecurityOptions: ['name=seccomp,profile=builtin'],
            Warnings: null,
          },
        }
      },
    },
    {
      method: 'GET',
      pattern: '/system/df',
      handler: async ({ query, version }) => {
        const types = atLeast(version, '1.42') ? query.getAll('type') : []
        for (const t of types) if (!DF_TYPES.includes(t)) throw invalid(`invalid type: ${t}`)
        const want = (t: string) => types.length === 0 || types.includes(t)
        const containers = engine.containers.list()
        const json: Record<string, unknown> = {}
        if (want('image')) {
          const usage = engine.images.diskUsage()
          const uses = new Map<string, number>()
          for (const c of containers) uses.set(c.imageId, (uses.get(c.imageId) ?? 0) + 1)
          json.LayersSize = usage.layersSize
          json.Images = usage.images.map((s) => imageSummaryJson(s, uses.get(s.record.id) ?? 0, version, s.sharedSize))
        }
        if (want('container')) {
          json.Containers = await Promise.all(
            containers.map(async (c) => summaryJson(c, c.config.Image, { ...engine.networks.viewOf(c), version }, await engine.containers.size(c.id))),
          )
        }
        if (want('volume')) {
          const refs = (name: string) => containers.filter((c) => c.mounts?.some((m) => m.Type === 'volume' && m.Name === name)).length
          json.Volumes = await Promise.all(
            engine.volumes.list().map(async (v) => volumeJson(v, engine.volumes.mountpoint(v.name), { size: await engine.volumes.size(v.name), refCount: refs(v.name) })),
          )
        }
        if (want('build-cache')) json.BuildCache = []
        return { json }
      },
    },
    {
      method: 'GET',
      pattern: '/events',
      handler: ({ query, version }) => {
        const since = parseEventTime(query.get('since'), 'since')
        const until = parseEventTime(query.get('until'), 'until')
        if (until !== undefined && since !== undefined && until < since)
          throw invalid(`\`since\` time (${query.get('since')}) cannot be after \`until\` time (${query.get('until')})`)
        const filters = parseFilters(query.get('filters'))
        const out = new PassThrough()
        const send = (e: EngineEvent) => {
          if (until !== undefined && e.timeNano! > until) return
          if (isVisibleAt(e, version) && matchesEvent(e, filters)) out.write(eventMessageText(e, version) + '\n')
        }
        // as dockerd: kept events only when a bound is given; an `until` already past ends the stream
        if (since !== undefined || until !== undefined) for (const e of engine.events.between(since, until)) send(e)
        const untilMs = until === undefined ? undefined : Number(until / 1_000_000n)
        if (untilMs !== undefined && untilMs <= Date.now()) {
          out.end()
          return { stream: out }
        }
        const off = engine.events.subscribe(send)
        // off first: an event later in `until`'s last millisecond would pass `send` and be written after the end
        const cancel = untilMs === undefined ? undefined : atWallClock(untilMs, () => {
          off()
          out.end()
        })
        out.on('close', () => {
          off()
          cancel?.()
        })
        return { stream: out }
      },
    },
  ]
}

const DF_TYPES = ['container', 'image', 'volume', 'build-cache']

// setTimeout takes at most 2^31-1 ms (about 24.8 days) and fires at once beyond: longer waits go in steps
const MAX_TIMER_MS = 2 ** 31 - 1

/** Calls `fn` once the wall clock reaches `atMs`; returns the cancel. The timers do not hold the process. */
function atWallClock(atMs: number, fn: () => void): () => void {
  let timer: NodeJS.Timeout
  const arm = () => {
    const left = atMs - Date.now()
    timer = left > MAX_TIMER_MS ? setTimeout(arm, MAX_TIMER_MS).unref() : setTimeout(fn, Math.max(0, left)).unref()
  }
  arm()
  return () => clearTimeout(timer)
}
