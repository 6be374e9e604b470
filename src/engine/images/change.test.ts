import { test } from 'node:test'
import assert from 'node:assert/strict'
import { applyChanges, splitWords } from './change.js'

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
    ExposedPorts: { '80/tcp': {}, '53/udp': {}, '1000-1001/tcp': {} },
    Labels: { a: '1', 'b c': '2' },
    User: '1:1',
    Volumes: { '/data': {}, '/logs': {}, '/v1': {}, '/v2': {} },
    WorkingDir: '/w',
    StopSignal: 'SIGINT',
  })
})

test('ONBUILD triggers accumulate; an empty ENTRYPOINT clears it', () => {
  const c = applyChanges({ Entrypoint: ['/ep'] }, ['ONBUILD RUN a', 'onbuild COPY . /x', 'ENTRYPOINT'])
  assert.deepEqual(c, { Entrypoint: null, OnBuild: ['RUN a', 'COPY . /x'] })
})

test('rejects unknown instructions and bad ports', () => {
  assert.throws(() => applyChanges({}, ['RUN x']), { message: 'run is not a valid change command' })
  assert.throws(() => applyChanges({}, ['EXPOSE abc']), { message: 'invalid containerPort: abc' })
  assert.throws(() => splitWords('"open'), /unmatched quote/)
})
