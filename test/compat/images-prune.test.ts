// `image prune` through berth and the real docker CLI: dangling images only by default, every
// image no container uses with -a, images in use skipped, Docker's report and reclaimed space.
// Each CLI gets its own daemon, as `prune -a` empties the image store.
import { after, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { REPO, startDaemon, type TestDaemon } from '../helpers/daemon.js'

const FIXTURES = join(REPO, '../shared/fixtures')
const FX_ID = 'sha256:91b3096d40ffcd6631efe74d743062cc6675e9af17ba34d23e31f8420e0965a4'
const FX_LAYERS = [ // chain IDs, top first
  'sha256:3fca7988644ecb677beebab8ee09a57f9b170de434cacb689feeeb44f146a316',
  'sha256:5566880f1c79b506e746004159d939297e8a1b173e2e8279d460de9abb31bd1c',
  'sha256:6ab58a5571bcbcfed9363e49e1ca5c5e90ade86ddd74633267d7ae0b6a0eceed',
]

const daemons: TestDaemon[] = []
after(async () => {
  for (const d of daemons) await d.cleanup()
})

for (const cli of ['berth', 'docker'] as const) {
  describe(`image prune via ${cli}`, () => {
    test('dangling only, then -a keeps images containers use', async () => {
      const d = await startDaemon(`compat-prune-${cli}`)
      daemons.push(d)
      const ok = (args: string[]) => {
        const r = d[cli](args)
        assert.equal(r.code, 0, `${cli} ${args.join(' ')}: ${r.stderr}`)
        return r.stdout
      }
      const bbId = ok(['image', 'inspect', '-f', '{{.Id}}', 'busybox']).trim()
      assert.equal(ok(['image', 'prune', '-f']), 'Total reclaimed space: 0B\n')
      ok(['load', '-i', join(FIXTURES, 'whiteouts.docker-save.tar')])
      ok(['tag', 'fx-whiteouts:1', 'kept:1'])
      ok(['rmi', 'fx-whiteouts:1'])
      // tagged: not dangling
      assert.equal(ok(['image', 'prune', '-f']), 'Total reclaimed space: 0B\n')
      ok(['create', '--name', 'user', 'kept:1'])
      // moving its only tag away leaves it dangling, still used by the container: skipped
      ok(['tag', 'busybox', 'kept:1'])
      assert.equal(ok(['images', '--filter', 'dangling=true', '-q']), `${FX_ID.slice(7, 19)}\n`)
      assert.equal(ok(['image', 'prune', '-f']), 'Total reclaimed space: 0B\n')
      ok(['rm', 'user'])
      ok(['rmi', 'kept:1'])
      // its own busybox layer and the two above it, top first
      assert.equal(
        ok(['image', 'prune', '-f']),
        ['Deleted Images:', `deleted: ${FX_ID}`, ...FX_LAYERS.map((l) => `deleted: ${l}`), '', 'Total reclaimed space: 1.982MB', ''].join('\n'),
      )
      assert.equal(ok(['images', '-a', '-q', '--no-trunc']), `${bbId}\n`)
      // -a: busybox goes unless a container uses it
      ok(['create', '--name', 'bb-user', 'busybox'])
      assert.equal(ok(['image', 'prune', '-a', '-f']), 'Total reclaimed space: 0B\n')
      ok(['rm', 'bb-user'])
      const all = ok(['image', 'prune', '-a', '-f']).split('\n')
      assert.deepEqual(all.slice(0, 3), ['Deleted Images:', 'untagged: busybox:latest', `deleted: ${bbId}`])
      assert.match(all.at(-2)!, /^Total reclaimed space: \d+(\.\d+)?MB$/)
      assert.equal(ok(['images', '-a', '-q']), '')
      const bad = d[cli](['image', 'prune', '-f', '--filter', 'reference=x'])
      assert.deepEqual(bad, { code: 1, stdout: '', stderr: "Error response from daemon: invalid filter 'reference'\n" })
    })
  })
}
