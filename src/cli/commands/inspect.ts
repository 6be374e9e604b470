// `berth inspect` (containers, then images, unless --type says which) and the typed
// `container inspect` / `image inspect`. Output: the daemon's JSON re-indented as docker does, or
// the --format template applied to each object.
import { ApiError } from '../../client/errors.js'
import { StatusError, type CommandModule, type Context } from '../command.js'
import { describe } from '../errors.js'
import { indentJson } from '../output/json-indent.js'
import { compile } from '../output/template.js'

type Kind = 'container' | 'image'
export interface InspectOptions { refs: string[]; format?: string; size: boolean; type?: Kind }

async function fetchRaw(ctx: Context, ref: string, o: InspectOptions): Promise<string> {
  if (o.type === 'container') return ctx.client.containers.inspectRaw(ref, o.size)
  if (o.type === 'image') return ctx.client.images.inspectRaw(ref)
  for (const kind of ['container', 'image'] as const) {
    try {
      return await (kind === 'container' ? ctx.client.containers.inspectRaw(ref, o.size) : ctx.client.images.inspectRaw(ref))
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) throw e
    }
  }
  throw new Error(`Error: No such object: ${ref}`)
}

export function inspectCommand(type?: Kind): CommandModule<InspectOptions> {
  const flags = [
    { long: 'format', short: 'f', kind: 'value' as const, type: 'string', help: "Format output using a custom template: 'json' or 'TEMPLATE'" },
    { long: 'size', short: 's', kind: 'bool' as const, help: 'Display total file sizes if the type is container' },
    ...(type ? [] : [{ long: 'type', kind: 'value' as const, type: 'string', help: 'Only inspect objects of the given type' }]),
  ]
  return {
    usage: type ? `[OPTIONS] ${type === 'container' ? 'CONTAINER [CONTAINER...]' : 'IMAGE [IMAGE...]'}` : '[OPTIONS] NAME|ID [NAME|ID...]',
    description: type ? `Display detailed information on one or more ${type}s` : 'Return low-level information on berth objects',
    flags: type === 'image' ? flags.filter((f) => f.long !== 'size') : flags,
    args: { min: 1 },
    parse: (p) => {
      const t = type ?? p.str('type')
      if (t !== undefined && t !== 'container' && t !== 'image') throw new Error(`"${t}" is not a valid value for --type`)
      return { refs: p.args, format: p.str('format'), size: p.bool('size'), type: t as Kind | undefined }
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
