// One scenario, run twice — through berth and through the real docker CLI — asserting the same
// output, exit codes and resulting state. Covers the container commands of the foundation.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startDaemon, type TestDaemon } from '../helpers/daemon.js'

let d: TestDaemon
before(async () => {
  d = await startDaemon('compat')
})
after(async () => {
  await d.cleanup()
})

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)

for (const cli of ['berth', 'docker'] as const) {
  describe(`container commands via ${cli}`, () => {
    const n = (name: string) => `${name}-${cli}`
    const run = (args: string[], input?: string) => d[cli](args, { input })
    const ok = (args: string[], input?: string) => {
      const r = run(args, input)
      assert.equal(r.code, 0, `${cli} ${args.join(' ')}: ${r.stderr}`)
      return r.stdout
    }

    test('create, start, wait, logs with --tail, -t and --since', () => {
      ok(['create', '--name', n('lg'), 'busybox', 'sh', '-c', 'for i in 1 2 3 4 5; do echo line$i; done; echo oops >&2; exit 7'])
      assert.equal(ok(['inspect', '-f', '{{.State.Status}}', n('lg')]), 'created\n')
      ok(['start', n('lg')])
      assert.equal(ok(['wait', n('lg')]), '7\n')
      const all = run(['logs', n('lg')])
      assert.equal(all.stdout, 'line1\nline2\nline3\nline4\nline5\n')
      assert.equal(all.stderr, 'oops\n')
      assert.equal(ok(['logs', '--tail', '2', n('lg')]), 'line5\n')
      // --tail counts lines of both streams: the last one is on stderr
      const stamped = run(['logs', '-t', '--tail', '1', n('lg')])
      assert.equal(stamped.stdout, '')
      assert.match(stamped.stderr, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z oops\n$/)
      assert.equal(ok(['logs', '--since', '2030-01-01T00:00:00Z', n('lg')]), '')
      assert.equal(ok(['logs', '--details', '--tail', '2', n('lg')]), ' line5\n')
      ok(['rm', n('lg')])
    })

    test('logs -f follows until the container exits', () => {
      ok(['run', '-d', '--name', n('fl'), 'busybox', 'sh', '-c', 'echo a; sleep 1; echo b'])
      assert.equal(ok(['logs', '-f', n('fl')]), 'a\nb\n')
      ok(['rm', n('fl')])
    })

    test('ps: -a, -q, -n, --no-trunc, --filter, --format', () => {
      ok(['run', '-d', '--name', n('p1'), '-l', 'team=blue', 'busybox', 'sleep', '300'])
      ok(['create', '--name', n('p2'), 'busybox', 'true'])
      const id1 = ok(['inspect', '-f', '{{.Id}}', n('p1')]).trim()
      assert.match(ok(['ps', '-q']), new RegExp(`^${id1.slice(0, 12)}$`, 'm'))
      assert.doesNotMatch(ok(['ps', '--format', '{{.Names}}']), new RegExp(`^${n('p2')}$`, 'm'))
      assert.match(ok(['ps', '-a', '--format', '{{.Names}}']), new RegExp(`^${n('p2')}$`, 'm'))
      assert.equal(ok(['ps', '-a', '-n', '1', '--format', '{{.Names}}']), `${n('p2')}\n`)
      assert.equal(ok(['ps', '--no-trunc', '-q', '--filter', `name=${n('p1')}`]), `${id1}\n`)
      assert.equal(ok(['ps', '-a', '--filter', 'label=team=blue', '--format', '{{.Names}} {{.Label "team"}}']), `${n('p1')} blue\n`)
      assert.equal(ok(['ps', '-a', '--filter', 'status=created', '--filter', `name=${n('p2')}`, '--format', '{{.State}}']), 'created\n')
      const table = ok(['ps', '--filter', `name=${n('p1')}`]).split('\n')
      assert.match(table[0]!, /^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES$/)
      assert.match(table[1]!, new RegExp(`^${id1.slice(0, 12)}\\s+busybox\\s+"sleep 300"\\s+.*Up .*${n('p1')}$`))
      assert.match(ok(['ps', '-s', '--filter', `name=${n('p1')}`, '--format', '{{.Size}}']), /^\d+(\.\d+)?k?B \(virtual \d+(\.\d+)?[kM]B\)\n$/)
      ok(['rm', '-f', n('p1'), n('p2')])
    })

    test('inspect templates: json, index, range, if, len, join, upper', () => {
      ok(['run', '-d', '--name', n('it'), '-e', 'X=1', '-l', 'k=v', 'busybox', 'sleep', '300'])
      const f = (tpl: string) => ok(['inspect', '-f', tpl, n('it')]).trimEnd()
      assert.equal(f('{{json .Config.Labels}}'), '{"k":"v"}')
      assert.equal(f('{{index .Config.Labels "k"}}'), 'v')
      assert.equal(f('{{range .Config.Env}}{{if eq . "X=1"}}found{{end}}{{end}}'), 'found')
      assert.equal(f('{{len .Args}} {{join .Args ","}}'), '1 300')
      assert.equal(f('{{upper .State.Status}}'), 'RUNNING')
      assert.equal(f('{{if .State.Running}}up{{else}}down{{end}}'), 'up')
      const full = JSON.parse(ok(['inspect', n('it')]))
      assert.equal(full.length, 1)
      assert.equal(full[0].Name, `/${n('it')}`)
      assert.equal(full[0].Config.Hostname, full[0].Id.slice(0, 12))
      ok(['rm', '-f', n('it')])
    })

    test('kill -s, stop with --stop-signal and --stop-timeout, restart', () => {
      ok(['run', '-d', '--name', n('k'), 'busybox', 'sh', '-c', 'trap "exit 42" USR1; while true; do sleep 0.1; done'])
      ok(['kill', '-s', 'USR1', n('k')])
      assert.equal(ok(['wait', n('k')]), '42\n')
      ok(['run', '-d', '--name', n('ss'), '--stop-signal', 'USR2', 'busybox', 'sh', '-c', 'trap "exit 12" USR2; while true; do sleep 0.1; done'])
      ok(['stop', n('ss')])
      assert.equal(ok(['inspect', '-f', '{{.State.ExitCode}}', n('ss')]), '12\n')
      ok(['run', '-d', '--name', n('st'), '--stop-timeout', '1', 'busybox', 'sleep', '300'])
      const t0 = Date.now()
      ok(['stop', n('st')])
      assert.ok(Date.now() - t0 < 8000, 'stop-timeout 1 escalates to SIGKILL after a second')
      assert.equal(ok(['inspect', '-f', '{{.State.ExitCode}}', n('st')]), '137\n')
      const pid1 = ok(['inspect', '-f', '{{.State.StartedAt}}', n('st')])
      ok(['restart', '-t', '0', n('st')])
      assert.equal(ok(['inspect', '-f', '{{.State.Status}}', n('st')]), 'running\n')
      assert.notEqual(ok(['inspect', '-f', '{{.State.StartedAt}}', n('st')]), pid1)
      ok(['rm', '-f', n('k'), n('ss'), n('st')])
    })

    test('exec: -e, -u, -w, -d, --privileged, exit code', () => {
      ok(['run', '-d', '--name', n('ex'), 'busybox', 'sleep', '300'])
      assert.equal(ok(['exec', '-e', 'Y=2', '-u', 'nobody', '-w', '/tmp', n('ex'), 'sh', '-c', 'echo $Y $(id -u) $(pwd)']), '2 65534 /tmp\n')
      assert.equal(run(['exec', n('ex'), 'sh', '-c', 'exit 9']).code, 9)
      assert.equal(run(['exec', n('ex'), 'nope']).code, 127)
      ok(['exec', '-d', n('ex'), 'sh', '-c', 'echo bg > /tmp/bg'])
      sleep(300)
      assert.equal(ok(['exec', n('ex'), 'cat', '/tmp/bg']), 'bg\n')
      const eff = ok(['exec', '--privileged', n('ex'), 'grep', 'CapEff', '/proc/self/status'])
      assert.notEqual(eff.trim().split(/\s+/)[1], '00000000a80425fb')
      assert.equal(ok(['exec', '-i', n('ex'), 'cat'], 'from stdin\n'), 'from stdin\n')
      ok(['rm', '-f', n('ex')])
      // an unlimited rlimit (2^64-1 in the spec) survives into exec'd processes
      ok(['run', '-d', '--name', n('exu'), '--ulimit', 'core=-1', 'busybox', 'sleep', '300'])
      assert.equal(ok(['exec', n('exu'), 'sh', '-c', 'ulimit -c']), 'unlimited\n')
      ok(['rm', '-f', n('exu')])
    })

    test('top, rename, pause/unpause, diff, port', () => {
      ok(['run', '-d', '--name', n('t'), 'busybox', 'sh', '-c', 'touch /created; rm /etc/group; exec sleep 300'])
      const top = ok(['top', n('t')])
      assert.match(top.split('\n')[0]!, /^UID\s+PID\s+PPID\s+C\s+STIME\s+TTY\s+TIME\s+CMD$/)
      assert.match(top, /sleep 300/)
      ok(['rename', n('t'), n('t2')])
      assert.equal(ok(['inspect', '-f', '{{.Name}}', n('t2')]), `/${n('t2')}\n`)
      ok(['pause', n('t2')])
      assert.equal(ok(['inspect', '-f', '{{.State.Status}} {{.State.Paused}}', n('t2')]), 'paused true\n')
      assert.notEqual(run(['exec', n('t2'), 'true']).code, 0)
      ok(['unpause', n('t2')])
      assert.equal(ok(['inspect', '-f', '{{.State.Status}}', n('t2')]), 'running\n')
      sleep(200)
      const diff = ok(['diff', n('t2')])
      assert.match(diff, /^A \/created$/m)
      assert.match(diff, /^D \/etc\/group$/m)
      assert.equal(ok(['port', n('t2')]), '')
      ok(['rm', '-f', n('t2')])
    })

    test('--init runs the container under docker-init as PID 1', () => {
      assert.equal(ok(['run', '--rm', '--init', 'busybox', 'cat', '/proc/1/comm']), 'docker-init\n')
      assert.equal(ok(['run', '--rm', 'busybox', 'cat', '/proc/1/comm']), 'cat\n')
    })

    test('--env-file and -l/--label', () => {
      const file = join(d.dir, `env-${cli}`)
      writeFileSync(file, '# comment\nFOO=bar\nEMPTY=\n')
      assert.equal(ok(['run', '--rm', '--env-file', file, 'busybox', 'sh', '-c', 'echo "$FOO|$EMPTY|"']), 'bar||\n')
      ok(['create', '--name', n('lab'), '--label', 'a=b', 'busybox'])
      assert.equal(ok(['inspect', '-f', '{{.Config.Labels.a}}', n('lab')]), 'b\n')
      ok(['rm', n('lab')])
    })

    test('container prune removes stopped containers, with label and until filters', () => {
      ok(['create', '--name', n('pr1'), '-l', 'prune=me', 'busybox'])
      ok(['create', '--name', n('pr2'), 'busybox'])
      ok(['run', '-d', '--name', n('pr3'), '-l', 'prune=me', 'busybox', 'sleep', '300'])
      assert.match(ok(['container', 'prune', '-f', '--filter', 'until=2000-01-01T00:00:00Z', '--filter', 'label=prune=me']), /Total reclaimed space/)
      assert.equal(run(['inspect', n('pr1')]).code, 0, 'until in the past keeps it')
      ok(['container', 'prune', '-f', '--filter', 'label=prune=me'])
      assert.notEqual(run(['inspect', n('pr1')]).code, 0, 'stopped and labelled: pruned')
      assert.equal(run(['inspect', n('pr2')]).code, 0, 'not labelled: kept')
      assert.equal(run(['inspect', n('pr3')]).code, 0, 'running: kept')
      ok(['rm', '-f', n('pr2'), n('pr3')])
    })

    test('events: create, start, die and destroy of a container, with filters and --format', () => {
      const since = String(Math.floor(Date.now() / 1000) - 1)
      ok(['run', '--rm', '--name', n('ev'), 'busybox', 'true'])
      sleep(300)
      const until = String(Math.floor(Date.now() / 1000) + 1)
      const out = ok(['events', '--since', since, '--until', until, '--filter', `container=${n('ev')}`])
      const actions = out.trim().split('\n').map((l) => l.split(' ')[2])
      assert.deepEqual(actions, ['create', 'start', 'die', 'destroy'], out)
      assert.match(out, new RegExp(`container create [0-9a-f]{64} \\(.*name=${n('ev')}`))
      const fmt = ok(['events', '--since', since, '--until', until, '--filter', `container=${n('ev')}`, '--filter', 'event=die', '--format', '{{.Action}} {{.Actor.Attributes.exitCode}}'])
      assert.equal(fmt, 'die 0\n')
    })

    test('rm refuses a running container without -f, with Docker’s message', () => {
      ok(['run', '-d', '--name', n('rr'), 'busybox', 'sleep', '300'])
      const r = run(['rm', n('rr')])
      assert.equal(r.code, 1)
      assert.match(r.stderr, /You cannot remove a running container [0-9a-f]{64}\. Stop the container before attempting removal or force remove/)
      ok(['rm', '-f', n('rr')])
    })
  })
}
