// `berth create`: build the request from flags, create (pulling the image when it is missing,
// as docker does: "Unable to find image 'x:latest' locally"), print the ID.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import type { Readable } from 'node:stream'
import { ApiError } from '../../client/errors.js'
import type { CommandModule, Context, Io } from '../command.js'
import { line } from '../command.js'
import { createFlags } from '../flags/container.js'
import { buildCreateRequest, type CreateRequest } from '../flags/create-body.js'
import { localhostDnsWarning } from '../flags/host-opts.js'
import { JsonStreamError, renderJsonMessages, terminalOf } from '../output/progress.js'
import { encodeRegistryAuth, registryAuthFor } from '../credentials.js'
import { parseReference } from '../../lib/reference.js'
import type { Parsed } from '../flags/parser.js'

export function requestFromFlags(p: Parsed, io: Io): CreateRequest {
  return buildCreateRequest(p, {
    env: (n) => io.env[n],
    readFile: (f) => readFileSync(f, 'utf8'),
    cwd: io.cwd,
    consoleSize: io.stdout.isTTY ? [io.stdout.rows ?? 0, io.stdout.columns ?? 0] : [0, 0],
  })
}

/** `busybox` → `busybox:latest` (no tag added when a digest is given). */
export function withDefaultTag(ref: string): string {
  if (ref.includes('@')) return ref
  const slash = ref.lastIndexOf('/')
  return ref.lastIndexOf(':') > slash ? ref : `${ref}:latest`
}

/** X-Registry-Auth from the stored login for the image's registry (anonymous when the ref is bad: the daemon says why). */
function pullAuth(ctx: Context, ref: string): string {
  let domain: string
  try {
    domain = parseReference(ref).domain
  } catch {
    return encodeRegistryAuth(undefined)
  }
  return registryAuthFor(ctx.env, domain)
}

/**
 * Pulls `ref`, rendering the daemon's progress as docker does (bars on a terminal). Progress
 * goes to stderr unless `o.out` says otherwise (`berth pull` shows it on stdout). A failure in
 * the stream is a plain Error, so run reports it like any other create failure (125).
 */
export async function pullImage(ctx: Context, ref: string, platform?: string, o: { out?: Io['stdout']; quiet?: boolean } = {}): Promise<void> {
  const full = withDefaultTag(ref)
  const at = full.indexOf('@')
  const colon = at >= 0 ? at : full.lastIndexOf(':')
  const stream = await ctx.client.images.pull(full.slice(0, colon), at >= 0 ? full.slice(at + 1) : full.slice(colon + 1), platform, pullAuth(ctx, full))
  await renderPull(stream, o.out ?? ctx.stderr, o.quiet)
}

/** A pull's progress stream rendered as docker's; a failure in it becomes a plain Error. */
export async function renderPull(stream: Readable, out: Io['stdout'], quiet?: boolean): Promise<void> {
  try {
    await renderJsonMessages(stream, { out, ...terminalOf(out), quiet })
  } catch (e) {
    throw e instanceof JsonStreamError ? new Error(e.message) : e
  }
}

const isMissingImage = (e: unknown) => e instanceof ApiError && e.status === 404 && /image/i.test(e.message)

export async function createContainer(ctx: Context, req: CreateRequest): Promise<string> {
  const cidfile = (req.body as { HostConfig?: { ContainerIDFile?: string } }).HostConfig?.ContainerIDFile
  // As docker: an existing ID file is refused before anything is created.
  if (cidfile && existsSync(cidfile))
    throw new Error(`container ID file found, make sure the other container isn't running or delete ${cidfile}`)
  const id = await createOnce(ctx, req)
  if (cidfile) writeFileSync(cidfile, id)
  return id
}

async function createOnce(ctx: Context, req: CreateRequest): Promise<string> {
  const q = { name: req.name, platform: req.platform }
  if (req.pull === 'always') await pullImage(ctx, req.image, req.platform)
  let res
  try {
    res = await ctx.client.containers.create(req.body, q)
  } catch (e) {
    if (!isMissingImage(e) || req.pull === 'never') throw e
    line(ctx.stderr, `Unable to find image '${withDefaultTag(req.image)}' locally`)
    await pullImage(ctx, req.image, req.platform)
    res = await ctx.client.containers.create(req.body, q)
  }
  const dnsWarning = localhostDnsWarning((req.body as { HostConfig?: { Dns?: string[] } }).HostConfig?.Dns ?? [])
  for (const w of [...(res.Warnings ?? []), ...(dnsWarning ? [dnsWarning] : [])]) line(ctx.stderr, `WARNING: ${w}`)
  return res.Id
}

export const command: CommandModule<CreateRequest> = {
  usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  description: 'Create a new container',
  flags: createFlags,
  args: { min: 1 },
  stopAtPositional: true,
  parse: requestFromFlags,
  run: async (req, ctx) => {
    // Unlike run, a failed create is an ordinary command error: exit 1 (docker does the same).
    line(ctx.stdout, await createContainer(ctx, req))
  },
}
