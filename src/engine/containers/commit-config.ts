// What `docker commit` decides without touching the host: the new image's config (the request's
// config with `--change` applied, then filled from the container's config by moby's merge
// rules), its history line, the tag, and which paths of the writable layer stay out of it.
import { BerthError } from '../../lib/errors.js'
import { checkTag, formatReference, parseReference, withDefaultTag } from '../../lib/reference.js'
import type { ContainerRecord, DockerConfig } from '../../state/records.js'
import { applyChanges, type ContainerConfig } from '../images/change.js'
import { GENERATED_FILES } from '../images/commit.js'

/** Docker writes every field of its Config struct, zero values included, in this order. */
function zeroConfig(): ContainerConfig {
  return {
    Hostname: '', Domainname: '', User: '', AttachStdin: false, AttachStdout: false, AttachStderr: false,
    Tty: false, OpenStdin: false, StdinOnce: false, Env: null as unknown as string[], Cmd: null, Image: '',
    Volumes: null, WorkingDir: '', Entrypoint: null, OnBuild: null, Labels: null,
  }
}

/**
 * The committed image's config, as moby's CreateImageFromContainer makes it: `body` (the
 * request's Config) with `changes` applied, then what it leaves unset taken from the container's
 * config — User, ExposedPorts, Env and Labels (keys not given), Cmd/Entrypoint (only when no
 * Entrypoint was given), Healthcheck (field by field), WorkingDir, Volumes, StopSignal; its other
 * fields (Hostname, Image…) stay empty. Without a body (the docker CLI sends none; an empty
 * object decodes to none in moby too) the container's whole config is the base, Hostname,
 * Image, Tty and all, as Docker's committed images show.
 */
export function commitConfig(body: Record<string, unknown> | undefined, changes: readonly string[], container: DockerConfig): ContainerConfig {
  const base = body !== undefined && Object.keys(body).length > 0 ? body : structuredClone(container)
  const user = applyChanges({ ...zeroConfig(), ...base } as ContainerConfig, changes)
  const c = container
  if (!user.User) user.User = c.User
  if (Object.keys(user.ExposedPorts ?? {}).length === 0) {
    if (c.ExposedPorts) user.ExposedPorts = c.ExposedPorts
  } else user.ExposedPorts = { ...(c.ExposedPorts ?? {}), ...user.ExposedPorts }
  if (!user.Env?.length) user.Env = c.Env
  else {
    const keys = new Set(user.Env.map((e) => e.split('=')[0]))
    user.Env = [...user.Env, ...(c.Env ?? []).filter((e) => !keys.has(e.split('=')[0]))]
  }
  user.Labels = { ...(c.Labels ?? {}), ...(user.Labels ?? {}) }
  if (!user.Entrypoint?.length) {
    if (!user.Cmd?.length) {
      user.Cmd = c.Cmd
      if (c.ArgsEscaped !== undefined) user.ArgsEscaped = c.ArgsEscaped
    }
    if (user.Entrypoint === null || user.Entrypoint === undefined) user.Entrypoint = c.Entrypoint
  }
  user.Healthcheck = mergeHealthcheck(user.Healthcheck as Healthcheck | undefined, c.Healthcheck as Healthcheck | undefined)
  if (user.Healthcheck === undefined) delete user.Healthcheck
  if (!user.WorkingDir) user.WorkingDir = c.WorkingDir
  if (Object.keys(user.Volumes ?? {}).length === 0) user.Volumes = c.Volumes ?? null
  else user.Volumes = { ...user.Volumes, ...(c.Volumes ?? {}) }
  if (!user.StopSignal && c.StopSignal) user.StopSignal = c.StopSignal
  return user
}

/** Docker's HealthConfig: durations in nanoseconds, zero fields absent. */
interface Healthcheck { Test?: string[]; Interval?: number; Timeout?: number; StartPeriod?: number; StartInterval?: number; Retries?: number }

/** moby's merge: each zero field of the request's healthcheck is the container's. */
function mergeHealthcheck(mine: Healthcheck | undefined, theirs: Healthcheck | undefined): Healthcheck | undefined {
  if (!theirs) return mine
  if (!mine) return theirs
  const out: Healthcheck = { ...mine }
  if (!out.Test?.length) out.Test = theirs.Test
  for (const k of ['Interval', 'Timeout', 'StartPeriod', 'StartInterval', 'Retries'] as const) {
    if (!out[k] && theirs[k]) out[k] = theirs[k]
  }
  return out
}

/** The API's `repo` and `tag` as one normalised reference (moby's RepoTagReference); none without a repo. */
export function commitTag(repo: string | undefined, tag: string | undefined): string | undefined {
  if (!repo) return undefined
  const ref = parseReference(repo)
  if (ref.digest !== undefined) throw new BerthError('invalid', 'cannot import digest reference')
  if (tag) {
    checkTag(tag)
    ref.tag = tag
  }
  return formatReference(withDefaultTag(ref))
}

/** Docker's history line for a commit: the container's Cmd (not its Entrypoint), space-joined. */
export const commitCreatedBy = (c: DockerConfig): string => (c.Cmd ?? []).join(' ')

/** runc's mount points: left out when the image lacks them (Docker keeps them in its init layer). */
const RUNTIME_DIRS = ['dev', 'proc', 'sys']

const rel = (p: string) => p.replace(/^\/+|\/+$/g, '')

/** Facts about the container's layers the exclusion needs, read by the caller. */
export interface LayerFacts {
  /** How `path` (relative) in the writable layer compares with the image: mode and owner. */
  inImage(path: string): 'absent' | 'same' | 'different'
  /** Names in the writable layer's directory `path` (relative), [] when absent. */
  upperChildren(path: string): string[]
}

/**
 * The paths of a container's writable layer that commit, diff and export leave out: the
 * generated /etc files, runc's mount points the image did not have, the contents of every
 * volume, bind and tmpfs destination (the mount point itself stays, as Docker does), and a
 * directory that holds nothing but left-out entries and exists in the image unchanged or not at all.
 */
export function layerExclusion(c: ContainerRecord, facts: LayerFacts): { paths: string[]; contentsOf: string[] } {
  const paths = new Set<string>(GENERATED_FILES)
  const contentsOf = new Set<string>()
  for (const d of RUNTIME_DIRS) (facts.inImage(d) === 'absent' ? paths : contentsOf).add(d)
  for (const m of c.mounts ?? []) contentsOf.add(rel(m.Destination))
  for (const dest of Object.keys((c.hostConfig.Tmpfs as Record<string, string> | null | undefined) ?? {})) contentsOf.add(rel(dest))
  contentsOf.delete('')
  for (const p of contentsOf) paths.delete(p)
  // Parents emptied by the exclusion (etc/ when only runc's files made it appear).
  for (const p of [...paths]) {
    for (let dir = p.slice(0, p.lastIndexOf('/')); dir !== '' && !contentsOf.has(dir); dir = dir.slice(0, Math.max(0, dir.lastIndexOf('/')))) {
      const kids = facts.upperChildren(dir)
      if (kids.length === 0 || !kids.every((k) => paths.has(`${dir}/${k}`))) break
      if (facts.inImage(dir) === 'different') break // its own mode or owner changed: a real change
      paths.add(dir)
    }
  }
  return { paths: [...paths].sort(), contentsOf: [...contentsOf].sort() }
}
