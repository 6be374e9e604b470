import assert from 'node:assert/strict'
import { test } from 'node:test'
import { formatMismatches, loadSpec, responseSchema, validate, validateResponse, type Spec } from './schema.js'

const inspectBody = () => ({
  Id: 'a'.repeat(64),
  Created: '2024-01-01T00:00:00.000000000Z',
  Path: 'sh',
  Args: ['-c', 'true'],
  State: { Status: 'running', Running: true, Paused: false, Restarting: false, OOMKilled: false, Dead: false, Pid: 4242, ExitCode: 0, Error: '', StartedAt: '2024-01-01T00:00:01Z', FinishedAt: '0001-01-01T00:00:00Z' },
  Image: 'sha256:' + 'b'.repeat(64),
  Name: '/web',
  RestartCount: 0,
  Driver: 'overlay2',
  Platform: 'linux',
  HostConfig: { NetworkMode: 'bridge', RestartPolicy: { Name: 'no', MaximumRetryCount: 0 }, Binds: null },
  Mounts: [{ Type: 'volume', Name: 'data', Source: '/var/lib/berth/volumes/data/_data', Destination: '/data', Driver: 'local', Mode: 'z', RW: true, Propagation: '' }],
  Config: { Hostname: 'a', Image: 'busybox', Cmd: ['sh'], Env: ['PATH=/bin'], Labels: { 'com.example.x': '1' }, Tty: false },
  NetworkSettings: { Ports: { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }] }, Networks: {} },
})

test('a correct ContainerInspect body passes', () => {
  const ms = validateResponse('GET', '/containers/{id}/json', 200, inspectBody())
  assert.equal(formatMismatches(ms), '')
  assert.deepEqual(validateResponse('GET', '/containers/{id}/json', 200, inspectBody(), '1.41'), [])
})

test('wrong types are reported with their JSON path', () => {
  const body = inspectBody() as Record<string, any>
  body.State.Pid = '4242'
  body.Args = 'sh'
  body.Mounts[0].RW = 'yes'
  body.Config.Labels['com.example.x'] = 1
  body.HostConfig.RestartPolicy.Name = 'sometimes'
  assert.deepEqual(validateResponse('GET', '/containers/{id}/json', 200, body), [
    { path: '$.Args', message: 'expected array, got string' },
    { path: '$.State.Pid', message: 'expected integer, got string' },
    { path: '$.HostConfig.RestartPolicy.Name', message: 'expected one of ["","no","always","unless-stopped","on-failure"], got "sometimes"' },
    { path: '$.Mounts[0].RW', message: 'expected boolean, got string' },
    { path: '$.Config.Labels["com.example.x"]', message: 'expected string, got integer' },
  ])
})

test('error bodies: required message', () => {
  assert.deepEqual(validateResponse('GET', '/containers/{id}/json', 404, { message: 'No such container: x' }), [])
  assert.deepEqual(validateResponse('GET', '/containers/{id}/json', 404, {}), [{ path: '$.message', message: 'required property is missing' }])
  assert.deepEqual(validateResponse('GET', '/containers/{id}/json', 500, { message: null }), [{ path: '$.message', message: 'expected string, got null' }])
})

test('null: structured types allowed unless strict; x-nullable honoured', () => {
  const body = { ...inspectBody(), State: null, Mounts: null }
  assert.deepEqual(validateResponse('GET', '/containers/{id}/json', 200, body), []) // State is x-nullable, Mounts is an array
  assert.deepEqual(validateResponse('GET', '/containers/{id}/json', 200, body, '1.47', { strictNull: true }), [
    { path: '$.HostConfig.Binds', message: 'expected array, got null' },
    { path: '$.Mounts', message: 'expected array, got null' },
  ])
  assert.deepEqual(validateResponse('GET', '/containers/{id}/json', 200, { ...inspectBody(), Name: null }), [
    { path: '$.Name', message: 'expected string, got null' },
  ])
})

test('greedy route patterns, bodiless statuses and unknown operations', () => {
  assert.deepEqual(validateResponse('DELETE', '/images/{name*}', 200, [{ Untagged: 'busybox:latest' }, { Deleted: 'sha256:1' }]), [])
  assert.deepEqual(validateResponse('POST', '/containers/{id}/start', 204, undefined), [])
  assert.deepEqual(validateResponse('POST', '/containers/{id}/start', 204, { x: 1 }), [{ path: '$', message: 'status 204 has no body, got object' }])
  assert.throws(() => validateResponse('GET', '/nope', 200, {}), /v1.47 has no operation GET \/nope/)
  assert.throws(() => validateResponse('GET', '/containers/{id}/json', 418, {}), /does not document status 418/)
})

test('validate: allOf, additionalProperties and $ref beside x-nullable', () => {
  const spec: Spec = {
    version: 'test',
    paths: {},
    definitions: {
      Base: { type: 'object', required: ['Id'], properties: { Id: { type: 'string' } } },
      Extra: { type: 'object', properties: { Size: { type: 'integer' } } },
      Closed: { type: 'object', additionalProperties: false, properties: { A: { type: 'number' } } },
    },
  }
  const both = { allOf: [{ $ref: '#/definitions/Base' }, { $ref: '#/definitions/Extra' }] }
  assert.deepEqual(validate(spec, both, { Id: 'x', Size: 3 }), [])
  assert.deepEqual(validate(spec, both, { Size: 1.5 }), [
    { path: '$.Id', message: 'required property is missing' },
    { path: '$.Size', message: 'expected integer, got number' },
  ])
  assert.deepEqual(validate(spec, { $ref: '#/definitions/Closed' }, { A: 1, B: 2 }), [{ path: '$.B', message: 'property is not allowed' }])
  assert.deepEqual(validate(spec, { $ref: '#/definitions/Base', 'x-nullable': false }, null), [{ path: '$', message: 'expected object, got null' }])
  assert.throws(() => validate(spec, { $ref: '#/definitions/Missing' }, {}), /unresolvable \$ref/)
})

test('every documented response schema resolves', () => {
  for (const version of ['1.41', '1.47']) {
    const spec = loadSpec(version)
    for (const [path, ops] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (typeof op !== 'object' || !op.responses) continue
        for (const status of Object.keys(op.responses)) {
          if (status === 'default') continue
          const schema = responseSchema(spec, method, path, Number(status))
          // validating a bogus value walks the top of every schema and every $ref it names
          if (schema) validate(spec, schema, Symbol('x') as unknown)
        }
      }
    }
  }
})
