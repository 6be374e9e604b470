// `berth login [-u USER] [-p PASS | --password-stdin] [SERVER]`: the daemon checks the login
// against the registry, then the CLI stores it in the docker CLI's config.json (shared on
// purpose: both CLIs see the same logins). Flag checks, messages and the stored-credentials
// retry follow docker CLI 28.
import type { Readable } from 'node:stream'
import { ApiError } from '../../client/errors.js'
import { INDEX_SERVER, hostnameOf, readCredentials, storeCredentials, type Credentials } from '../credentials.js'
import { StatusError, line, type CommandModule, type Context } from '../command.js'
import { describe } from '../errors.js'

interface LoginOptions {
  server?: string
  username?: string
  password?: string
  passwordStdin: boolean
}

const UNENCRYPTED_WARNING = (path: string) =>
  `\nWARNING! Your credentials are stored unencrypted in '${path}'.\n` +
  'Configure a credential helper to remove this warning. See\nhttps://docs.docker.com/go/credential-store/\n'

async function readAll(input: Readable): Promise<string> {
  let text = ''
  for await (const chunk of input) text += chunk
  return text
}

/** One line from a TTY; with `hidden` the typed characters are not echoed. */
async function prompt(ctx: Context, question: string, hidden: boolean): Promise<string> {
  ctx.stdout.write(question)
  const raw = hidden && ctx.stdin.setRawMode !== undefined
  if (raw) ctx.stdin.setRawMode!(true)
  try {
    return await new Promise<string>((resolve, reject) => {
      let buf = ''
      const finish = (value: string | Error) => {
        ctx.stdin.off('data', onData)
        ctx.stdin.pause()
        if (value instanceof Error) reject(value)
        else resolve(value)
      }
      const onData = (c: Buffer) => {
        for (const ch of c.toString()) {
          if (ch === '\u0003') return finish(new StatusError(130, ''))
          if (ch === '\r' || ch === '\n') return finish(buf)
          if (ch === '\u007f') buf = buf.slice(0, -1)
          else buf += ch
        }
      }
      ctx.stdin.on('data', onData)
      ctx.stdin.resume()
    })
  } finally {
    if (raw) {
      ctx.stdin.setRawMode!(false)
      ctx.stdout.write('\n')
    }
  }
}

async function askCredentials(ctx: Context, o: LoginOptions, server: string, storedUser: string | undefined): Promise<Credentials> {
  if ((!o.username || !o.password) && !ctx.stdin.isTTY) {
    throw new StatusError(1, 'Error: Cannot perform an interactive login from a non TTY device')
  }
  let username = o.username?.trim() ?? ''
  if (username === '') {
    const answer = (await prompt(ctx, storedUser ? `Username (${storedUser}): ` : 'Username: ', false)).trim()
    username = answer === '' ? storedUser ?? '' : answer
  }
  if (username === '') throw new StatusError(1, 'Error: Non-null Username Required')
  let password = o.password ?? ''
  if (password === '') password = await prompt(ctx, 'Password: ', true)
  if (password === '') throw new StatusError(1, 'Error: Password Required')
  return { username, password, serveraddress: server }
}

async function loginAndStore(ctx: Context, creds: Credentials): Promise<string> {
  const res = await ctx.client.registry.login({ username: creds.username, password: creds.password, serveraddress: creds.serveraddress })
  const stored = res.IdentityToken ? { ...creds, password: '', identitytoken: res.IdentityToken } : creds
  let path: string
  try {
    path = storeCredentials(ctx.env, stored)
  } catch (e) {
    throw new StatusError(1, `Error saving credentials: ${describe(e)}`)
  }
  if (stored.password !== '') ctx.stderr.write(UNENCRYPTED_WARNING(path) + '\n')
  return res.Status
}

export const command: CommandModule<LoginOptions> = {
  usage: '[OPTIONS] [SERVER]',
  description: 'Authenticate to a registry',
  flags: [
    { long: 'password', short: 'p', kind: 'value', type: 'string', help: 'Password or Personal Access Token (PAT)' },
    { long: 'password-stdin', kind: 'bool', help: 'Take the Password or Personal Access Token (PAT) from stdin' },
    { long: 'username', short: 'u', kind: 'value', type: 'string', help: 'Username' },
  ],
  args: { max: 1 },
  parse: (p) => {
    if (p.has('password-stdin')) {
      if (p.has('password')) throw new StatusError(1, 'conflicting options: cannot specify both --password and --password-stdin')
      if (!p.has('username')) throw new StatusError(1, 'the --password-stdin option requires --username to be set')
    }
    if (p.has('username') && p.str('username') === '') throw new StatusError(1, 'username is empty')
    if (p.has('password') && p.str('password') === '') throw new StatusError(1, 'password is empty')
    return { server: p.args[0], username: p.str('username'), password: p.str('password'), passwordStdin: p.bool('password-stdin') }
  },
  run: async (o, ctx) => {
    if (o.password) line(ctx.stderr, 'WARNING! Using --password via the CLI is insecure. Use --password-stdin.')
    if (o.passwordStdin) o.password = (await readAll(ctx.stdin)).replace(/\n$/, '').replace(/\r$/, '')
    const isHub = !o.server || o.server === 'docker.io'
    const server = isHub ? INDEX_SERVER : hostnameOf(o.server!)
    let stored: Credentials | undefined
    try {
      stored = readCredentials(ctx.env, server)
    } catch {
      stored = undefined
    }
    // As docker: with no user or password given, stored credentials are tried first.
    if (!o.username && !o.password && stored?.username && stored.password) {
      ctx.stderr.write(`Authenticating with existing credentials... [Username: ${stored.username}]\n`)
      try {
        line(ctx.stdout, await loginAndStore(ctx, stored))
        return
      } catch (e) {
        if (e instanceof StatusError) throw e
        line(ctx.stderr, e instanceof ApiError && e.status === 401 ? 'Stored credentials invalid or expired' : `Login did not succeed, error: ${describe(e)}`)
      }
    }
    const creds = await askCredentials(ctx, o, server, stored?.username)
    line(ctx.stdout, await loginAndStore(ctx, creds))
  },
}
