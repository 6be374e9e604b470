// The effects of a container's mounts (decided by mounts.ts): at create, the anonymous volumes it
// needs are made and named ones ensured; at start, each volume is prepared, filled from the image
// the first time (copy-up), and every mount becomes an OCI mount that runc performs inside the
// container's mount namespace (the host's mount table never shows them; a volume-subpath mounts
// that directory of the volume, a bind-nonrecursive is a plain bind); at `rm -v` / `--rm`, the
// anonymous volumes the container made are removed. Named volumes are never removed here.
import { existsSync } from 'node:fs'
import { lstat, mkdir, realpath } from 'node:fs/promises'
import { isAbsolute, join, relative } from 'node:path'
import { invalid, notFound } from '../../lib/errors.js'
import { newId } from '../../lib/ids.js'
import type { UndoStack } from '../../lib/undo.js'
import type { ContainerRecord, DockerConfig, DockerHostConfig, MountPoint } from '../../state/records.js'
import type { OciMount } from '../../runtime/spec/types.js'
import { copyUp, resolveInRoot } from '../../storage/copy-up.js'
import type { ContainerDeps } from './deps.js'
import { DEFAULT_PROPAGATION, parseTmpfsOptions, parseVolumesFrom, planMounts, sortParentFirst, tmpfsMountOptions, type MountSpec } from './mounts.js'

/** Decides the mounts of a new container and creates the volumes they need; each creation is undoable. */
export async function createMounts(deps: ContainerDeps, hc: DockerHostConfig, config: DockerConfig, undo: UndoStack): Promise<MountPoint[]> {
  const volumesFrom = ((hc.VolumesFrom as string[] | null | undefined) ?? []).map((spec) => {
    const { ref, mode } = parseVolumesFrom(spec)
    return { mounts: deps.store.resolve(ref).mounts ?? [], mode }
  })
  const plan = planMounts({
    binds: hc.Binds as string[] | null | undefined,
    mounts: hc.Mounts as MountSpec[] | null | undefined,
    tmpfs: hc.Tmpfs as Record<string, string> | null | undefined,
    volumesFrom,
    configVolumes: Object.keys(config.Volumes ?? {}),
    sourceExists: existsSync,
  })
  for (const m of plan) {
    if (m.Type !== 'volume') continue
    if (!m.Name) {
      m.Name = newId()
      m.ownsVolume = true
      const name = m.Name
      await deps.volumes.create({ Name: name }, { anonymous: true })
      undo.push(() => deps.volumes.removeAnonymous([name]))
    } else if (!deps.volumes.get(m.Name)) await deps.volumes.create({ Name: m.Name })
    m.Source = join(deps.paths.volumes, m.Name, '_data')
  }
  return plan
}

/**
 * Prepares every mount of a container about to start (its root filesystem mounted at `rootfs`)
 * and returns them as OCI mounts. Volumes still marked copyData get the image's content at their
 * destination if they are empty; the mark is cleared so it happens once.
 */
export async function prepareMounts(deps: ContainerDeps, c: ContainerRecord, rootfs: string): Promise<OciMount[]> {
  const out: OciMount[] = []
  for (const m of c.mounts ?? []) {
    if (m.Type === 'tmpfs') {
      out.push({ destination: m.Destination, type: 'tmpfs', source: 'tmpfs', options: tmpfsMountOptions(m.tmpfsOptions ?? []) })
      continue
    }
    let source = m.Source
    if (m.Type === 'volume' && m.Name) {
      m.Source = source = await deps.volumes.prepare(m.Name)
      if (m.copyData) {
        const image = await resolveInRoot(rootfs, m.Destination)
        if (image) await copyUp(image, m.Source)
        m.copyData = false
      }
      if (m.subpath) source = await subpathSource(m.Source, m.subpath)
    } else if (m.Type === 'bind' && !existsSync(m.Source)) await mkdir(m.Source, { recursive: true, mode: 0o755 })
    const options = [m.nonRecursive ? 'bind' : 'rbind', m.Propagation || DEFAULT_PROPAGATION, ...(m.RW ? [] : ['ro'])]
    out.push({ destination: m.Destination, type: 'bind', source, options })
  }
  for (const [dest, data] of Object.entries((c.hostConfig.Tmpfs as Record<string, string> | null | undefined) ?? {}))
    out.push({ destination: dest, type: 'tmpfs', source: 'tmpfs', options: tmpfsMountOptions(parseTmpfsOptions(dest, data)) })
  // --tmpfs targets join the list last: order everything parent first again (`--tmpfs /x -v a:/x/y`).
  return sortParentFirst(out.map((m) => ({ ...m, Destination: m.destination }))).map(({ Destination: _d, ...m }) => m)
}

/**
 * The host directory of a volume's `volume-subpath`, as Docker's safepath.Join decides it: the
 * path with every symlink evaluated must exist and stay inside the volume. The resolved path is
 * what runc mounts, so a link planted later in the volume is not followed by the mount.
 */
export async function subpathSource(volumeDir: string, subpath: string): Promise<string> {
  const base = await realpath(volumeDir)
  const combined = join(base, subpath)
  let resolved: string
  try {
    resolved = await realpath(combined)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
    throw notFound(`cannot access path ${combined}: lstat ${await firstMissing(base, subpath)}: no such file or directory`)
  }
  const rel = relative(base, resolved)
  if (rel === '..' || rel.startsWith('../') || isAbsolute(rel)) {
    throw invalid(`path concatenation escapes the base directory, base: ${base}, subpath: ${subpath}`)
  }
  return resolved
}

/** The first prefix of base/subpath that does not exist (what Go's EvalSymlinks reports). */
async function firstMissing(base: string, subpath: string): Promise<string> {
  let cur = base
  for (const part of subpath.split('/').filter(Boolean)) {
    cur = join(cur, part)
    if (!(await lstat(cur).catch(() => undefined))) return cur
  }
  return cur
}

/** The anonymous volumes a container made itself (not those it has through --volumes-from). */
export const ownedVolumes = (c: ContainerRecord): string[] =>
  (c.mounts ?? []).filter((m) => m.Type === 'volume' && m.ownsVolume && m.Name).map((m) => m.Name!)
