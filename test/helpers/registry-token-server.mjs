// A tiny token server for the registry's `auth: token` mode (test use only), started by
// test/helpers/registry.ts inside the test's network namespace. Anonymous requests get a token
// with no access (as Docker Hub does); users from the JSON file get every action they ask for;
// a wrong password is a 401. Each request is reported on stdout as one JSON line.
// argv: <port> <users.json> <key.pem> <cert.pem> <issuer> <service>
import { createServer } from 'node:http'
import { createHash, createPrivateKey, sign, randomBytes, X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'

const [port, usersFile, keyFile, certFile, issuer, service] = process.argv.slice(2)
const users = JSON.parse(readFileSync(usersFile, 'utf8'))
const key = createPrivateKey(readFileSync(keyFile))
const publicDer = new X509Certificate(readFileSync(certFile)).publicKey.export({ type: 'spki', format: 'der' })

// libtrust's key ID, which the registry indexes its rootcertbundle keys by: the first 240 bits of
// the SHA-256 of the DER public key, base32, in 12 groups of 4 joined by ':'.
function keyId(der) {
  const bytes = createHash('sha256').update(der).digest().subarray(0, 30)
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let bits = ''
  for (const b of bytes) bits += b.toString(2).padStart(8, '0')
  let s = ''
  for (let i = 0; i < bits.length; i += 5) s += alphabet[parseInt(bits.slice(i, i + 5), 2)]
  return s.match(/.{4}/g).join(':')
}
const kid = keyId(publicDer)

const b64url = (v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url')

function jwt(sub, access) {
  const now = Math.floor(Date.now() / 1000)
  const head = b64url({ typ: 'JWT', alg: 'RS256', kid })
  const body = b64url({ iss: issuer, sub, aud: service, exp: now + 300, nbf: now - 10, iat: now, jti: randomBytes(8).toString('hex'), access })
  const sig = sign('sha256', Buffer.from(`${head}.${body}`), key).toString('base64url')
  return `${head}.${body}.${sig}`
}

const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://x')
  const scopes = url.searchParams.getAll('scope').flatMap((s) => s.split(' ')).filter(Boolean)
  const auth = req.headers.authorization ?? ''
  let user = ''
  if (auth.startsWith('Basic ')) {
    const [u, ...rest] = Buffer.from(auth.slice(6), 'base64').toString().split(':')
    if (users[u] !== rest.join(':')) {
      process.stdout.write(JSON.stringify({ path: url.pathname, scopes, user: u, denied: true }) + '\n')
      res.writeHead(401, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }], details: 'incorrect username or password' }))
      return
    }
    user = u
  }
  process.stdout.write(JSON.stringify({ path: url.pathname, scopes, user }) + '\n')
  const access = user
    ? scopes.map((s) => {
        const [type, ...mid] = s.split(':')
        const actions = mid.pop().split(',')
        return { type, name: mid.join(':'), actions }
      })
    : []
  const token = jwt(user, access)
  res.writeHead(200, { 'content-type': 'application/json' })
  res.end(JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }))
})
server.listen(Number(port), '127.0.0.1', () => process.stdout.write(JSON.stringify({ listening: Number(port) }) + '\n'))
process.on('SIGTERM', () => process.exit(0))
