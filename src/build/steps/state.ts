// What the builder carries from one instruction to the next within a stage: the image built so
// far, the config the next image gets, the ARGs in scope. Terms: *meta args* are ARGs before the
// first FROM (usable in FROM lines, and inside a stage only once re-declared); *build args* are
// the --build-arg values the client sent.
import type { ContainerConfig } from '../../engine/images/change.js'
import { PROXY_ARGS } from '../dockerfile/instructions.js'

export const DEFAULT_SHELL: readonly string[] = ['/bin/sh', '-c']

export interface StageState {
  /** The image built so far; undefined for `FROM scratch` until a step commits. */
  imageId?: string
  /** The `config` of the next image (a copy; steps change it in place). */
  config: ContainerConfig
  /** MAINTAINER: the image's author. */
  author?: string
  /** CMD was given in this stage (ENTRYPOINT then keeps it, as Docker does). */
  cmdSet: boolean
  /** ARGs declared in this stage, in order of declaration, with their value (undefined: none). */
  args: Map<string, string | undefined>
}

/** The build-wide argument bookkeeping: what the client sent, what was consumed. */
export class BuildArgs {
  readonly meta = new Map<string, string | undefined>()
  readonly consumed = new Set<string>()

  constructor(readonly given: ReadonlyMap<string, string | null>) {}

  /** The value an ARG gets: the client's (unless null), else its default, else the meta arg's. */
  declare(name: string, dflt: string | undefined, inStage: boolean): string | undefined {
    this.consumed.add(name)
    const sent = this.given.get(name)
    if (sent !== undefined && sent !== null) return sent
    if (dflt !== undefined) return dflt
    return inStage ? this.meta.get(name) : undefined
  }

  /** Proxy args sent by the client: passed to RUN without an ARG, kept out of history. */
  proxies(): Array<[string, string]> {
    return PROXY_ARGS.flatMap((k) => {
      const v = this.given.get(k)
      return v === undefined || v === null ? [] : [[k, v] as [string, string]]
    })
  }
}

export const envName = (entry: string) => entry.split('=')[0]!

/** Variables for expanding an instruction's words: ARGs in scope, then ENV over them. */
export function expansionEnv(state: StageState): Map<string, string> {
  const env = new Map<string, string>()
  for (const [k, v] of state.args) if (v !== undefined) env.set(k, v)
  for (const e of state.config.Env ?? []) {
    const i = e.indexOf('=')
    if (i > 0) env.set(e.slice(0, i), e.slice(i + 1))
  }
  return env
}

/**
 * The build args a RUN sees (moby FilterAllowed): declared ARGs with a value that no ENV
 * overrides, plus the proxy args. `history` is the part recorded in `created_by` (`|2 A=1 B=2`):
 * declared ones only, sorted.
 */
export function runArgs(state: StageState, args: BuildArgs): { env: string[]; history: string[] } {
  const envKeys = new Set((state.config.Env ?? []).map(envName))
  const env: string[] = []
  const history: string[] = []
  for (const [k, v] of state.args) {
    if (v === undefined || envKeys.has(k)) continue
    env.push(`${k}=${v}`)
    history.push(`${k}=${v}`)
  }
  for (const [k, v] of args.proxies()) if (!state.args.has(k) && !envKeys.has(k)) env.push(`${k}=${v}`)
  history.sort()
  return { env, history }
}

export const shellOf = (config: ContainerConfig): string[] => [...(config.Shell?.length ? config.Shell : DEFAULT_SHELL)]

/** The `#(nop)` command Docker records for a metadata step (two spaces: "#(nop) " then " " + comment). */
export const nopCommand = (config: ContainerConfig, comment: string): string[] => [...shellOf(config), '#(nop) ', comment]

/** WORKDIR and COPY/ADD put the comment in the same word (one space). */
export const nopCommandString = (config: ContainerConfig, comment: string): string[] => [...shellOf(config), `#(nop) ${comment}`]

export const cloneConfig = (c: ContainerConfig): ContainerConfig => structuredClone(c)
