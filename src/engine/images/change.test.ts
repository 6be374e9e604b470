import { test } from 'node:test'
import assert from 'node:assert/strict'
import { applyChanges } from './change.js'

test('applies --change instructions in JSON and shell form', () => {
  const c = applyChanges({ Env: ['PATH=/bin'] }, [
    'CMD ["echo", "hi"]',
    'ENTRYPOINT /bin/run --x',
    'ENV PATH=/usr/bin A="a b"',
    'ENV LEGACY some value',
    'EXPOSE 80 53/UDP 1000-1001',
    'LABEL a=1 "b c"=2',
    'USER 1:1',
    'VOLUME ["/data", "/logs"]',
    'VOLUME /v1 /v2',
    'WORKDIR /w',
    'STOPSIGNAL SIGINT',
  ])
  assert.deepEqual(c, {
    Env: ['PATH=/usr/bin', 'A=a b', 'LEGACY=some value'],
    Cmd: ['echo', 'hi'],
    Entrypoint: ['/bin/sh', '-c', '/bin/run --x'],
    ExposedPorts: { '80/tcp': {}, '53/udp': {}, '1000/tcp': {}, '1001/tcp': {} },
    Labels: { a: '1', 'b c': '2' },
    User: '1:1',
    Volumes: { '/data': {}, '/logs': {}, '/v1': {}, '/v2': {} },
    WorkingDir: '/w',
    StopSignal: 'SIGINT',
  })
})

test('ONBUILD triggers accumulate; an empty ENTRYPOINT clears it', () => {
  const c = applyChanges({ Entrypoint: ['/ep'] }, ['ONBUILD RUN a', 'onbuild COPY . /x', 'ENTRYPOINT'])
  assert.deepEqual(c, { Entrypoint: null, Cmd: null, OnBuild: ['RUN a', 'COPY . /x'] })
})

test('rejects unknown instructions and bad ports', () => {
  assert.throws(() => applyChanges({}, ['RUN x']), { message: 'run is not a valid change command' })
  assert.throws(() => applyChanges({}, ['EXPOSE abc']), { message: 'invalid containerPort: abc' })
  // the builder's checks and Docker's words for them
  assert.throws(() => applyChanges({}, ['EXPOSE']), { message: 'EXPOSE requires at least one argument' })
  assert.throws(() => applyChanges({}, ['USER a b']), { message: 'USER requires exactly one argument' })
  assert.throws(() => applyChanges({}, ['STOPSIGNAL SIGNOPE']), { message: 'Invalid signal: SIGNOPE' })
  assert.throws(() => applyChanges({}, ['VOLUME']), { message: 'VOLUME requires at least one argument' })
  assert.throws(() => applyChanges({}, ['VOLUME [""]']), { message: 'VOLUME specified can not be an empty string' })
  assert.throws(() => applyChanges({}, ['WORKDIR']), { message: 'WORKDIR requires exactly one argument' })
})

test('HEALTHCHECK as the builder reads it: flags, JSON and shell forms, NONE, Docker\'s errors', () => {
  assert.deepEqual(applyChanges({}, ['HEALTHCHECK --interval=5s --retries=2 CMD ["curl", "-f", "x"]']).Healthcheck,
    { Test: ['CMD', 'curl', '-f', 'x'], Interval: 5e9, Retries: 2 })
  assert.deepEqual(applyChanges({}, ['HEALTHCHECK CMD curl -f x || exit 1']).Healthcheck, { Test: ['CMD-SHELL', 'curl -f x || exit 1'] })
  assert.deepEqual(applyChanges({}, ['healthcheck NONE']).Healthcheck, { Test: ['NONE'] })
  assert.throws(() => applyChanges({}, ['HEALTHCHECK --bogus=1 CMD x']), { message: /^unknown flag: --bogus/ })
  assert.throws(() => applyChanges({}, ['HEALTHCHECK CMD']), { message: 'Missing command after HEALTHCHECK CMD' })
  assert.throws(() => applyChanges({}, ['HEALTHCHECK']), { message: 'HEALTHCHECK requires at least one argument' })
})

test('words expand from the Env as it stands, quotes as the builder reads them; a relative WORKDIR joins the current one', () => {
  const c = applyChanges({ Env: ['PATH=/bin', 'P=8080'], WorkingDir: '/srv' }, [
    'ENV PATH=/opt/bin:$PATH HOME=${PATH}',
    'ENV A="a $P" B=\'$P\' C=\\$P',
    'LABEL port=$P',
    'EXPOSE $P',
    'USER ${P:-x}',
    'WORKDIR app/../sub',
    'VOLUME /v/$P',
  ])
  assert.deepEqual(c.Env, ['PATH=/opt/bin:/bin', 'P=8080', 'HOME=/bin', 'A=a 8080', 'B=$P', 'C=$P'])
  assert.deepEqual([c.Labels, c.ExposedPorts, c.User, c.WorkingDir, c.Volumes], [{ port: '8080' }, { '8080/tcp': {} }, '8080', '/srv/sub', { '/v/8080': {} }])
})
