import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import {
  INDEX_SERVER, authKeyFor, configPath, encodeRegistryAuth, eraseCredentials, hostnameOf, readCredentials,
  registryAuthFor, storeCredentials,
} from './credentials.js'

function tempEnv(): { env: NodeJS.ProcessEnv; dir: string; done: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'berth-creds-'))
  const dir = join(root, 'cfg')
  return { env: { DOCKER_CONFIG: dir }, dir, done: () => rmSync(root, { recursive: true, force: true }) }
}

test('configPath: DOCKER_CONFIG wins, else ~/.docker', () => {
  assert.equal(configPath({ DOCKER_CONFIG: '/x/y' }), '/x/y/config.json')
  assert.equal(configPath({ HOME: '/home/u' }), '/home/u/.docker/config.json')
})

test('store writes Docker JSON with mode 0600 in a 0700 directory, keeping other keys', () => {
  const t = tempEnv()
  try {
    mkdirSync(t.dir, { mode: 0o700 })
    writeFileSync(join(t.dir, 'config.json'), JSON.stringify({ psFormat: 'table {{.ID}}', auths: { 'other:1': { auth: 'eDp5' } } }))
    storeCredentials(t.env, { username: 'alice', password: 'p:w', serveraddress: '127.0.0.1:5000' })
    const file = join(t.dir, 'config.json')
    const json = JSON.parse(readFileSync(file, 'utf8'))
    assert.equal(json.psFormat, 'table {{.ID}}')
    assert.deepEqual(json.auths['other:1'], { auth: 'eDp5' })
    assert.deepEqual(json.auths['127.0.0.1:5000'], { auth: Buffer.from('alice:p:w').toString('base64') })
    assert.equal(statSync(file).mode & 0o777, 0o600)
    assert.deepEqual(readdirSync(t.dir), ['config.json'], 'no temporary file left behind')
    assert.deepEqual(readCredentials(t.env, '127.0.0.1:5000'), { username: 'alice', password: 'p:w', serveraddress: '127.0.0.1:5000' })
  } finally {
    t.done()
  }
})

test('store creates the directory 0700', () => {
  const t = tempEnv()
  try {
    storeCredentials(t.env, { username: 'u', password: 'p', serveraddress: 'r:1' })
    assert.equal(statSync(t.dir).mode & 0o777, 0o700)
    assert.equal(statSync(join(t.dir, 'config.json')).mode & 0o777, 0o600)
  } finally {
    t.done()
  }
})

test('lookup matches a URL-shaped key by hostname, as Docker does', () => {
  const t = tempEnv()
  try {
    storeCredentials(t.env, { username: 'u', password: 'p', serveraddress: 'https://reg.example:5000/v2/' })
    assert.equal(readCredentials(t.env, 'reg.example:5000')?.username, 'u')
    assert.equal(readCredentials(t.env, 'other:5000'), undefined)
  } finally {
    t.done()
  }
})

test('erase removes only the named entries and reports absence', () => {
  const t = tempEnv()
  try {
    assert.equal(eraseCredentials(t.env, ['r:1']), false)
    storeCredentials(t.env, { username: 'u', password: 'p', serveraddress: 'r:1' })
    storeCredentials(t.env, { username: 'v', password: 'q', serveraddress: 'r:2' })
    assert.equal(eraseCredentials(t.env, ['r:1', 'http://r:1']), true)
    assert.equal(readCredentials(t.env, 'r:1'), undefined)
    assert.equal(readCredentials(t.env, 'r:2')?.username, 'v')
  } finally {
    t.done()
  }
})

test('a broken config file is an error naming the file', () => {
  const t = tempEnv()
  try {
    mkdirSync(t.dir)
    writeFileSync(join(t.dir, 'config.json'), '{not json')
    assert.throws(() => readCredentials(t.env, 'r:1'), /loading config file: .*config.json/)
  } finally {
    t.done()
  }
})

test('X-Registry-Auth is padded base64url JSON; anonymous is {}', () => {
  assert.equal(encodeRegistryAuth(undefined), 'e30=')
  const v = encodeRegistryAuth({ username: 'a', password: '>>>?', serveraddress: 'r:1' })
  assert.doesNotMatch(v, /[+/]/)
  assert.deepEqual(JSON.parse(Buffer.from(v, 'base64url').toString()), { username: 'a', password: '>>>?', serveraddress: 'r:1' })
})

test('docker.io logins live under the index URL', () => {
  assert.equal(authKeyFor('docker.io'), INDEX_SERVER)
  assert.equal(authKeyFor('127.0.0.1:5000'), '127.0.0.1:5000')
  assert.equal(hostnameOf('https://index.docker.io/v1/'), 'index.docker.io')
  const t = tempEnv()
  try {
    storeCredentials(t.env, { username: 'hub', password: 'x', serveraddress: INDEX_SERVER })
    const auth = JSON.parse(Buffer.from(registryAuthFor(t.env, 'docker.io'), 'base64url').toString())
    assert.equal(auth.username, 'hub')
  } finally {
    t.done()
  }
})
