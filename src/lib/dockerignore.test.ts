import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ignoreMatcher, parseDockerignore, readDockerignore } from './dockerignore.js'

const excluded = (text: string, paths: string[]) => {
  const m = ignoreMatcher(parseDockerignore(text))
  return Object.fromEntries(paths.map((p) => [p, m.isExcluded(p)]))
}

test('reading: comments, blanks, BOM, cleaning of / ./ and .., ! with blanks', () => {
  assert.deepEqual(parseDockerignore('\uFEFF# comment\n\n  *.log  \n/abs\n./rel/\na/../b\n! keep.log\n #not a comment\r\n'), [
    '*.log', 'abs', 'rel', 'b', '!keep.log', '#not a comment',
  ])
  assert.deepEqual(parseDockerignore('/\n.\n'), ['/', '.'])
})

// The example from Docker's .dockerignore documentation.
test('Docker docs example: */temp*, */*/temp*, temp?', () => {
  assert.deepEqual(excluded('# comment\n*/temp*\n*/*/temp*\ntemp?\n', [
    'somedir/temporary.txt', 'somedir/temp', 'somedir/subdir/temporary.txt', 'tempa', 'tempb', 'temp', 'temporary.txt', 'a/b/c/temp',
  ]), {
    'somedir/temporary.txt': true, 'somedir/temp': true, 'somedir/subdir/temporary.txt': true, tempa: true, tempb: true,
    temp: false, 'temporary.txt': false, 'a/b/c/temp': false,
  })
})

test('Docker docs examples: ! exceptions, the last match wins, ** across directories', () => {
  assert.deepEqual(excluded('*.md\n!README.md\n', ['a.md', 'README.md', 'sub/a.md']), { 'a.md': true, 'README.md': false, 'sub/a.md': false })
  assert.deepEqual(excluded('*.md\n!README*.md\nREADME-secret.md\n', ['README.md', 'README-secret.md', 'x.md']), {
    'README.md': false, 'README-secret.md': true, 'x.md': true,
  })
  assert.deepEqual(excluded('*.md\nREADME-secret.md\n!README*.md\n', ['README-secret.md']), { 'README-secret.md': false })
  assert.deepEqual(excluded('**/*.go\n', ['a.go', 'x/y/z.go', 'x/y/z.c']), { 'a.go': true, 'x/y/z.go': true, 'x/y/z.c': false })
})

test('a matching directory excludes what is below it; ./ and / in the path are cleaned', () => {
  assert.deepEqual(excluded('node_modules\n', ['node_modules', 'node_modules/a/b.js', './node_modules/x', '/node_modules/y', 'src/node_modules']), {
    node_modules: true, 'node_modules/a/b.js': true, './node_modules/x': true, '/node_modules/y': true, 'src/node_modules': false,
  })
  assert.deepEqual(excluded('dir\n!dir/keep\n', ['dir/a', 'dir/keep', 'dir/keep/x']), { 'dir/a': true, 'dir/keep': false, 'dir/keep/x': false })
})

test('mayReinclude tells a walker to enter an excluded directory', () => {
  const m = ignoreMatcher(parseDockerignore('dir\n!dir/keep\n'))
  assert.equal(m.mayReinclude('dir'), true)
  assert.equal(m.mayReinclude('other'), false)
  assert.equal(ignoreMatcher(parseDockerignore('*\n!**/*.go')).mayReinclude('x'), true)
  assert.equal(ignoreMatcher([]).isExcluded('anything'), false)
  assert.equal(ignoreMatcher(['*']).isExcluded('.'), false)
})

test('"!" alone is refused as Docker does', () => {
  assert.throws(() => ignoreMatcher(parseDockerignore('!\n')), { message: 'illegal exclusion pattern: "!"' })
})

test('readDockerignore: absent file → no patterns', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-di-'))
  try {
    assert.deepEqual(await readDockerignore(dir), [])
    await writeFile(join(dir, '.dockerignore'), '*.tmp\n!keep.tmp\n')
    assert.deepEqual(await readDockerignore(dir), ['*.tmp', '!keep.tmp'])
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
