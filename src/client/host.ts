// Which daemon socket to talk to: -H/--host, then DOCKER_HOST, then berth's default socket.
// Only unix:// hosts are supported; the daemon is started automatically only for the default.
export const DEFAULT_HOST = 'unix:///run/berth/berth.sock'

export interface Host {
  /** As the user wrote it (used in messages). */
  url: string
  socketPath: string
  isDefault: boolean
}

export function resolveHost(flag: string | undefined, env: NodeJS.ProcessEnv): Host {
  const url = flag || env['DOCKER_HOST'] || DEFAULT_HOST
  const m = /^unix:\/\/(\/.*)$/.exec(url) ?? /^unix:(\/.*)$/.exec(url)
  if (!m) {
    if (url.startsWith('/')) return { url: `unix://${url}`, socketPath: url, isDefault: false }
    throw new Error(`unsupported host "${url}": only unix:// sockets are supported`)
  }
  return { url, socketPath: m[1]!, isDefault: url === DEFAULT_HOST }
}
