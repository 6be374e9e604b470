// Creating a container: resolve the image, reserve the name, decide the mounts and make their
// volumes, prepare the directories and the /etc files, insert the record as `created`. Every step
// pushes its undo.
import { readFile } from 'node:fs/promises'
import { hostname as osHostname } from 'node:os'
import { invalid } from '../../lib/errors.js'
import { isValidName, newId, randomName } from '../../lib/ids.js'
import { UndoStack } from '../../lib/undo.js'
import type { ContainerRecord, DockerConfig, DockerHostConfig, EndpointConfig } from '../../state/records.js'
import { hostsFile, resolvConf } from '../../network/etc-files.js'
import { commandOf, mergeImageConfig, networkMode, utsMode, validateHostConfig } from './options.js'
import { containerDirs, createDirs, removeDirs, writeEtcFiles } from './rootfs.js'
import type { ContainerDeps } from './deps.js'
import { nameConflict } from './store.js'
import { validateRuntimeOptions } from './spec-input.js'
import { createMounts } from './volume-mounts.js'

export const NEVER = '0001-01-01T00:00:00Z'

export interface CreateRequest {
  name?: string
  config: DockerConfig
  hostConfig: DockerHostConfig
  /** NetworkingConfig.EndpointsConfig: network name → the container's settings there */
  endpoints?: Record<string, EndpointConfig | null>
}

export async function createContainer(deps: ContainerDeps, req: CreateRequest): Promise<{ id: string; warnings: string[] }> {
  const { store, images, paths } = deps
  const name = chooseName(deps, req.name)
  const image = images.resolve(req.config.Image)
  validateHostConfig(req.config, req.hostConfig)
  validateRuntimeOptions(deps, req.hostConfig)
  const net = networkMode(req.hostConfig.NetworkMode ?? '')
  if (net.kind === 'container') store.resolve(net.ref)
  const networks = deps.network.membership(req.config, req.hostConfig, req.endpoints)
  deps.network.checkPorts(req.hostConfig, req.config)
  const warnings: string[] = []
  const pb = req.hostConfig.PortBindings as Record<string, unknown> | null | undefined
  if (net.kind === 'host' && ((pb && Object.keys(pb).length) || req.hostConfig.PublishAllPorts))
    warnings.push('Published ports are discarded when using host network mode')

  const id = newId()
  const config = mergeImageConfig(req.config, image.config)
  const argv = commandOf(config)
  const hostShare = net.kind === 'host' || utsMode(req.hostConfig.UTSMode ?? '').kind === 'host'
  config.Hostname = req.config.Hostname || (hostShare ? osHostname() : id.slice(0, 12))

  const record: ContainerRecord = {
    id,
    name,
    created: new Date().toISOString(),
    imageId: image.id,
    path: argv[0]!,
    args: argv.slice(1),
    config,
    hostConfig: {
      ...req.hostConfig,
      NetworkMode: req.hostConfig.NetworkMode || 'default',
      Ulimits: req.hostConfig.Ulimits?.length ? req.hostConfig.Ulimits : deps.host.defaultUlimits.length ? deps.host.defaultUlimits : null,
    },
    state: { status: 'created', pid: 0, monitorPid: 0, exitCode: 0, error: '', oomKilled: false, startedAt: NEVER, finishedAt: NEVER },
    restartCount: 0,
    lowerDirs: images.lowerDirs(image.id),
    networks,
  }

  const undo = new UndoStack()
  const dirs = containerDirs(paths, id)
  try {
    record.mounts = await createMounts(deps, req.hostConfig, config, undo)
    await createDirs(dirs)
    undo.push(() => removeDirs(dirs))
    const hostResolv = await readFile('/etc/resolv.conf', 'utf8').catch(() => '')
    await writeEtcFiles(dirs, {
      hostname: config.Hostname + '\n',
      hosts: hostsFile({ hostname: config.Hostname, domainname: config.Domainname }),
      resolvConf: resolvConf(hostResolv, {
        hostNetwork: net.kind === 'host',
        dns: (req.hostConfig.Dns as string[] | null) ?? [],
        search: (req.hostConfig.DnsSearch as string[] | null) ?? [],
        options: (req.hostConfig.DnsOptions as string[] | null) ?? [],
      }),
    })
    store.insert(record)
    undo.discard()
  } catch (e) {
    await undo.run()
    throw e
  }
  deps.events.emit({ type: 'container', action: 'create', id, attributes: { name, image: req.config.Image } })
  return { id, warnings }
}

function chooseName(deps: ContainerDeps, requested: string | undefined): string {
  if (requested) {
    if (!isValidName(requested)) throw invalid(`Invalid container name (${requested}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`)
    const name = requested.replace(/^\//, '')
    const taken = deps.store.nameTaken(name)
    if (taken) throw nameConflict(name, taken.id)
    return name
  }
  for (let attempt = 0; ; attempt++) {
    const name = randomName(attempt)
    if (!deps.store.nameTaken(name)) return name
  }
}
