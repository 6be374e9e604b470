import { test } from 'node:test'
import assert from 'node:assert/strict'
import { isValidMode, parseBind, parseMountSpec, parseTmpfsOptions, parseVolumesFrom, planMounts, tmpfsMountOptions } from './mounts.js'
import { BerthError } from '../../lib/errors.js'
import type { MountPoint } from '../../state/records.js'

const exists = (p: string) => p === '/exists'
const invalid = (re: RegExp) => (e: unknown) => e instanceof BerthError && e.kind === 'invalid' && re.test(e.message)

test('-v forms: anonymous, named, bind, with modes', () => {
  assert.deepEqual(parseBind('/data'), {
    Type: 'volume', Name: '', Source: '', Destination: '/data', Driver: 'local', Mode: '', RW: true, Propagation: '', copyData: true,
  })
  assert.deepEqual(parseBind('vol:/data:ro,nocopy'), {
    Type: 'volume', Name: 'vol', Source: '', Destination: '/data', Driver: 'local', Mode: 'ro,nocopy', RW: false, Propagation: '', copyData: false,
  })
  assert.deepEqual(parseBind('/host/dir/:/x/:ro'), {
    Type: 'bind', Source: '/host/dir', Destination: '/x', Mode: 'ro', RW: false, Propagation: 'rprivate',
  })
  assert.equal(parseBind('/h:/x:rshared,z').Propagation, 'rshared')
  assert.equal(parseBind('/h:/x:Z').RW, true)
})

test('-v errors are Docker’s', () => {
  assert.throws(() => parseBind('/h:/x:bogus'), invalid(/^invalid mode: bogus$/))
  assert.throws(() => parseBind('/h:/x:ro,rw'), invalid(/^invalid mode: ro,rw$/))
  assert.throws(() => parseBind('/data:ro'), invalid(/^invalid volume specification: '\/data:ro'$/))
  assert.throws(() => parseBind('a:b:c:d'), invalid(/^invalid volume specification: 'a:b:c:d'$/))
  assert.throws(() => parseBind(':/x'), invalid(/^invalid volume specification/))
  assert.throws(() => parseBind('/h:/'), invalid(/^invalid volume specification: '\/h:\/': invalid mount config for type "bind": invalid specification: destination can't be '\/'$/))
  assert.throws(() => parseBind('vol:rel'), invalid(/invalid mount config for type "volume": invalid mount path: 'rel' mount path must be absolute/))
  for (const name of ['../x', 'a/b', 'x', '.hidden'])
    assert.throws(() => parseBind(`${name}:/d`), invalid(/includes invalid characters for a local volume name.*use absolute path/), name)
})

test('--mount: bind, volume, tmpfs and their stricter errors', () => {
  assert.deepEqual(parseMountSpec({ Type: 'bind', Source: '/exists', Target: '/b', ReadOnly: true, BindOptions: { Propagation: 'rslave' } }, exists), {
    Type: 'bind', Source: '/exists', Destination: '/b', Mode: '', RW: false, Propagation: 'rslave',
  })
  assert.throws(() => parseMountSpec({ Type: 'bind', Source: '/x', Target: '/b' }, exists),
    invalid(/^invalid mount config for type "bind": bind source path does not exist: \/x$/))
  assert.throws(() => parseMountSpec({ Type: 'bind', Source: 'rel', Target: '/b' }, exists), invalid(/mount path must be absolute/))
  assert.throws(() => parseMountSpec({ Type: 'bind', Source: '/exists', Target: '/b', BindOptions: { Propagation: 'odd' } }, exists), invalid(/invalid propagation mode: odd/))
  assert.equal(parseMountSpec({ Type: 'volume', Source: 'vv', Target: '/v', VolumeOptions: { NoCopy: true } }, exists).copyData, false)
  assert.throws(() => parseMountSpec({ Type: 'volume', Target: '/v', ReadOnly: true }, exists), invalid(/must not set ReadOnly mode when using anonymous volumes/))
  assert.throws(() => parseMountSpec({ Type: 'volume', Source: 'vv', Target: '/' }, exists), invalid(/^invalid mount config for type "volume": invalid specification: destination can't be '\/'$/))
  assert.deepEqual(parseMountSpec({ Type: 'tmpfs', Target: '/t', TmpfsOptions: { SizeBytes: 64 * 1024 * 1024, Mode: 0o1770 } }, exists).tmpfsOptions, ['mode=1770', 'size=64m'])
  assert.throws(() => parseMountSpec({ Type: 'tmpfs', Source: 'x', Target: '/t' }, exists), invalid(/field Source must not be specified/))
  assert.throws(() => parseMountSpec({ Type: 'weird', Target: '/t' }, exists), invalid(/mount type unknown/))
})

test('tmpfs options', () => {
  assert.deepEqual(parseTmpfsOptions('/t', 'size=1m,exec'), ['size=1m', 'exec'])
  assert.throws(() => parseTmpfsOptions('/t', 'bogus'), invalid(/invalid tmpfs option for \/t: bogus/))
  assert.deepEqual(tmpfsMountOptions(['size=1m', 'exec']), ['nosuid', 'nodev', 'size=1m', 'exec'])
  assert.deepEqual(tmpfsMountOptions([]), ['noexec', 'nosuid', 'nodev'])
})

test('--volumes-from modes', () => {
  assert.deepEqual(parseVolumesFrom('data'), { ref: 'data', mode: 'rw' })
  assert.deepEqual(parseVolumesFrom('data:ro'), { ref: 'data', mode: 'ro' })
  assert.throws(() => parseVolumesFrom('data:nocopy'), invalid(/invalid mode: nocopy/))
  assert.throws(() => parseVolumesFrom('data:rshared'), invalid(/invalid mode: rshared/))
  assert.equal(isValidMode('ro,z,rprivate,nocopy,cached'), true)
})

test('planMounts: precedence, duplicates, image volumes, parent first', () => {
  const from: MountPoint[] = [
    { Type: 'volume', Name: 'a'.repeat(64), Source: '/v/a', Destination: '/data', Driver: 'local', Mode: '', RW: true, Propagation: '', ownsVolume: true },
    { Type: 'bind', Source: '/h', Destination: '/etc/conf', Mode: '', RW: true, Propagation: 'rprivate' },
  ]
  const plan = planMounts({
    binds: ['bb:/x/y', 'aa:/x', '/h2:/etc/conf'],
    volumesFrom: [{ mounts: from, mode: 'ro' }],
    configVolumes: ['/x', '/img'],
    tmpfs: { '/img': '' },
    sourceExists: exists,
  })
  assert.deepEqual(plan.map((m) => [m.Destination, m.Name ?? m.Source, m.RW]), [
    ['/data', 'a'.repeat(64), false],
    ['/x', 'aa', true],
    ['/etc/conf', '/h2', true],
    ['/x/y', 'bb', true],
  ])
  assert.equal(plan[0]!.ownsVolume, undefined)
  assert.equal(plan[0]!.copyData, false)
  assert.deepEqual(planMounts({ configVolumes: ['/data'], sourceExists: exists }).map((m) => [m.Name, m.Destination]), [['', '/data']])
  assert.throws(() => planMounts({ binds: ['aa:/x', '/h:/x'], sourceExists: exists }), invalid(/^Duplicate mount point: \/x$/))
  assert.throws(() => planMounts({ binds: ['aa:/x'], mounts: [{ Type: 'volume', Source: 'bb', Target: '/x/' }], sourceExists: exists }), invalid(/^Duplicate mount point: \/x$/))
  assert.throws(() => planMounts({ binds: ['aa:/t'], tmpfs: { '/t': '' }, sourceExists: exists }), invalid(/^Duplicate mount point: \/t$/))
  assert.throws(() => planMounts({ tmpfs: { '/': '' }, sourceExists: exists }), invalid(/destination can't be '\/'/))
  assert.throws(() => planMounts({ configVolumes: ['/'], sourceExists: exists }), invalid(/destination can't be '\/'/))
})

test('--mount volume-subpath and bind-nonrecursive', () => {
  assert.deepEqual(parseMountSpec({ Type: 'volume', Source: 'vv', Target: '/v', VolumeOptions: { Subpath: 'a/./b/' } }, exists), {
    Type: 'volume', Name: 'vv', Source: '', Destination: '/v', Driver: 'local', Mode: '', RW: true, Propagation: '', copyData: false, subpath: 'a/b/',
  })
  assert.equal(parseMountSpec({ Type: 'volume', Source: 'vv', Target: '/v', VolumeOptions: { Subpath: 'a/../b' } }, exists).subpath, 'b')
  for (const bad of ['/abs', '..', '../x', 'a/../../x'])
    assert.throws(() => parseMountSpec({ Type: 'volume', Source: 'vv', Target: '/v', VolumeOptions: { Subpath: bad } }, exists),
      invalid(/^invalid mount config for type "volume": subpath must be a relative path within the volume$/), bad)
  assert.throws(() => parseMountSpec({ Type: 'volume', Target: '/v', VolumeOptions: { Subpath: 'a' } }, exists),
    invalid(/^invalid mount config for type "volume": must not set Subpath when using anonymous volumes$/))
  assert.equal(parseMountSpec({ Type: 'bind', Source: '/exists', Target: '/b', BindOptions: { NonRecursive: true } }, exists).nonRecursive, true)
  assert.equal(parseMountSpec({ Type: 'bind', Source: '/exists', Target: '/b' }, exists).nonRecursive, undefined)
})
