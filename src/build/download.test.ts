import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, statSync, readdirSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { download, downloadName, lastModified } from './download.js'

test('the file name: the URL path, else Content-Disposition, else none', () => {
  assert.equal(downloadName('/a/b/app.tar.gz', null), 'app.tar.gz')
  assert.equal(downloadName('/a/dir/', 'attachment; filename="x.txt"'), 'x.txt')
  assert.equal(downloadName('/', 'attachment; filename=y.bin'), 'y.bin')
  assert.equal(downloadName('/', 'attachment; filename="../../etc/passwd"'), 'passwd')
  assert.equal(downloadName('', null), '')
  assert.equal(downloadName('/d/', 'attachment; filename="d/"'), '')
  assert.equal(downloadName('/d/', 'attachment; filename=".."'), '')
})

test('mtime: Last-Modified, else the epoch', () => {
  assert.equal(lastModified('Wed, 21 Oct 2015 07:28:00 GMT').toISOString(), '2015-10-21T07:28:00.000Z')
  assert.equal(lastModified(null).getTime(), 0)
  assert.equal(lastModified('yesterday-ish').getTime(), 0)
})

async function serve(): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    if (req.url === '/hello.txt') {
      res.writeHead(200, { 'Last-Modified': 'Wed, 21 Oct 2015 07:28:00 GMT', 'Content-Length': '6' })
      res.end('hello\n')
    } else if (req.url === '/named/') {
      res.writeHead(200, { 'Content-Disposition': 'attachment; filename="from-header.txt"' })
      res.end('h')
    } else {
      res.writeHead(404)
      res.end('no such thing\n')
    }
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}

test('download: 0600, Last-Modified, Docker messages for 404 and a refused connection, nothing left behind', async () => {
  const tmp = mkdtempSync('/tmp/berth-download-test-')
  const { server, base } = await serve()
  try {
    const messages: object[] = []
    const d = await download(`${base}/hello.txt`, tmp, undefined, async (m) => void messages.push(m))
    assert.equal(d.name, 'hello.txt')
    // one final update for a small file, as moby's progress reader sends it
    assert.deepEqual([...messages], [{ status: 'Downloading', progressDetail: { current: 6, total: 6 }, progress: '[==================================================>]       6B/6B' }])
    assert.equal(readFileSync(d.path, 'utf8'), 'hello\n')
    const st = statSync(d.path)
    assert.equal(st.mode & 0o777, 0o600)
    assert.equal(st.mtime.toISOString(), '2015-10-21T07:28:00.000Z')
    await d.release()
    messages.length = 0
    const named = await download(`${base}/named/`, tmp, undefined, async (m) => void messages.push(m))
    assert.equal(named.name, 'from-header.txt')
    // no Content-Length: counts only
    assert.deepEqual([...messages], [{ status: 'Downloading', progressDetail: { current: 1 }, progress: '      1B' }])
    await named.release()
    await assert.rejects(download(`${base}/missing`, tmp), { message: `failed to GET ${base}/missing with status 404 Not Found: no such thing` })
    const port = (server.address() as AddressInfo).port
    server.close()
    server.closeAllConnections()
    await assert.rejects(download(`http://127.0.0.1:${port}/x`, tmp), {
      message: `Get "http://127.0.0.1:${port}/x": dial tcp 127.0.0.1:${port}: connect: connection refused`,
    })
    await assert.rejects(download('http://', tmp), { message: /^Get "http:\/\/": / })
    await assert.rejects(download('http://127.0.0.1:1/x', tmp), { message: 'Get "http://127.0.0.1:1/x": dial tcp 127.0.0.1:1: connect: connection refused' })
    assert.deepEqual(readdirSync(tmp), [])
  } finally {
    server.close()
    rmSync(tmp, { recursive: true, force: true })
  }
})
