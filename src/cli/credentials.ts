// Registry logins kept in Docker's client config file, shared on purpose with the docker CLI:
// `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`. The file is Docker's JSON
// (`{"auths":{"<server>":{"auth":"base64(user:pass)"}}}`); keys we do not know are kept as they
// are. Writes go to a temporary file in the same directory, mode 0600 (directory 0700), then a
// rename, so a reader never sees half a file. Credential helpers (`credsStore`, `credHelpers`)
// are not run: berth reads and writes `auths` only.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { randomBytes } from 'node:crypto'

/** Docker Hub's key in `auths` (Docker's IndexServer). */
export const INDEX_SERVER = 'https://index.docker.io/v1/'

export interface Credentials {
  username: string
  password: string
  serveraddress: string
  identitytoken?: string
}

interface AuthEntry {
  auth?: string
  identitytoken?: string
  [k: string]: unknown
}

interface ConfigFile {
  auths?: Record<string, AuthEntry>
  [k: string]: unknown
}

export function configPath(env: NodeJS.ProcessEnv): string {
  const dir = env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker')
  return join(dir, 'config.json')
}

function readConfig(path: string): ConfigFile {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {}
    throw e
  }
  if (text.trim() === '') return {}
  try {
    const parsed = JSON.parse(text) as unknown
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as ConfigFile) : {}
  } catch (e) {
    throw new Error(`loading config file: ${path}: ${(e as Error).message}`)
  }
}

function writeConfig(path: string, config: ConfigFile): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  const tmp = join(dirname(path), `.config.json.${randomBytes(6).toString('hex')}`)
  try {
    writeFileSync(tmp, JSON.stringify(config, null, '\t') + '\n', { mode: 0o600 })
    renameSync(tmp, path)
  } catch (e) {
    rmSync(tmp, { force: true })
    throw e
  }
}

/** `http://host:port/path` → `host:port` (Docker's ConvertToHostname). */
export function hostnameOf(server: string): string {
  let s = server
  const scheme = s.indexOf('://')
  if (scheme >= 0) s = s.slice(scheme + 3)
  const slash = s.indexOf('/')
  return slash >= 0 ? s.slice(0, slash) : s
}

/** The `auths` key for a registry domain (`docker.io` is stored under Docker Hub's index URL). */
export function authKeyFor(domain: string): string {
  return domain === 'docker.io' || domain === 'index.docker.io' ? INDEX_SERVER : domain
}

function decodeEntry(server: string, entry: AuthEntry): Credentials {
  let username = ''
  let password = ''
  if (typeof entry.auth === 'string' && entry.auth !== '') {
    const plain = Buffer.from(entry.auth, 'base64').toString('utf8')
    const colon = plain.indexOf(':')
    if (colon > 0) {
      username = plain.slice(0, colon)
      password = plain.slice(colon + 1)
    }
  }
  const creds: Credentials = { username, password, serveraddress: server }
  if (typeof entry.identitytoken === 'string' && entry.identitytoken !== '') creds.identitytoken = entry.identitytoken
  return creds
}

/** Stored credentials for `server` (a key or a hostname), as Docker's file store finds them. */
export function readCredentials(env: NodeJS.ProcessEnv, server: string): Credentials | undefined {
  const auths = readConfig(configPath(env)).auths ?? {}
  const exact = auths[server]
  if (exact) return decodeEntry(server, exact)
  for (const [key, entry] of Object.entries(auths)) {
    if (hostnameOf(key) === server) return decodeEntry(server, entry)
  }
  return undefined
}

/** Stores a login, keeping every other key of the file. */
export function storeCredentials(env: NodeJS.ProcessEnv, creds: Credentials): string {
  const path = configPath(env)
  const config = readConfig(path)
  const entry: AuthEntry = { auth: Buffer.from(`${creds.username}:${creds.password}`).toString('base64') }
  if (creds.identitytoken) entry.identitytoken = creds.identitytoken
  config.auths = { ...(config.auths ?? {}), [creds.serveraddress]: entry }
  writeConfig(path, config)
  return path
}

/** Removes the entries for `keys`; returns whether any was there. The file is left alone if none. */
export function eraseCredentials(env: NodeJS.ProcessEnv, keys: readonly string[]): boolean {
  const path = configPath(env)
  const config = readConfig(path)
  const auths = config.auths ?? {}
  const present = keys.filter((k) => k in auths)
  if (present.length === 0) return false
  for (const k of present) delete auths[k]
  config.auths = auths
  writeConfig(path, config)
  return true
}

/** The X-Registry-Auth header value: Docker's AuthConfig JSON in padded base64url (Go's URLEncoding). */
export function encodeRegistryAuth(creds: Credentials | undefined): string {
  const b64 = Buffer.from(JSON.stringify(creds ?? {})).toString('base64')
  return b64.replace(/\+/g, '-').replace(/\//g, '_')
}

/** X-Registry-Auth for pulling or pushing `domain`'s images, from the stored logins. */
export function registryAuthFor(env: NodeJS.ProcessEnv, domain: string): string {
  let creds: Credentials | undefined
  try {
    creds = readCredentials(env, authKeyFor(domain))
  } catch {
    creds = undefined // an unreadable config means anonymous, as for the docker CLI's warnings-only path
  }
  return encodeRegistryAuth(creds)
}
