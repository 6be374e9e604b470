// The Dockerfile builder against a real daemon: every instruction, multi-stage builds, the
// context's .dockerignore, build args, a Dockerfile from stdin — through berth and through the
// docker CLI's legacy builder (DOCKER_BUILDKIT=0). The cache and the CLI flags: build-cache.test.ts.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { buildEnv } from './build-env.js'

const env = buildEnv('build')
const { context, cliOk, ok, inspect, runIn } = env

test('every instruction lands in the image config, the filesystem and the history', () => {
  const dir = context('every', {
    Dockerfile: [
      'ARG BASE=busybox',
      'FROM ${BASE} AS base',
      'LABEL org.example.a="one" b=two',
      'MAINTAINER someone <x@example.com>',
      'ENV A=1 B="two words"',
      'ARG VERSION=0.1',
      'ENV V=${VERSION}',
      'WORKDIR /srv',
      'WORKDIR sub',
      'RUN echo "$A $B $VERSION" > run.txt && pwd > pwd.txt',
      'SHELL ["/bin/sh", "-ec"]',
      'RUN echo shell-form > shell.txt',
      'RUN ["/bin/sh", "-c", "echo exec-form > exec.txt"]',
      'COPY --chown=1:2 files/ /data/',
      'COPY files/a.txt files/b.txt /multi/',
      'ADD archive.tar /unpacked/',
      'USER 1000:1000',
      'EXPOSE 8080 9090/udp',
      'VOLUME ["/vol"]',
      'STOPSIGNAL SIGINT',
      'HEALTHCHECK --interval=5s CMD true',
      'ONBUILD RUN echo triggered > /tmp/triggered',
      'ENTRYPOINT ["/bin/sh", "-c"]',
      'CMD ["echo hi"]',
      '',
    ].join('\n'),
    'files/a.txt': 'a\n',
    'files/b.txt': 'b\n',
    'files/sub/c.txt': 'c\n',
    'archive-src/inner/x.txt': 'from the archive\n',
  })
  spawnSync('tar', ['-C', join(dir, 'archive-src'), '-cf', join(dir, 'archive.tar'), 'inner'])
  const out = ok(['build', '-t', 'every:1', dir])
  assert.match(out, /^Step 1\/24 : ARG BASE=busybox$/m)
  assert.match(out, /^Step 2\/24 : FROM \$\{BASE\} AS base$/m)

  const config = JSON.parse(inspect('every:1', '{{json .Config}}'))
  assert.deepEqual(config.Env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'A=1', 'B=two words', 'V=0.1'])
  assert.equal(config.WorkingDir, '/srv/sub')
  assert.equal(config.User, '1000:1000')
  assert.deepEqual(config.ExposedPorts, { '8080/tcp': {}, '9090/udp': {} })
  assert.deepEqual(config.Volumes, { '/vol': {} })
  assert.equal(config.StopSignal, 'SIGINT')
  assert.deepEqual(config.Healthcheck, { Test: ['CMD-SHELL', 'true'], Interval: 5_000_000_000 })
  assert.deepEqual(config.OnBuild, ['RUN echo triggered > /tmp/triggered'])
  assert.deepEqual(config.Entrypoint, ['/bin/sh', '-c'])
  assert.deepEqual(config.Cmd, ['echo hi'])
  assert.deepEqual(config.Shell, ['/bin/sh', '-ec'])
  assert.deepEqual(config.Labels, { 'org.example.a': 'one', b: 'two' })
  assert.equal(inspect('every:1', '{{.Author}}'), 'someone <x@example.com>')

  const files = runIn('every:1', 'cat run.txt pwd.txt shell.txt exec.txt /multi/a.txt /multi/b.txt /data/sub/c.txt /unpacked/inner/x.txt; stat -c "%u:%g %n" /data/a.txt /multi/a.txt')
  assert.equal(files, '1 two words 0.1\n/srv/sub\nshell-form\nexec-form\na\nb\nc\nfrom the archive\n1:2 /data/a.txt\n0:0 /multi/a.txt\n')
  assert.equal(ok(['run', '--rm', 'every:1']), 'hi\n')

  const history = ok(['history', '--no-trunc', '--format', '{{.CreatedBy}}', 'every:1'])
  assert.match(history, /^\/bin\/sh -ec #\(nop\) {2}CMD \["echo hi"\]$/m)
  assert.match(history, /^\/bin\/sh -ec #\(nop\) {2}ENTRYPOINT \["\/bin\/sh" "-c"\]$/m)
  assert.match(history, /^\|1 VERSION=0\.1 \/bin\/sh -c echo "\$A \$B \$VERSION" > run\.txt && pwd > pwd\.txt$/m)
  assert.match(history, /^\/bin\/sh -c #\(nop\) WORKDIR \/srv\/sub$/m)
  assert.match(history, /^\/bin\/sh -ec #\(nop\) COPY --chown=1:2 dir:[0-9a-f]{64} in \/data\/ $/m)

  // ONBUILD triggers run when the image is a base, and are not inherited further
  const child = context('onbuild', { Dockerfile: 'FROM every:1\nRUN cat /tmp/triggered > /tmp/seen\n' })
  const childOut = ok(['build', '-t', 'every-child', child])
  assert.match(childOut, /^# Executing 1 build trigger$/m)
  assert.equal(runIn('every-child', 'cat /tmp/seen'), 'triggered\n')
  assert.equal(inspect('every-child', '{{json .Config.OnBuild}}'), 'null')
})

test('multi-stage: --target, COPY --from a stage and an image, unneeded stages skipped', () => {
  const dir = context('stages', {
    Dockerfile: [
      'FROM busybox AS builder',
      'RUN echo made > /made.txt',
      'FROM busybox AS unused',
      'RUN exit 3',
      'FROM busybox AS final',
      'COPY --from=builder /made.txt /got/made.txt',
      'COPY --from=busybox /bin/busybox /got/bb',
      'FROM final AS extra',
      'RUN echo extra > /extra',
      '',
    ].join('\n'),
  })
  for (const cli of ['berth', 'docker'] as const) {
    const out = cliOk(cli, ['build', '--target', 'final', '-t', `staged-${cli}`, dir])
    assert.doesNotMatch(out, /exit 3|echo extra/)
    assert.equal(runIn(`staged-${cli}`, 'cat /got/made.txt; test -x /got/bb && echo bb; test -e /extra || echo no-extra'), 'made\nbb\nno-extra\n')
  }
  // FROM scratch: the first layer comes from a COPY
  const scratch = context('scratch', { Dockerfile: 'FROM scratch\nCOPY --from=busybox /bin/busybox /bin/busybox\nCMD ["/bin/busybox", "echo", "scratch-ok"]\n' })
  ok(['build', '-t', 'from-scratch', scratch])
  assert.equal(ok(['run', '--rm', 'from-scratch']), 'scratch-ok\n')
  assert.equal(inspect('from-scratch', '{{len .RootFS.Layers}}'), '1')
})

test('.dockerignore keeps files out of COPY', () => {
  const dir = context('ignore', {
    Dockerfile: 'FROM busybox\nCOPY . /ctx/\n',
    '.dockerignore': '# secrets\nsecret.txt\n*.log\n!keep.log\n',
    'secret.txt': 'no\n',
    'app.txt': 'yes\n',
    'drop.log': 'no\n',
    'keep.log': 'yes\n',
  })
  for (const cli of ['berth', 'docker'] as const) {
    cliOk(cli, ['build', '-t', `ignored-${cli}`, dir])
    assert.equal(runIn(`ignored-${cli}`, 'ls /ctx | grep -v -e Dockerfile -e dockerignore'), 'app.txt\nkeep.log\n')
  }
})

test('build args: defaults, --build-arg, RUN sees them, unconsumed ones warned about', () => {
  const dir = context('args', { Dockerfile: 'FROM busybox\nARG NAME=default\nARG OTHER\nRUN echo "$NAME/$OTHER" > /args.txt\n' })
  const out = ok(['build', '--build-arg', 'NAME=given', '--build-arg', 'UNUSED=1', '-t', 'args', dir])
  assert.match(out, /^\[Warning\] One or more build-args \[UNUSED\] were not consumed$/m)
  assert.equal(runIn('args', 'cat /args.txt'), 'given/\n')
  assert.equal(inspect('args', '{{json .Config.Env}}'), '["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]')
  assert.match(ok(['history', '--no-trunc', '--format', '{{.CreatedBy}}', 'args']), /^\|1 NAME=given \/bin\/sh -c echo/m)
})

test('build - reads a Dockerfile from stdin (no context)', () => {
  for (const cli of ['berth', 'docker'] as const) {
    const r = env.d[cli](['build', '-t', `stdin-${cli}`, '-'], { input: 'FROM busybox\nRUN echo stdin > /s\n', timeoutMs: 120_000 })
    assert.equal(r.code, 0, `${cli}: ${r.stdout}\n${r.stderr}`)
    assert.equal(runIn(`stdin-${cli}`, 'cat /s'), 'stdin\n')
  }
})

