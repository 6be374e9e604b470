import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { ContainerRecord, DockerConfig } from '../../state/records.js'
import { commitConfig, commitCreatedBy, commitTag, layerExclusion, type LayerFacts } from './commit-config.js'

const container = (over: Partial<DockerConfig> = {}): DockerConfig => ({
  Hostname: 'abc', Domainname: '', User: 'app', AttachStdin: false, AttachStdout: true, AttachStderr: true, Tty: false,
  OpenStdin: false, StdinOnce: false, Env: ['PATH=/bin', 'A=1'], Cmd: ['sh', '-c', 'run'], Entrypoint: null, Image: 'busybox',
  Volumes: { '/data': {} }, WorkingDir: '/w', Labels: { l: 'c' }, ExposedPorts: { '80/tcp': {} }, StopSignal: 'SIGINT', ...over,
})

test('commit config: without a body the container config is the base, all of it (moby: Config nil → container.Config)', () => {
  for (const body of [undefined, {}]) {
    const c = commitConfig(body, ['ENV A=2'], container({ Tty: true, OpenStdin: true }))
    assert.deepEqual([c.Hostname, c.Image, c.AttachStdout, c.Tty, c.OpenStdin], ['abc', 'busybox', true, true, true])
    // the change is applied to the container's Env in place: order kept, as Docker's ENV dispatcher does
    assert.deepEqual(c.Env, ['PATH=/bin', 'A=2'])
  }
})

test('commit config: the container config fills what the request body and --change leave unset', () => {
  const c = commitConfig({ Tty: false }, [], container())
  assert.equal(c.Hostname, '')
  assert.equal(c.Image, '')
  assert.deepEqual(c.Cmd, ['sh', '-c', 'run'])
  assert.equal(c.Entrypoint, null)
  assert.deepEqual(c.Env, ['PATH=/bin', 'A=1'])
  assert.equal(c.User, 'app')
  assert.equal(c.WorkingDir, '/w')
  assert.deepEqual(c.Volumes, { '/data': {} })
  assert.deepEqual(c.ExposedPorts, { '80/tcp': {} })
  assert.deepEqual(c.Labels, { l: 'c' })
  assert.equal(c.StopSignal, 'SIGINT')
  assert.equal(c.OnBuild, null)
})

test('commit config: --change and the body win, lists merge by key', () => {
  const c = commitConfig({ Labels: { b: 'body' } }, ['ENV A=2 B=3', 'EXPOSE 443', 'LABEL l=x', 'VOLUME /v', 'USER root', 'WORKDIR /x', 'STOPSIGNAL 9', 'ONBUILD RUN x'], container())
  assert.deepEqual(c.Env, ['A=2', 'B=3', 'PATH=/bin'])
  assert.deepEqual(c.ExposedPorts, { '80/tcp': {}, '443/tcp': {} })
  assert.deepEqual(c.Labels, { l: 'x', b: 'body' })
  assert.deepEqual(c.Volumes, { '/v': {}, '/data': {} })
  assert.deepEqual([c.User, c.WorkingDir, c.StopSignal], ['root', '/x', '9'])
  assert.deepEqual(c.OnBuild, ['RUN x'])
})

test('commit config: a partial healthcheck in the body is completed field by field from the container', () => {
  const hc = { Test: ['CMD', 'true'], Interval: 1e9, Retries: 3 }
  const c = commitConfig({ Healthcheck: { Timeout: 5e9 } }, [], container({ Healthcheck: hc }))
  assert.deepEqual(c.Healthcheck, { Test: ['CMD', 'true'], Interval: 1e9, Timeout: 5e9, Retries: 3 })
  assert.deepEqual(commitConfig({ User: 'x' }, [], container({ Healthcheck: hc })).Healthcheck, hc)
  assert.equal('Healthcheck' in commitConfig({ User: 'x' }, [], container()), false)
})

test('commit config: an ENTRYPOINT change keeps the container Cmd out unless a CMD change came first; a CMD change keeps its Entrypoint', () => {
  const withEp = container({ Entrypoint: ['/ep'], Cmd: ['arg'] })
  const a = commitConfig(undefined, ['ENTRYPOINT ["/new"]'], withEp)
  assert.deepEqual([a.Entrypoint, a.Cmd], [['/new'], null])
  const b = commitConfig(undefined, ['CMD ["x"]'], withEp)
  assert.deepEqual([b.Entrypoint, b.Cmd], [['/ep'], ['x']])
  const both = commitConfig(undefined, ['CMD ["x"]', 'ENTRYPOINT ["/new"]'], withEp)
  assert.deepEqual([both.Entrypoint, both.Cmd], [['/new'], ['x']])
  const after = commitConfig(undefined, ['ENTRYPOINT ["/new"]', 'CMD ["x"]'], withEp)
  assert.deepEqual([after.Entrypoint, after.Cmd], [['/new'], ['x']])
  assert.throws(() => commitConfig(undefined, ['RUN x'], withEp), { message: 'run is not a valid change command' })
})

test('commit tag and history line', () => {
  assert.equal(commitTag(undefined, 'x'), undefined)
  assert.equal(commitTag('img', undefined), 'docker.io/library/img:latest')
  assert.equal(commitTag('localhost:5000/a/b', 'v1'), 'localhost:5000/a/b:v1')
  assert.throws(() => commitTag('Bad', undefined), { message: 'invalid reference format: repository name (library/Bad) must be lowercase' })
  assert.throws(() => commitTag('img', 'bad tag'), { message: 'invalid reference format' })
  assert.throws(() => commitTag(`img@sha256:${'a'.repeat(64)}`, undefined), { message: 'cannot import digest reference' })
  assert.equal(commitCreatedBy(container({ Entrypoint: ['/ep'], Cmd: ['a', 'b'] })), 'a b')
})

test('layer exclusion: generated files, runc mount points, mount contents, emptied parents', () => {
  const record = { mounts: [{ Destination: '/data/' }], hostConfig: { Tmpfs: { '/run': '' } } } as unknown as ContainerRecord
  const withHostsBind = { ...record, mounts: [{ Destination: '/data/' }, { Destination: '/etc/hosts' }] } as unknown as ContainerRecord
  const upper: Record<string, string[]> = { etc: ['hostname', 'hosts', 'resolv.conf'], proc: [] }
  const facts = (image: Record<string, 'absent' | 'same' | 'different'>): LayerFacts => ({
    inImage: (p) => image[p] ?? 'absent',
    upperChildren: (p) => upper[p] ?? [],
  })
  // the image has /etc unchanged and /dev, but no /proc or /sys: runc made those
  assert.deepEqual(layerExclusion(record, facts({ etc: 'same', dev: 'same' })), {
    paths: ['etc', 'etc/hostname', 'etc/hosts', 'etc/resolv.conf', 'proc', 'sys'],
    contentsOf: ['data', 'dev', 'run'],
  })
  // a bind over /etc/hosts is kept as a mount point, so /etc is not emptied; nor when /etc's mode changed
  assert.deepEqual(layerExclusion(withHostsBind, facts({ etc: 'same', dev: 'same' })), {
    paths: ['etc/hostname', 'etc/resolv.conf', 'proc', 'sys'],
    contentsOf: ['data', 'dev', 'etc/hosts', 'run'],
  })
  assert.deepEqual(layerExclusion(record, facts({ etc: 'different' })).paths, ['dev', 'etc/hostname', 'etc/hosts', 'etc/resolv.conf', 'proc', 'sys'])
})
