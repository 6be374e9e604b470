// Seed 001's flow through berth and through the real docker CLI (legacy builder): a small web
// app built from the local busybox image (`build -t python-web .`: busybox httpd serving a CGI
// script), run twice behind two published ports, both answering on 127.0.0.1, the app PID 1.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startDaemon, type TestDaemon } from '../helpers/daemon.js'

let d: TestDaemon
let ctx: string
before(async () => {
  d = await startDaemon('build-seed')
  d.env.DOCKER_BUILDKIT = '0'
  ctx = mkdtempSync('/tmp/berth-build-seed-ctx-')
  writeFileSync(
    join(ctx, 'Dockerfile'),
    [
      'FROM busybox',
      'WORKDIR /app',
      'COPY www/ /app/www/',
      'RUN chmod 755 /app/www/cgi-bin/hello && echo built > /app/www/state',
      'ENV GREETING=hello',
      'EXPOSE 8000',
      'CMD ["httpd", "-f", "-p", "8000", "-h", "/app/www"]',
      '',
    ].join('\n'),
  )
  mkdirSync(join(ctx, 'www/cgi-bin'), { recursive: true })
  writeFileSync(join(ctx, 'www/cgi-bin/hello'), '#!/bin/sh\necho "Content-Type: text/plain"\necho\necho "$GREETING from $(hostname) $(cat /app/www/state)"\n')
  chmodSync(join(ctx, 'www/cgi-bin/hello'), 0o644)
})
after(async () => {
  rmSync(ctx, { recursive: true, force: true })
  await d.cleanup()
})

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)

function hostUntil(argv: string[]): string {
  for (let i = 0; i < 50; i++) {
    const r = d.host(argv)
    if (r.code === 0) return r.stdout
    sleep(100)
  }
  throw new Error(`never succeeded: ${argv.join(' ')}`)
}

for (const [cli, ports] of [['berth', [8000, 8001]], ['docker', [8100, 8101]]] as const) {
  describe(`build seed via ${cli}`, () => {
    const ok = (args: string[]) => {
      const r = d[cli](args, { timeoutMs: 120_000 })
      assert.equal(r.code, 0, `${cli} ${args.join(' ')}: ${r.stdout}\n${r.stderr}`)
      return r.stdout
    }
    const image = `python-web-${cli}`

    test('build -t, run twice with published ports, both answer, the app is PID 1', () => {
      const out = ok(['build', '-t', image, ctx])
      assert.match(out, /^Sending build context to Docker daemon {2}\d/m)
      assert.match(out, /^Step 1\/7 : FROM busybox$/m)
      assert.match(out, /^Step 4\/7 : RUN chmod 755/m)
      // the second CLI builds the same file: its steps come from the first one's cache
      assert.match(out, cli === 'berth' ? /^ ---> Running in [0-9a-f]{12}$/m : /^ ---> Using cache$/m)
      const id = /^Successfully built ([0-9a-f]{12})$/m.exec(out)?.[1]
      assert.ok(id, out)
      assert.match(out, new RegExp(`^Successfully tagged ${image}:latest$`, 'm'))
      assert.equal(ok(['image', 'inspect', '-f', '{{.Id}}', image]).trim().slice(7, 19), id)

      const names = [`web1-${cli}`, `web2-${cli}`]
      ports.forEach((p, i) => ok(['run', '-d', '--name', names[i]!, '-p', `127.0.0.1:${p}:8000`, image]))
      for (const [i, p] of ports.entries()) {
        const hostname = ok(['inspect', '-f', '{{.Config.Hostname}}', names[i]!]).trim()
        assert.equal(hostUntil(['curl', '-sf', '-m', '3', `http://127.0.0.1:${p}/cgi-bin/hello`]), `hello from ${hostname} built\n`)
      }
      const ps = ok(['exec', names[0]!, 'ps', '-o', 'pid,args'])
      assert.match(ps, /^\s*1 httpd -f -p 8000 -h \/app\/www$/m)
      ok(['rm', '-f', ...names])
      // no build container is left behind
      assert.equal(ok(['ps', '-aq']).trim(), '')
    })
  })
}
