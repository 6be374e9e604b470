// POST /build refuses what dockerd refuses before it reads the context: these checks run before
// the engine is reached, so the handler is called with no engine behind it.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { IncomingMessage } from 'node:http'
import type { Engine } from '../../engine/engine.js'
import type { ApiRequest } from '../types.js'
import { buildRoutes } from './build.js'

const [route] = buildRoutes({} as Engine)

function post(query: string): Promise<unknown> {
  const req: ApiRequest = {
    method: 'POST', path: '/build', version: '1.47', params: {}, query: new URLSearchParams(query), headers: {}, body: undefined,
    raw: {} as IncomingMessage,
  }
  return Promise.resolve(route!.handler(req))
}

test('squash is refused as by a daemon without experimental mode', async () => {
  await assert.rejects(post('squash=1'), { kind: 'invalid', message: 'squash is only supported with experimental mode' })
})

test('bad step-container options are a 400 before the body is read', async () => {
  await assert.rejects(post('ulimits=nope'), { kind: 'invalid', message: 'invalid ulimits parameter: nope' })
  await assert.rejects(post('ulimits=[null]'), { kind: 'invalid', message: 'invalid ulimits parameter: [null]' })
  // each entry as a container create's HostConfig.Ulimits: refused here, not when a RUN step starts
  await assert.rejects(post('ulimits=' + encodeURIComponent('[{"Name":"nofile","Soft":"1024","Hard":2048}]')), {
    kind: 'invalid', message: 'json: cannot unmarshal string into Go struct field Ulimit.Soft of type int64',
  })
  await assert.rejects(post('ulimits=[7]'), { kind: 'invalid', message: 'json: cannot unmarshal number into Go value of type units.Ulimit' })
  await assert.rejects(post('memory=lots'), { kind: 'invalid', message: 'invalid value for memory: lots' })
  await assert.rejects(post('t=UPPER'), { kind: 'invalid' })
})
