import { test } from 'node:test'
import assert from 'node:assert/strict'
import { EXPANDING_KEYWORDS, expandInstruction, expandToWords, expandWord, expandWords } from './expand.js'
import { parseDockerfile } from './parse.js'

const ENV = { PWD: '/home', SHELL: 'bash', KOREAN: '한국어', NULL: '' }

// Cases from Docker's shell lexer behaviour (buildkit frontend/dockerfile/shell, envVarTest):
// [input, expected] with `null` meaning an error.
const WORD_CASES: Array<[string, string | null]> = [
  ['hello', 'hello'], ["he'll'o", 'hello'], ["he'llo", null], ["he\\'llo", "he'llo"], ["he\\\\'llo", null],
  ['abc\\tdef', 'abctdef'], ['"abc\\tdef"', 'abc\\tdef'], ['"abc\\\\tdef"', 'abc\\tdef'], ["'abc\\tdef'", 'abc\\tdef'],
  ['hello\\', 'hello'], ['hello\\\\', 'hello\\'], ['"hello', null], ['"hello\\"', null], [`"hel'lo"`, "hel'lo"],
  ["'hello", null], ["'hello\\'", 'hello\\'], [`"''"`, "''"], ['$.', '$.'], ['he$1x', 'hex'], ['he$.x', 'he$.x'],
  ['he$pwd.', 'he.'], ['he$PWD', 'he/home'], ['he\\$PWD', 'he$PWD'], ['he\\\\$PWD', 'he\\/home'], ['"he\\$PWD"', 'he$PWD'],
  ['"he\\\\$PWD"', 'he\\/home'], ['\\${}', '${}'], ['he\\${}xx', 'he${}xx'], ['${}', null], ['he${}xx', null],
  ['he${hi}', 'he'], ['he${PWD}', 'he/home'], ['he${.}', null], ['he${XXX:-000}xx', 'he000xx'], ['he${PWD:-000}xx', 'he/homexx'],
  ['he${XXX:-$PWD}xx', 'he/homexx'], ['he${XXX:-${PWD:-yyy}}xx', 'he/homexx'], ['he${XXX:-${YYY:-yyy}}xx', 'heyyyxx'],
  ['he${XXX:YYY}', null], ['he${XXX?}', null], ['he${XXX:?}', null], ['he${PWD?}', 'he/home'], ['he${PWD:?}', 'he/home'],
  ['he${NULL?}', 'he'], ['he${NULL:?}', null], ['he${XXX:+${PWD}}xx', 'hexx'], ['he${PWD:+${XXX}}xx', 'hexx'],
  ['he${PWD:+${SHELL}}xx', 'hebashxx'], ['he${XXX:+000}xx', 'hexx'], ['he${PWD:+000}xx', 'he000xx'],
  ["'he${XX}'", 'he${XX}'], ['"he${PWD}"', 'he/home'], [`"he'$PWD'"`, "he'/home'"], ['"$PWD"', '/home'], ["'$PWD'", '$PWD'],
  ["'\\$PWD'", '\\$PWD'], [`'"hello"'`, '"hello"'], ['he${PWD', null], ['he${PWD:=000}xx', null],
  ['he${PWD:+${PWD}:}xx', 'he/home:xx'], ['he${XXX:-\\$PWD:}xx', 'he$PWD:xx'], ['he${XXX:-\\${PWD}z}xx', 'he${PWDz}xx'],
  ['안녕\\t하세요', '안녕t하세요'], ['안녕$KOREAN', '안녕한국어'], ["안'녕'하세요", '안녕하세요'],
  ['${{aaa}', null], ['${aaa}}', '}'], ['${aaa:-bbb}}', 'bbb}'], ['${aaa:-bbb', null], ['${aaa:-${bbb:-ccc}}', 'ccc'],
  ['${aaa:-bbb ${foo}', null], ['${aaa:-bbb {foo}', 'bbb {foo'], ['${:}', null], ['${:-bbb}', null],
  ['$1', ''], ['${1:-bbb}', 'bbb'], ['$999aaa', 'aaa'], ['${001:-bbb}aaa', 'bbbaaa'], ['$@@@', '@@'], ['${@:-bbb}', 'bbb'],
  ['$$', ''], ['${#:+bbb}', ''], ['$0', ''],
]

test('expandWord follows Docker\'s shell lexer (envVarTest cases)', () => {
  for (const [input, want] of WORD_CASES) {
    if (want === null) assert.throws(() => expandWord(input, ENV), (e: Error & { kind?: string }) => e.kind === 'invalid', input)
    else assert.equal(expandWord(input, ENV), want, input)
  }
})

test('expansion errors say what failed, as Docker does', () => {
  assert.throws(() => expandWord('he${XXX:?}', ENV), { message: 'failed to process "he${XXX:?}": XXX: is not allowed to be unset' })
  assert.throws(() => expandWord('${NULL:?}', ENV), { message: 'failed to process "${NULL:?}": NULL: is not allowed to be empty' })
  assert.throws(() => expandWord('${XXX?need it}', ENV), { message: 'failed to process "${XXX?need it}": XXX: need it' })
  assert.throws(() => expandWord('"a', ENV), { message: 'failed to process "\\"a": unexpected end of statement while looking for matching double-quote' })
  assert.throws(() => expandWord('${a', ENV), { message: 'failed to process "${a": syntax error: missing \'}\'' })
  assert.throws(() => expandWord('${a:=b}', ENV), { message: 'failed to process "${a:=b}": unsupported modifier (:=) in substitution' })
})

test('${x#pat} ${x##pat} ${x%pat} ${x%%pat} ${x/pat/r} ${x//pat/r}', () => {
  const env = { F: 'file.tar.gz', P: '/a/b/c' }
  assert.equal(expandWord('${F#*.}', env), 'tar.gz')
  assert.equal(expandWord('${F##*.}', env), 'gz')
  assert.equal(expandWord('${F%.*}', env), 'file.tar')
  assert.equal(expandWord('${F%%.*}', env), 'file')
  assert.equal(expandWord('${P/\\//-}', env), '-a/b/c')
  assert.equal(expandWord('${P//\\//-}', env), '-a-b-c')
  assert.equal(expandWord('${P//b/x}', env), '/a/x/c')
  assert.equal(expandWord('${NOPE%.*}', env), '')
})

test('the escape character can be a backtick', () => {
  assert.equal(expandWord('c:\\dir`$PWD', ENV, '`'), 'c:\\dir$PWD')
  assert.equal(expandWord('"a`"b"', ENV, '`'), 'a"b')
})

test('a Map works as the environment; unset variables expand to nothing', () => {
  assert.equal(expandWord('$A-$B', new Map([['A', '1']])), '1-')
  assert.deepEqual(expandWords(['$A', '"$A b"'], { A: 'x' }), ['x', 'x b'])
})

// Docker's wordsTest: ProcessWords splits variable values but not quoted text.
test('expandToWords splits like Docker\'s ProcessWords (wordsTest cases)', () => {
  const cases: Array<[string, Record<string, string>, string[] | null]> = [
    ['hello', {}, ['hello']],
    ['hello${hi}bye', {}, ['hellobye']],
    ['hello${hi}bye', { hi: 'hi' }, ['hellohibye']],
    ['hello${space}bye', { space: 'abc  def' }, ['helloabc', 'defbye']],
    ['hello"${space}"bye', { space: 'abc  def' }, ['helloabc  defbye']],
    ['hello "${space}"bye', { space: 'abc  def' }, ['hello', 'abc  defbye']],
    ['hello${leading}def', { leading: '  ab c' }, ['hello', 'ab', 'cdef']],
    ['hello"${leading}" def', { leading: '  ab c' }, ['hello  ab c', 'def']],
    ['hello${trailing}d', { trailing: 'ab c   ' }, ['helloab', 'c', 'd']],
    ['hello" there  "', {}, ['hello there  ']],
    ['hello there     ', {}, ['hello', 'there']],
    ['hello\\ there', {}, ['hello there']],
    ['hello" there', {}, null],
    ['hello\\" there', {}, ['hello"', 'there']],
    ['hello"\\\\there"', {}, ['hello\\there']],
    ["hello'\\\\there'", {}, ['hello\\\\there']],
    ["hello'$there'", {}, ['hello$there']],
  ]
  for (const [input, env, want] of cases) {
    if (want === null) assert.throws(() => expandToWords(input, env), input)
    else assert.deepEqual(expandToWords(input, env), want, input)
  }
})

const first = (text: string) => parseDockerfile(`FROM x\n${text}`).stages[0]!.instructions[0]!

test('expandInstruction expands what the classic builder expands, and nothing else', () => {
  const env = { A: 'a1', P: '80 443', U: 'app', D: '/srv', S: 'SIGTERM', N: 'name' }
  assert.deepEqual(expandInstruction(first('ENV $N="$A b" K=${A}x'), env).pairs, [['name', 'a1 b'], ['K', 'a1x']])
  assert.deepEqual(expandInstruction(first('ENV K ${A} "q"'), env).pairs, [['K', 'a1 q']])
  assert.deepEqual(expandInstruction(first('LABEL "x.$A"=$D'), env).pairs, [['x.a1', '/srv']])
  assert.deepEqual(expandInstruction(first('EXPOSE $P 8080/udp'), env).args, ['80', '443', '8080/udp'])
  assert.deepEqual(expandInstruction(first('WORKDIR $D/${A}'), env).args, ['/srv/a1'])
  assert.deepEqual(expandInstruction(first('USER ${U}:${G:-staff}'), env).args, ['app:staff'])
  assert.deepEqual(expandInstruction(first('STOPSIGNAL $S'), env).args, ['SIGTERM'])
  assert.deepEqual(expandInstruction(first('VOLUME $D /x'), env).args, ['/srv', '/x'])
  assert.throws(() => expandInstruction(first('VOLUME "$D y"'), env), /matching double-quote/)
  assert.deepEqual(expandInstruction(first('VOLUME ["$D", "/v"]'), env).args, ['/srv', '/v'])
  const copy = expandInstruction(first('COPY --chown=$U:$U --from=${N} $A "${D}/b" $D/'), env)
  assert.deepEqual(copy.args, ['a1', '/srv/b', '/srv/'])
  assert.deepEqual(copy.flags, { chown: 'app:app', from: 'name' })
  assert.deepEqual(expandInstruction(first('ARG X=$A Y'), env).args, ['X=a1', 'Y'])
  for (const kw of ['RUN echo $A', 'CMD echo $A', 'ENTRYPOINT ["$A"]', 'SHELL ["/bin/$A"]', 'HEALTHCHECK CMD $A', 'MAINTAINER $A', 'ONBUILD RUN $A']) {
    const ins = first(kw)
    assert.equal(expandInstruction(ins, env), ins, kw)
    assert.equal(EXPANDING_KEYWORDS.has(ins.keyword), false, kw)
  }
  assert.throws(() => parseDockerfile('FROM ${B}:1 AS $weird'), /invalid name for build stage/)
})

test('FROM: the image word and --platform are expanded, the stage name is not', () => {
  const st = parseDockerfile('FROM --platform=$P ${B}:1 AS base').stages[0]!
  const ins = expandInstruction(st.from, { B: 'busybox', P: 'linux/amd64' })
  assert.deepEqual(ins.args, ['busybox:1', 'AS', 'base'])
  assert.equal(ins.flags.platform, 'linux/amd64')
})

test('COPY words: a quoted path with a blank is split by the parser first, as in Docker', () => {
  // COPY's shell form is split on blanks before expansion, so "a b" yields two broken words.
  assert.throws(() => expandInstruction(first('COPY "a b" /d/'), {}), /matching double-quote/)
  assert.deepEqual(expandInstruction(first('COPY a\\ b /d/'), {}).args, ['a', 'b', '/d/'])
})

// The examples of the Dockerfile reference, "Environment replacement".
test('Dockerfile reference: environment replacement examples', () => {
  const df = parseDockerfile('FROM busybox\nENV FOO=/bar\nWORKDIR ${FOO}\nADD . $FOO\nCOPY \\$FOO /quux\n')
  const env: Record<string, string> = {}
  const out = df.stages[0]!.instructions.map((ins) => {
    const e = expandInstruction(ins, env)
    for (const [k, v] of e.pairs ?? []) env[k] = v
    return e.args
  })
  assert.deepEqual(out, [['FOO=/bar'], ['/bar'], ['.', '/bar'], ['$FOO', '/quux']])

  const seq = parseDockerfile('FROM x\nENV abc=hello\nENV abc=bye def=$abc\nENV ghi=$abc\n').stages[0]!.instructions
  const env2: Record<string, string> = {}
  for (const ins of seq) {
    // Docker expands the whole instruction with the environment as it was before it.
    const e = expandInstruction(ins, { ...env2 })
    for (const [k, v] of e.pairs!) env2[k] = v
  }
  assert.deepEqual(env2, { abc: 'bye', def: 'hello', ghi: 'bye' })

  const named = parseDockerfile('FROM x\nENV MY_NAME="John Doe" MY_DOG=Rex\\ The\\ Dog MY_CAT=fluffy\n').stages[0]!.instructions[0]!
  assert.deepEqual(expandInstruction(named, {}).pairs, [['MY_NAME', 'John Doe'], ['MY_DOG', 'Rex The Dog'], ['MY_CAT', 'fluffy']])
})
