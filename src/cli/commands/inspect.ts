// `berth inspect` (containers, then images, networks, volumes, unless --type says which) and the
// typed `container inspect` / `image inspect` / `network inspect` / `volume inspect`. Output: the daemon's JSON
// re-indented as docker does, or the --format template applied to each object.
import { ApiError } from '../../client/errors.js'
import { line, StatusError, type CommandModule, type Context } from '../command.js'
import { describe } from '../errors.js'
import type { FlagSpec } from '../flags/parser.js'
import { indentJson } from '../output/json-indent.js'
import { compile } from '../output/template.js'

type Kind = 'container' | 'image' | 'network' | 'volume'
export interface InspectOptions { refs: string[]; format?: string; size: boolean; verbose: boolean; type?: Kind }

/** The kinds `berth inspect` tries, in docker's order, and how each is fetched. */
const KINDS: readonly Kind[] = ['container', 'image', 'network', 'volume']
const lookup: Record<Kind, (ctx: Context, ref: string, o: InspectOptions) => Promise<string>> = {
  container: (ctx, ref, o) => ctx.client.containers.inspectRaw(ref, o.size),
  image: (ctx, ref) => ctx.client.images.inspectRaw(ref),
  network: (ctx, ref, o) => ctx.client.networks.inspectRaw(ref, { verbose: o.verbose }),
  volume: (ctx, ref) => ctx.client.volumes.inspectRaw(ref),
}

/** docker's isErrSkippable: try the next kind. */
const isSkippable = (e: unknown) =>
  (e instanceof ApiError && e.status === 404) || (e instanceof Error && /not supported|invalid reference format/.test(e.message))

async function fetchRaw(ctx: Context, ref: string, o: InspectOptions): Promise<string> {
  if (o.type) return lookup[o.type](ctx, ref, o)
  for (const kind of KINDS) {
    let raw: string
    try {
      raw = await lookup[kind](ctx, ref, o)
    } catch (e) {
      if (isSkippable(e)) continue
      throw e
    }
    if (o.size && kind !== 'container') line(ctx.stderr, `WARNING: --size ignored for ${kind}`)
    return raw
  }
  throw new Error(`Error: No such object: ${ref}`)
}

const USAGE: Record<Kind, string> = {
  container: 'CONTAINER [CONTAINER...]',
  image: 'IMAGE [IMAGE...]',
  network: 'NETWORK [NETWORK...]',
  volume: 'VOLUME [VOLUME...]',
}

function inspectFlags(type?: Kind): FlagSpec[] {
  const format: FlagSpec = { long: 'format', short: 'f', kind: 'value', type: 'string', help: "Format output using a custom template: 'json' or 'TEMPLATE'" }
  const size: FlagSpec = { long: 'size', short: 's', kind: 'bool', help: 'Display total file sizes if the type is container' }
  if (type === 'image' || type === 'volume') return [format]
  if (type === 'network') return [format, { long: 'verbose', short: 'v', kind: 'bool', help: 'Verbose output for diagnostics' }]
  if (type === 'container') return [format, size]
  return [format, size, { long: 'type', kind: 'value', type: 'string', help: 'Only inspect objects of the given type' }]
}

export function inspectCommand(type?: Kind): CommandModule<InspectOptions> {
  return {
    usage: type ? `[OPTIONS] ${USAGE[type]}` : '[OPTIONS] NAME|ID [NAME|ID...]',
    description: type ? `Display detailed information on one or more ${type}s` : 'Return low-level information on berth objects',
    flags: inspectFlags(type),
    args: { min: 1 },
    parse: (p) => {
      const t = type ?? p.str('type')
      if (t !== undefined && !(KINDS as readonly string[]).includes(t)) throw new Error(`"${t}" is not a valid value for --type`)
      return { refs: p.args, format: p.str('format'), size: p.bool('size'), verbose: p.bool('verbose'), type: t as Kind | undefined }
    },
    run: async (o, ctx) => {
      const fmt = o.format ?? ''
      let render: ((data: unknown) => string) | undefined
      if (fmt !== '' && fmt !== 'json') {
        try {
          render = compile(fmt)
        } catch (e) {
          throw new StatusError(64, describe(e))
        }
      }
      const raws: string[] = []
      const errors: string[] = []
      let out = ''
      for (const ref of o.refs) {
        try {
          const raw = await fetchRaw(ctx, ref, o)
          if (render) out += render(JSON.parse(raw)) + '\n'
          else raws.push(raw.trim())
        } catch (e) {
          errors.push(describe(e))
        }
      }
      if (!render) {
        if (raws.length === 0) out = '[]\n'
        else out = (fmt === 'json' ? JSON.stringify(JSON.parse(`[${raws.join(',')}]`)) : indentJson(`[${raws.join(',')}]`)) + '\n'
      }
      ctx.stdout.write(out)
      if (errors.length) throw new StatusError(1, errors.join('\n'))
    },
  }
}
