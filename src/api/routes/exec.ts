// exec routes: create an exec instance, start it (hijacked unless detached), inspect, resize.
import type { Engine } from '../../engine/engine.js'
import type { Route } from '../types.js'
import { asObject, checkFields, strSlice } from '../wire/decode.js'
import { parseDetachKeys } from '../wire/detach-keys.js'
import { SocketSink, streamContentType } from './container-io.js'
import { BerthError, invalid } from '../../lib/errors.js'

export function execRoutes(engine: Engine): Route[] {
  const cs = engine.containers
  return [
    {
      method: 'POST',
      pattern: '/containers/{id}/exec',
      handler: ({ params, body }) => {
        const b = asObject(body, 'container.ExecOptions')
        checkFields(
          b,
          { AttachStdin: 'bool', AttachStdout: 'bool', AttachStderr: 'bool', Tty: 'bool', Cmd: 'strings', Env: 'strings', User: 'string', WorkingDir: 'string', Privileged: 'bool', DetachKeys: 'string' },
          'ExecConfig',
        )
        const cmd = strSlice(b.Cmd) ?? []
        if (cmd.length === 0) throw invalid('No exec command specified')
        const wd = (b.WorkingDir as string) ?? ''
        if (wd && !wd.startsWith('/')) throw invalid(`the working directory '${wd}' is invalid, it needs to be an absolute path`)
        const id = cs.createExec(params.id!, {
          cmd,
          env: strSlice(b.Env) ?? [],
          user: (b.User as string) ?? '',
          workingDir: wd,
          tty: !!b.Tty,
          privileged: !!b.Privileged,
          attachStdin: !!b.AttachStdin,
          attachStdout: !!b.AttachStdout,
          attachStderr: !!b.AttachStderr,
          detachKeys: parseDetachKeys(b.DetachKeys as string | undefined),
        })
        return { status: 201, json: { Id: id } }
      },
    },
    {
      method: 'POST',
      pattern: '/exec/{id}/start',
      handler: async (req) => {
        const b = asObject(req.body, 'container.ExecStartOptions')
        checkFields(b, { Detach: 'bool', Tty: 'bool' }, 'ExecStartCheck')
        const e = cs.execs.resolve(req.params.id!)
        if (b.Detach) {
          await cs.startExec(e.id, { detach: true })
          return { status: 200, empty: true }
        }
        if (e.running || e.exitCode !== null) throw new BerthError('conflict', `Exec command ${e.id} has already run`)
        const sink = new SocketSink(e.config.tty, true)
        return {
          contentType: streamContentType(req, e.config.tty),
          // As dockerd: the connection is taken over first; a failure to start the process is
          // written to the stream and recorded as the exec's exit code (126/127).
          hijack: async ({ socket, head }) => {
            sink.bind(socket)
            let started
            try {
              started = await cs.startExec(e.id, { detach: false, sink })
            } catch (err) {
              sink.output(1, Buffer.from(`${(err as Error).message}\r\n`))
              sink.finish()
              return
            }
            const { session, done } = started
            if (session) {
              if (head.length > 0) session.write(head)
              socket.on('data', (d: Buffer) => session.write(d))
              socket.on('end', () => session.endStdin())
              socket.on('close', () => session.hangUp())
              socket.on('error', () => session.hangUp())
            }
            // The exit code is known only after the output is drained.
            void done.then(() => sink.finish({ hasOutput: !!session }))
          },
        }
      },
    },
    {
      method: 'GET',
      pattern: '/exec/{id}/json',
      handler: ({ params }) => {
        const e = cs.execs.resolve(params.id!)
        return {
          json: {
            CanRemove: false,
            ContainerID: e.containerId,
            DetachKeys: '',
            ExitCode: e.exitCode,
            ID: e.id,
            OpenStderr: e.config.attachStderr,
            OpenStdin: e.config.attachStdin,
            OpenStdout: e.config.attachStdout,
            ProcessConfig: {
              arguments: e.config.cmd.slice(1),
              entrypoint: e.config.cmd[0],
              privileged: e.config.privileged,
              tty: e.config.tty,
              user: e.config.user,
            },
            Running: e.running,
            Pid: e.pid,
          },
        }
      },
    },
    {
      method: 'POST',
      pattern: '/exec/{id}/resize',
      handler: async ({ params, query }) => {
        await cs.resizeExec(params.id!, Number(query.get('h') ?? 0), Number(query.get('w') ?? 0))
        return { status: 200, empty: true }
      },
    },
  ]
}
