import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  DEFAULT_SHELL, PROXY_ARGS, commandArgv, onbuildTrigger, parseArgs, parseExpose, parseHealthcheck, parseMaintainer,
  parseShell, parseStopSignal, parseUser, parseVolume, unconsumedBuildArgsWarning,
} from './instructions.js'
import { parseDockerfile } from './parse.js'

const first = (text: string) => parseDockerfile(`FROM x\n${text}`).stages[0]!.instructions[0]!
const invalid = (message: string | RegExp) => (e: Error & { kind?: string }) => {
  assert.equal(e.kind, 'invalid')
  if (typeof message === 'string') assert.equal(e.message, message)
  else assert.match(e.message, message)
  return true
}

test('EXPOSE: protocols, ranges, port specs', () => {
  assert.deepEqual(parseExpose(['80']), ['80/tcp'])
  assert.deepEqual(parseExpose(['80/udp', '53/UDP', '9/sctp']), ['80/udp', '53/udp', '9/sctp'])
  assert.deepEqual(parseExpose(['8000-8002']), ['8000/tcp', '8001/tcp', '8002/tcp'])
  assert.deepEqual(parseExpose(['80', '80/tcp']), ['80/tcp'])
  assert.deepEqual(parseExpose(['127.0.0.1:8080:80']), ['80/tcp'])
  assert.throws(() => parseExpose(['80/xyz']), invalid('invalid proto: xyz'))
  assert.throws(() => parseExpose(['abc']), invalid('invalid containerPort: abc'))
  assert.throws(() => parseExpose(['70000']), invalid('invalid containerPort: 70000'))
  assert.throws(() => parseExpose(['9-3']), invalid('invalid containerPort: 9-3'))
})

test('USER, MAINTAINER, VOLUME, ONBUILD', () => {
  assert.equal(parseUser('app:staff'), 'app:staff')
  assert.equal(parseUser('1000'), '1000')
  assert.throws(() => parseUser(' '), invalid('USER requires exactly one argument'))
  assert.equal(parseMaintainer(first('MAINTAINER Jane <j@example.com>')), 'Jane <j@example.com>')
  assert.deepEqual(parseVolume(first('VOLUME ["/data", "/logs"]')), ['/data', '/logs'])
  assert.deepEqual(parseVolume(first('VOLUME /a /b')), ['/a', '/b'])
  assert.throws(() => parseVolume({ args: [' '] }), invalid('VOLUME specified can not be an empty string'))
  assert.equal(onbuildTrigger(first('onbuild   RUN echo "x"  ')), 'RUN echo "x"')
  assert.equal(onbuildTrigger(first('ONBUILD ADD . /app/src')), 'ADD . /app/src')
})

test('HEALTHCHECK → Docker\'s Healthcheck config with nanosecond durations', () => {
  assert.deepEqual(parseHealthcheck(first('HEALTHCHECK NONE')), { Test: ['NONE'] })
  assert.deepEqual(parseHealthcheck(first('HEALTHCHECK --interval=5m --timeout=3s --start-period=1m30s --start-interval=500ms --retries=3 CMD curl -f http://localhost/ || exit 1')), {
    Test: ['CMD-SHELL', 'curl -f http://localhost/ || exit 1'],
    Interval: 300e9, Timeout: 3e9, StartPeriod: 90e9, StartInterval: 500e6, Retries: 3,
  })
  assert.deepEqual(parseHealthcheck(first('HEALTHCHECK CMD ["/bin/check", "-q"]')), { Test: ['CMD', '/bin/check', '-q'] })
  assert.deepEqual(parseHealthcheck(first('HEALTHCHECK --interval=0s --retries=0 CMD a')), { Test: ['CMD-SHELL', 'a'] })
  const h = (flags: Record<string, string>) => () => parseHealthcheck({ args: ['CMD', 'a'], json: false, flags })
  assert.throws(h({ interval: 'abc' }), invalid('time: invalid duration "abc"'))
  assert.throws(h({ timeout: '10' }), invalid('time: invalid duration "10"'))
  assert.throws(h({ interval: '100us' }), invalid('Interval "interval" cannot be less than 1ms'))
  assert.throws(h({ retries: '-1' }), invalid('--retries cannot be negative (-1)'))
  assert.throws(h({ retries: 'x' }), invalid('strconv.ParseInt: parsing "x": invalid syntax'))
})

test('STOPSIGNAL accepts names with or without SIG and numbers, as written', () => {
  assert.equal(parseStopSignal('SIGTERM'), 'SIGTERM')
  assert.equal(parseStopSignal('quit'), 'quit')
  assert.equal(parseStopSignal('9'), '9')
  assert.equal(parseStopSignal('SIGRTMIN+3'), 'SIGRTMIN+3')
  assert.throws(() => parseStopSignal('SIGFOO'), invalid('Invalid signal: SIGFOO'))
  assert.throws(() => parseStopSignal('0'), invalid('Invalid signal: 0'))
})

test('SHELL and the argv of RUN/CMD/ENTRYPOINT', () => {
  assert.deepEqual(DEFAULT_SHELL, ['/bin/sh', '-c'])
  assert.deepEqual(commandArgv(first('RUN echo $HOME && ls')), ['/bin/sh', '-c', 'echo $HOME && ls'])
  assert.deepEqual(commandArgv(first('CMD ["echo", "$HOME"]')), ['echo', '$HOME'])
  const shell = parseShell(first('SHELL ["/bin/bash", "-o", "pipefail", "-c"]'))
  assert.deepEqual(shell, ['/bin/bash', '-o', 'pipefail', '-c'])
  assert.deepEqual(commandArgv(first('ENTRYPOINT exec app'), shell), ['/bin/bash', '-o', 'pipefail', '-c', 'exec app'])
  assert.deepEqual(commandArgv(first('ENTRYPOINT []')), [])
  assert.throws(() => parseShell({ args: ['/bin/sh -c'], json: false, flags: {} }), invalid('SHELL requires the arguments to be in JSON form'))
})

test('ARG names and defaults; proxy args and the not-consumed warning', () => {
  assert.deepEqual(parseArgs(first('ARG A B=2 C= D=x=y')), [{ name: 'A' }, { name: 'B', value: '2' }, { name: 'C', value: '' }, { name: 'D', value: 'x=y' }])
  assert.throws(() => parseArgs({ args: ['=1'] }), invalid('ARG names can not be blank'))
  assert.equal(PROXY_ARGS.length, 10)
  assert.ok(PROXY_ARGS.includes('no_proxy') && PROXY_ARGS.includes('ALL_PROXY'))
  assert.equal(unconsumedBuildArgsWarning(['B', 'A', 'HTTP_PROXY', 'USED'], new Set(['USED'])), '[Warning] One or more build-args [A B] were not consumed')
  assert.equal(unconsumedBuildArgsWarning(['http_proxy', 'USED'], new Set(['USED'])), undefined)
})
