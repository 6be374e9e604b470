import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, statSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
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

test('download: a redirect to an unparsable Location rejects the call and leaves nothing behind', async () => {
  const tmp = mkdtempSync('/tmp/berth-download-test-')
  const server = createServer((_req, res) => {
    res.writeHead(302, { Location: 'http://[::1' })
    res.end()
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/r`
  try {
    // thrown inside the response callback, the URL error would be uncaught and end berthd
    await assert.rejects(download(url, tmp), { message: /^Get "http:\/\/127\.0\.0\.1:\d+\/r": / })
    assert.deepEqual(readdirSync(tmp), [])
  } finally {
    server.close()
    server.closeAllConnections()
    rmSync(tmp, { recursive: true, force: true })
  }
})

test('download: when its directory cannot be made, the answer is dropped and its connection closed', async () => {
  const tmp = mkdtempSync('/tmp/berth-download-test-')
  let closed!: () => void
  const gone = new Promise<void>((r) => (closed = r))
  const server = createServer((req, res) => {
    req.socket.on('close', () => closed())
    // headers and a first piece, then nothing: only the client can end this connection
    res.writeHead(200, { 'Content-Length': '1000000' })
    res.write('x')
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/f`
  try {
    writeFileSync(join(tmp, 'file'), '')
    await assert.rejects(download(url, join(tmp, 'file', 'sub')))
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<string>((r) => (timer = setTimeout(() => r('still open'), 2000)))
    assert.equal(await Promise.race([gone.then(() => 'closed'), late]), 'closed')
    clearTimeout(timer)
  } finally {
    server.close()
    server.closeAllConnections()
    rmSync(tmp, { recursive: true, force: true })
  }
})

test('download: an error answer without end fails with the start of its body, its connection closed', async () => {
  const tmp = mkdtempSync('/tmp/berth-download-test-')
  let closed!: () => void
  const gone = new Promise<void>((r) => (closed = r))
  const server = createServer((req, res) => {
    req.socket.on('close', () => closed())
    res.writeHead(500)
    const line = Buffer.alloc(16 << 10, 'e')
    const more = () => {
      while (!res.destroyed && res.write(line));
    }
    res.on('drain', more)
    more()
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/boom`
  try {
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<string>((r) => (timer = setTimeout(() => r('still reading'), 5000)))
    const failed = download(url, tmp).then(() => 'downloaded', (e: Error) => e.message)
    const message = await Promise.race([failed, late])
    clearTimeout(timer)
    assert.equal(message, `failed to GET ${url} with status 500 Internal Server Error: ${'e'.repeat(64 << 10)}`)
    await gone
    assert.deepEqual(readdirSync(tmp), [])
  } finally {
    server.close()
    server.closeAllConnections()
    rmSync(tmp, { recursive: true, force: true })
  }
})
