// The container service: the engine's one entry point for container verbs. Each verb lives in
// its own module; this class only holds the dependencies and routes calls.
import type { Readable } from 'node:stream'
import { readLog, type LogEntry } from '../../runtime/log-reader.js'
import type { ContainerRecord } from '../../state/records.js'
import { getArchive, putArchive, statPath, type ExtractOptions } from './archive.js'
import { AttachSession, type AttachOptions, type AttachSink } from './attach.js'
import { createContainer, type CreateRequest } from './create.js'
import { commitContainer, containerLayerExclusion, type CommitRequest, type ImageCommitter } from './commit.js'
import { exportContainer } from './export.js'
import type { ContainerDeps } from './deps.js'
import { createExec, ExecStore, startExecInstance, type ExecConfig } from './exec.js'
import { handleExit } from './exit.js'
import { renameContainer, topContainer, waitContainer, type WaitCondition } from './misc.js'
import { removeContainer } from './remove.js'
import { containerDirs } from './rootfs.js'
import { attachSocketOf, startContainer } from './start.js'
import { assertCan } from './states.js'
import { killContainer, restartContainer, setPaused, stopContainer } from './stop.js'
import { BerthError } from '../../lib/errors.js'
import { log } from '../../lib/log.js'
import { resize } from '../../runtime/attach.js'
import { changes as listChanges } from '../../storage/changes.js'
import { getXattr } from '../../sys/ffi.js'
import { dirSize } from '../../storage/size.js'

export class ContainerService {
  readonly execs = new ExecStore()

  constructor(readonly deps: ContainerDeps) {}

  list(): ContainerRecord[] {
    return this.deps.store.all()
  }

  inspect(ref: string): ContainerRecord {
    return this.deps.store.resolve(ref)
  }

  create(req: CreateRequest) {
    return createContainer(this.deps, req)
  }

  /** A container with AutoRemove that fails to start is removed, as Docker does (run --rm waits for that). */
  async start(ref: string) {
    const c = this.deps.store.resolve(ref)
    try {
      await startContainer(this.deps, c.id)
    } catch (e) {
      if (c.hostConfig.AutoRemove && !(e instanceof BerthError && e.kind === 'not-modified'))
        await this.remove(c.id, { force: true, volumes: true }).catch((err: unknown) => log.warn('removing a container after its failed start failed', { id: c.id, error: String(err) }))
      throw e
    }
  }

  stop(ref: string, opts: { timeout?: number; signal?: string }) {
    return stopContainer(this.deps, ref, opts)
  }

  restart(ref: string, opts: { timeout?: number; signal?: string }) {
    return restartContainer(this.deps, ref, opts)
  }

  kill(ref: string, signal?: string) {
    return killContainer(this.deps, ref, signal)
  }

  pause(ref: string) {
    return setPaused(this.deps, ref, true)
  }

  unpause(ref: string) {
    return setPaused(this.deps, ref, false)
  }

  async remove(ref: string, opts: { force: boolean; volumes?: boolean }) {
    const c = this.deps.store.resolve(ref)
    await removeContainer(this.deps, ref, opts)
    this.execs.dropContainer(c.id)
    // The image may have been force-removed while this container held its layers.
    if (!this.imageExists(c.imageId))
      await this.deps.images.collectOrphans(() => new Set(this.deps.store.all().flatMap((x) => x.lowerDirs)))
  }

  private imageExists(imageId: string): boolean {
    try {
      this.deps.images.resolve(imageId)
      return true
    } catch {
      return false
    }
  }

  wait(ref: string, condition: WaitCondition) {
    return waitContainer(this.deps, ref, condition)
  }

  rename(ref: string, name: string) {
    return renameContainer(this.deps, ref, name)
  }

  top(ref: string, psArgs: string) {
    return topContainer(this.deps, ref, psArgs)
  }

  /** Bytes in the writable layer, and with the image's layers under it (`ps -s`, `inspect -s`). */
  async size(ref: string): Promise<{ rw: number; rootFs: number }> {
    const c = this.deps.store.resolve(ref)
    const rw = await dirSize(containerDirs(this.deps.paths, c.id).upper)
    return { rw, rootFs: rw + this.deps.images.resolve(c.imageId).size }
  }

  /** `docker diff`: what the container's writable layer changed, added or deleted. */
  async changes(ref: string) {
    const c = this.deps.store.resolve(ref)
    return listChanges(containerDirs(this.deps.paths, c.id).upper, c.lowerDirs, { getXattr }, containerLayerExclusion(this.deps, c))
  }

  /** `docker commit`: the writable layer becomes an image through `images`; returns its ID. */
  commit(req: CommitRequest, images: ImageCommitter): Promise<string> {
    return commitContainer(this.deps, images, req)
  }

  /** `docker export`: the container's root filesystem as one flat tar. */
  export(ref: string): Promise<Readable> {
    return exportContainer(this.deps, ref)
  }

  /** `docker cp`: stat, read as a tar, or extract a tar into a path inside the container. */
  statPath(ref: string, path: string) {
    return statPath(this.deps, ref, path)
  }

  getArchive(ref: string, path: string) {
    return getArchive(this.deps, ref, path)
  }

  putArchive(ref: string, path: string, tar: Readable, opts: ExtractOptions) {
    return putArchive(this.deps, ref, path, tar, opts)
  }

  /** Called for every conmon exit file: now, or found at daemon start. */
  onExit(id: string, code: number | undefined) {
    // AutoRemove (`run --rm`) takes the anonymous volumes along, as Docker does
    return handleExit(this.deps, id, code, (cid) => this.remove(cid, { force: true, volumes: true }))
  }

  /** Attach a client; before start it waits for start, while running it connects now. */
  async attach(ref: string, opts: AttachOptions, sink: AttachSink): Promise<AttachSession> {
    const c = this.deps.store.resolve(ref)
    assertCan('attach', c)
    const session = new AttachSession(opts, sink, () => undefined)
    if (c.state.status === 'running' || c.state.status === 'paused') {
      await this.deps.attachHub.connectNow(attachSocketOf(this.deps, c.id), session)
    } else {
      // created or exited: connected by the next start (docker start -a attaches first)
      this.deps.attachHub.wait(c.id, session)
    }
    return session
  }

  async resize(ref: string, rows: number, cols: number): Promise<void> {
    const c = this.deps.store.resolve(ref)
    if (c.state.status !== 'running' && c.state.status !== 'paused')
      throw new BerthError('conflict', `Container ${c.id} is not running`)
    await resize(c.runDir ?? attachSocketOf(this.deps, c.id), rows, cols)
  }

  logs(ref: string, opts: { tail?: number; since?: number; until?: number; follow: boolean; signal?: AbortSignal }): AsyncIterable<LogEntry> {
    const c = this.deps.store.resolve(ref)
    const path = containerDirs(this.deps.paths, c.id).log
    return readLog(path, {
      ...opts,
      isRunning: () => {
        const s = this.deps.store.get(c.id)?.state.status
        return s === 'running' || s === 'paused' || s === 'restarting'
      },
    })
  }

  createExec(ref: string, config: ExecConfig) {
    return createExec(this.deps, this.execs, ref, config)
  }

  startExec(execId: string, opts: { detach: boolean; sink?: AttachSink }) {
    return startExecInstance(this.deps, this.execs, execId, opts)
  }

  async resizeExec(execId: string, rows: number, cols: number) {
    const e = this.execs.resolve(execId)
    if (!e.handle) throw new BerthError('conflict', `Exec ${execId} is not running`)
    await e.handle.resize(rows, cols)
  }
}
