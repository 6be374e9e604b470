// A plain-HTTP forwarding proxy in front of a test registry (test use only), started by
// test/helpers/registry.ts inside the test's network namespace. It reports each request on stdout
// as one JSON line (method, url, range), so tests can count blob GETs; with a cut size it drops the
// connection of the first blob GET after that many body bytes, to exercise resumed downloads.
// argv: <listen port> <target host:port> <cut after bytes, 0 = never>
import { createServer, request } from 'node:http'

const [port, target, cutArg] = process.argv.slice(2)
const [targetHost, targetPort] = target.split(':')
let cutAfter = Number(cutArg) || 0

const server = createServer((req, res) => {
  process.stdout.write(JSON.stringify({ method: req.method, url: req.url, range: req.headers.range ?? null }) + '\n')
  const up = request(
    { host: targetHost, port: Number(targetPort), method: req.method, path: req.url, headers: { ...req.headers, host: target } },
    (upRes) => {
      const isBlob = req.method === 'GET' && /\/blobs\/sha256:/.test(req.url) && upRes.statusCode < 300
      const len = Number(upRes.headers['content-length'] ?? 0)
      // the registry answers a blob GET with a redirect-free 200 or 206 from the filesystem driver
      res.writeHead(upRes.statusCode, upRes.headers)
      if (isBlob && cutAfter > 0 && len > cutAfter) {
        const limit = cutAfter
        cutAfter = 0
        let sent = 0
        upRes.on('data', (chunk) => {
          const room = limit - sent
          if (room <= 0) return
          const part = chunk.subarray(0, room)
          sent += part.length
          res.write(part)
          if (sent >= limit) {
            process.stdout.write(JSON.stringify({ cut: req.url, after: sent }) + '\n')
            upRes.destroy()
            res.socket?.destroy()
          }
        })
        return
      }
      upRes.pipe(res)
    },
  )
  up.on('error', () => res.socket?.destroy())
  req.pipe(up)
})
server.listen(Number(port), '127.0.0.1', () => process.stdout.write(JSON.stringify({ listening: Number(port) }) + '\n'))
process.on('SIGTERM', () => process.exit(0))
