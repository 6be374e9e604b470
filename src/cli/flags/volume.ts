// -v/--volume, --mount and --tmpfs. `-v /path` is an anonymous volume (Config.Volumes);
// `-v src:dst[:mode]` goes to HostConfig.Binds (named volume or host path, relative paths made
// absolute); --mount's CSV becomes a HostConfig.Mounts entry.
import { isAbsolute, resolve } from 'node:path'

export interface VolumeSplit {
  volumes: Record<string, Record<string, never>>
  binds: string[]
}

export function splitVolumes(specs: readonly string[], cwd: string): VolumeSplit {
  const volumes: VolumeSplit['volumes'] = {}
  const binds: string[] = []
  for (const spec of specs) {
    const colon = spec.indexOf(':')
    if (colon < 0) {
      volumes[spec] = {}
      continue
    }
    let host = spec.slice(0, colon)
    if (!isAbsolute(host) && host.startsWith('.')) host = resolve(cwd, host)
    const bind = `${host}:${spec.slice(colon + 1)}`
    if (!binds.includes(bind)) binds.push(bind)
  }
  return { volumes, binds }
}

export interface Mount {
  Type: string
  Source?: string
  Target: string
  ReadOnly?: boolean
  Consistency?: string
  BindOptions?: { Propagation?: string; NonRecursive?: boolean; CreateMountpoint?: boolean }
  VolumeOptions?: { NoCopy?: boolean; Labels?: Record<string, string>; Subpath?: string; DriverConfig?: { Name?: string; Options?: Record<string, string> } }
  TmpfsOptions?: { SizeBytes?: number; Mode?: number }
}

function boolField(key: string, value: string | undefined): boolean {
  if (value === undefined) return true
  const v = value.toLowerCase()
  if (['1', 'true'].includes(v)) return true
  if (['0', 'false'].includes(v)) return false
  throw new Error(`invalid value for ${key}: ${value}`)
}

/** One --mount value: `type=bind,source=/a,target=/b,readonly`. */
export function parseMount(csv: string, parseSize: (s: string) => number): Mount {
  const m: Mount = { Type: 'volume', Target: '' }
  const volumeOptions = () => (m.VolumeOptions ??= {})
  for (const field of csv.split(',')) {
    const eq = field.indexOf('=')
    const key = (eq < 0 ? field : field.slice(0, eq)).toLowerCase()
    const value = eq < 0 ? undefined : field.slice(eq + 1)
    if (value === undefined && !['readonly', 'ro', 'volume-nocopy', 'bind-nonrecursive'].includes(key)) {
      throw new Error(`invalid field '${field}' must be a key=value pair`)
    }
    switch (key) {
      case 'type': m.Type = value!; break
      case 'source': case 'src': m.Source = value!; break
      case 'target': case 'dst': case 'destination': m.Target = value!; break
      case 'readonly': case 'ro': m.ReadOnly = boolField(key, value); break
      case 'consistency': m.Consistency = value!; break
      case 'bind-propagation': (m.BindOptions ??= {}).Propagation = value!; break
      case 'bind-nonrecursive': (m.BindOptions ??= {}).NonRecursive = boolField(key, value); break
      case 'volume-nocopy': volumeOptions().NoCopy = boolField(key, value); break
      case 'volume-subpath': volumeOptions().Subpath = value!; break
      case 'volume-driver': (volumeOptions().DriverConfig ??= {}).Name = value!; break
      case 'volume-label': {
        const [k, v = ''] = value!.split(/=(.*)/s)
        ;(volumeOptions().Labels ??= {})[k!] = v
        break
      }
      case 'volume-opt': {
        const [k, v = ''] = value!.split(/=(.*)/s)
        ;((volumeOptions().DriverConfig ??= {}).Options ??= {})[k!] = v
        break
      }
      case 'tmpfs-size': (m.TmpfsOptions ??= {}).SizeBytes = parseSize(value!); break
      case 'tmpfs-mode': (m.TmpfsOptions ??= {}).Mode = parseInt(value!, 8); break
      default: throw new Error(`unexpected key '${key}' in '${field}'`)
    }
  }
  // an unknown type or a bind without a source is the daemon's to refuse (docker's CLI sends them)
  if (m.Target === '') throw new Error('target is required')
  if (m.Type !== 'volume' && m.VolumeOptions) throw new Error(`cannot mix 'volume-*' options with mount type '${m.Type}'`)
  if (m.Type !== 'bind' && m.BindOptions) throw new Error(`cannot mix 'bind-*' options with mount type '${m.Type}'`)
  if (m.Type !== 'tmpfs' && m.TmpfsOptions) throw new Error(`cannot mix 'tmpfs-*' options with mount type '${m.Type}'`)
  return m
}

/** --tmpfs /run:size=1m → { '/run': 'size=1m' } */
export function parseTmpfs(specs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const t of specs) {
    const colon = t.indexOf(':')
    if (colon < 0) out[t] = ''
    else out[t.slice(0, colon)] = t.slice(colon + 1)
  }
  return out
}
