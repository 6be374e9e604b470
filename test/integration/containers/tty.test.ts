// `run -it` in a real terminal (tmux): a shell with job control, window resize, detach keys, and
// Ctrl-D to leave — through both CLIs.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { startDaemon, BERTH, type TestDaemon } from '../../helpers/daemon.js'

let d: TestDaemon
before(async () => {
  d = await startDaemon('tty')
})
after(async () => {
  spawnSync('tmux', ['-L', 'berth-tty-test', 'kill-server'])
  await d.cleanup()
})

const tmux = (...args: string[]) => spawnSync('tmux', ['-L', 'berth-tty-test', ...args], { encoding: 'utf8' })
const screen = (s: string) => tmux('capture-pane', '-p', '-t', s).stdout
const waitScreen = (s: string, re: RegExp, ms = 10_000) => {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (re.test(screen(s))) return
    spawnSync('sleep', ['0.1'])
  }
  assert.fail(`screen of ${s} never matched ${re}:\n${screen(s)}`)
}
const alive = (s: string) => tmux('has-session', '-t', s).status === 0

for (const cli of ['berth', 'docker'] as const) {
  describe(`run -it via ${cli}`, () => {
    const bin = cli === 'berth' ? BERTH : 'docker'
    const open = (session: string, args: string) => {
      const r = tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '30', '-e', `DOCKER_HOST=${d.env.DOCKER_HOST}`, '-e', 'BERTH_NO_AUTOSTART=1', `${bin} ${args}`)
      assert.equal(r.status, 0, r.stderr)
    }

    test('a shell with job control, resize and Ctrl-D', () => {
      const s = `sh-${cli}`
      open(s, 'run -it --rm busybox sh')
      waitScreen(s, /^\/ # ?$/m)
      assert.doesNotMatch(screen(s), /job control turned off/)
      const [h, w] = tmux('display', '-p', '-t', s, '#{pane_height} #{pane_width}').stdout.trim().split(' ')
      tmux('send-keys', '-t', s, 'stty size', 'Enter')
      waitScreen(s, new RegExp(`^${h} ${w}$`, 'm'))
      tmux('resize-window', '-t', s, '-x', '90', '-y', '25')
      spawnSync('sleep', ['0.5'])
      const [h2, w2] = tmux('display', '-p', '-t', s, '#{pane_height} #{pane_width}').stdout.trim().split(' ')
      tmux('send-keys', '-t', s, 'clear; stty size', 'Enter')
      waitScreen(s, new RegExp(`^${h2} ${w2}$`, 'm'))
      tmux('send-keys', '-t', s, 'sleep 100 &', 'Enter')
      tmux('send-keys', '-t', s, 'jobs', 'Enter')
      waitScreen(s, /\[1\]\+\s+Running\s+sleep 100/)
      tmux('send-keys', '-t', s, 'kill %1', 'Enter')
      tmux('send-keys', '-t', s, 'C-d')
      const end = Date.now() + 10_000
      while (alive(s) && Date.now() < end) spawnSync('sleep', ['0.1'])
      assert.equal(alive(s), false, 'Ctrl-D ends the shell and the client')
    })

    test('attach to a running -it container, then detach with Ctrl-P Ctrl-Q; exec -it gets a shell', () => {
      const name = `att-${cli}`
      assert.equal(d[cli](['run', '-dit', '--name', name, 'busybox', 'sh']).code, 0)
      const s = `att-${cli}`
      open(s, `attach ${name}`)
      tmux('send-keys', '-t', s, 'echo attached-$((6*7))', 'Enter')
      waitScreen(s, /^attached-42$/m)
      tmux('send-keys', '-t', s, 'C-p', 'C-q')
      let end = Date.now() + 10_000
      while (alive(s) && Date.now() < end) spawnSync('sleep', ['0.1'])
      assert.equal(alive(s), false, 'attach exits on the detach keys')
      assert.equal(d[cli](['inspect', '-f', '{{.State.Status}}', name]).stdout, 'running\n')
      const e = `exe-${cli}`
      open(e, `exec -it ${name} sh`)
      waitScreen(e, /^\/ # ?$/m)
      tmux('send-keys', '-t', e, 'tty; echo pid1=$(cat /proc/1/comm)', 'Enter')
      waitScreen(e, /^\/dev\/pts\/\d+\npid1=sh$/m)
      tmux('send-keys', '-t', e, 'exit', 'Enter')
      end = Date.now() + 10_000
      while (alive(e) && Date.now() < end) spawnSync('sleep', ['0.1'])
      assert.equal(alive(e), false)
      assert.equal(d[cli](['rm', '-f', name]).code, 0)
    })

    test('Ctrl-P Ctrl-Q detaches and the container keeps running', () => {
      const s = `det-${cli}`
      const name = `det-${cli}`
      open(s, `run -it --name ${name} busybox sh`)
      waitScreen(s, /^\/ # ?$/m)
      tmux('send-keys', '-t', s, 'C-p', 'C-q')
      const end = Date.now() + 10_000
      while (alive(s) && Date.now() < end) spawnSync('sleep', ['0.1'])
      assert.equal(alive(s), false, 'the client exits on the detach keys')
      assert.equal(d[cli](['inspect', '-f', '{{.State.Status}}', name]).stdout, 'running\n')
      assert.equal(d[cli](['rm', '-f', name]).code, 0)
    })
  })
}
