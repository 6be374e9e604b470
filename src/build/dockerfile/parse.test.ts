import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseDockerfile } from './parse.js'
import type { Instruction } from './types.js'

/** Docker's parser test dump format (parser.Node.Dump), for cases taken from its testfiles. */
function dump(ins: Instruction): string {
  let s = ins.keyword.toLowerCase()
  const flagWords = Object.entries(ins.flags).map(([k, v]) => `--${k}=${v}`)
  if (flagWords.length) s += ` [${flagWords.map((f) => JSON.stringify(f)).join(' ')}]`
  if (ins.pairs) {
    const legacy = ins.pairs.length === 1 && ins.args[0] === ins.pairs[0]![0]
    for (const [k, v] of ins.pairs) s += ` ${JSON.stringify(k)} ${JSON.stringify(v)} ${legacy ? '""' : '"="'}`
    return s
  }
  for (const a of ins.args) s += ` ${JSON.stringify(a)}`
  return s
}

const all = (text: string): Instruction[] => {
  const df = parseDockerfile(text)
  return [...df.globalArgs, ...df.stages.flatMap((st) => [st.from, ...st.instructions])]
}
const dumps = (text: string): string[] => all(text).map(dump)

function refuses(text: string, message: string | RegExp): void {
  assert.throws(() => parseDockerfile(text), (e: Error & { kind?: string }) => {
    assert.equal(e.kind, 'invalid', e.message)
    if (typeof message === 'string') assert.equal(e.message, message)
    else assert.match(e.message, message)
    return true
  })
}

test('continuations: indentation, comments and empty lines inside, escape at EOF (Docker testfiles continueIndent, continue-at-eof)', () => {
  const text = [
    'FROM ubuntu:14.04', '',
    'RUN echo hello\\', '  world\\', '  goodnight  \\', '  moon\\', '  light\\', 'ning',
    'RUN echo hello  \\', '  world',
    'RUN echo hello  \\  ', 'world',
    'RUN echo hi \\', ' \\', ' world \\', '\\', ' good\\', '\\', 'night',
    'RUN echo hello \\', '# this is a comment', '', '# this is a comment with a blank line surrounding it', '',
    'this is some more useful stuff',
    'RUN something \\',
  ].join('\n')
  assert.deepEqual(dumps(text), [
    'from "ubuntu:14.04"',
    'run "echo hello  world  goodnight    moon  lightning"',
    'run "echo hello    world"',
    'run "echo hello  world"',
    'run "echo hi   world  goodnight"',
    'run "echo hello this is some more useful stuff"',
    'run "something"',
  ])
})

test('empty continuation lines are accepted with Docker\'s warnings', () => {
  const df = parseDockerfile('FROM x\nRUN a \\\n\n  b\n')
  assert.deepEqual(df.stages[0]!.instructions[0]!.args, ['a   b'])
  assert.deepEqual(df.warnings, [
    '[WARNING]: Empty continuation line found in: RUN a   b',
    '[WARNING]: Empty continuation lines will become errors in a future release.',
  ])
  assert.equal(parseDockerfile('FROM x\nRUN a \\\n  b\n').warnings, undefined)
})

test('line numbers point at the first physical line; CRLF and a BOM are accepted', () => {
  const df = parseDockerfile('\uFEFF# c\r\nFROM a\r\n\r\nRUN x \\\r\n  y\r\nCMD z\r\n')
  const [run, cmd] = df.stages[0]!.instructions
  assert.equal(df.stages[0]!.from.line, 2)
  assert.equal(run!.line, 4)
  assert.deepEqual(run!.args, ['x   y'])
  assert.equal(cmd!.line, 6)
})

test('ENV and LABEL pairs keep quotes and escapes for the expander (Docker testfile env)', () => {
  const text = [
    'FROM ubuntu',
    'ENV name value',
    'ENV name=value',
    'ENV name=value name2=value2',
    'ENV name="value value1"',
    'ENV name=value\\ value2',
    `ENV name="value'quote space'value2"`,
    `ENV name='value"double quote"value2'`,
    'ENV name="a\\"b"',
    `ENV name='a\\'b'`,
    'LABEL "com.example.vendor"="ACME Incorporated" version=1.0',
    'ENV legacy one two  three',
    'ENV name=value \\', '    name1=value1 \\', '    name2="value2a \\', '           value2b" \\',
  ].join('\n')
  assert.deepEqual(dumps(text), [
    'from "ubuntu"',
    'env "name" "value" ""',
    'env "name" "value" "="',
    'env "name" "value" "=" "name2" "value2" "="',
    'env "name" "\\"value value1\\"" "="',
    'env "name" "value\\\\ value2" "="',
    `env "name" "\\"value'quote space'value2\\"" "="`,
    `env "name" "'value\\"double quote\\"value2'" "="`,
    'env "name" "\\"a\\\\\\"b\\"" "="',
    `env "name" "'a\\\\'b'" "="`,
    'label "\\"com.example.vendor\\"" "\\"ACME Incorporated\\"" "=" "version" "1.0" "="',
    'env "legacy" "one two  three" ""',
    'env "name" "value" "=" "name1" "value1" "=" "name2" "\\"value2a            value2b\\"" "="',
  ])
})

test('exec form is detected; invalid JSON falls back to shell form (Docker testfiles json, jeztah-*)', () => {
  const text = [
    'FROM x',
    'CMD []', 'CMD [""]', 'CMD [ "a", "b" ]', 'CMD\t[\t"a",\t"b"\t]\t',
    `CMD ['a','b']`, 'CMD ["a", "b"', 'CMD ["a" "b"]', 'CMD ["echo", "hello"] extra',
    'RUN ["/bin/sh", "-c", "echo $HOME"]',
    'COPY ["a b", "/dst/"]', 'COPY a b /dst/', 'VOLUME ["/data", "/logs"]', 'VOLUME /a /b',
  ].join('\n')
  const got = all(text).slice(1).map((i) => [i.json, i.args])
  assert.deepEqual(got, [
    [true, []], [true, ['']], [true, ['a', 'b']], [true, ['a', 'b']],
    [false, [`['a','b']`]], [false, ['["a", "b"']], [false, ['["a" "b"]']], [false, ['["echo", "hello"] extra']],
    [true, ['/bin/sh', '-c', 'echo $HOME']],
    [true, ['a b', '/dst/']], [false, ['a', 'b', '/dst/']], [true, ['/data', '/logs']], [false, ['/a', '/b']],
  ])
  refuses('FROM x\nCMD ["a", 1]', 'failed to parse Dockerfile: when using JSON array syntax, arrays must be comprised of strings only')
})

test('keywords are case-insensitive; stages, names, platform and global ARGs', () => {
  const df = parseDockerfile([
    'ARG BASE=busybox', 'arg TAG',
    'from --platform=linux/amd64 ${BASE}:${TAG} AS Build',
    'run echo one',
    'FROM scratch',
    'copy --from=build /x /y',
  ].join('\n'))
  assert.equal(df.globalArgs.length, 2)
  assert.deepEqual(df.globalArgs.map((a) => a.args), [['BASE=busybox'], ['TAG']])
  assert.equal(df.stages.length, 2)
  const [b, s] = df.stages
  assert.equal(b!.name, 'build')
  assert.equal(b!.base, '${BASE}:${TAG}')
  assert.equal(b!.platform, 'linux/amd64')
  assert.equal(b!.instructions[0]!.keyword, 'RUN')
  assert.equal(s!.name, undefined)
  assert.deepEqual(s!.instructions[0]!.flags, { from: 'build' })
  assert.equal(s!.instructions[0]!.original, 'copy --from=build /x /y')
})

test('flags: values with quotes, booleans, -- ends flags (Docker testfile flags)', () => {
  const ins = all('FROM x\nCOPY --chown="a b" --link --chmod=755 -- --weird /dst/\nADD --link=false a /b\n')
  assert.deepEqual(ins[1]!.flags, { chown: 'a b', link: 'true', chmod: '755' })
  assert.deepEqual(ins[1]!.args, ['--weird', '/dst/'])
  assert.deepEqual(ins[2]!.flags, { link: 'false' })
})

test('bad flags are refused with Docker\'s messages', () => {
  refuses('FROM x\nCOPY --user=me foo /tmp/', 'dockerfile parse error on line 2: unknown flag: --user')
  refuses('FROM x\nCOPY --form=a foo /tmp/', 'dockerfile parse error on line 2: unknown flag: --form (did you mean from?)')
  refuses('FROM x\nCOPY --from foo /tmp/', 'dockerfile parse error on line 2: missing a value on flag: --from')
  refuses('FROM x\nCOPY --from=a --from=b foo /tmp/', 'dockerfile parse error on line 2: duplicate flag specified: --from')
  refuses('FROM x\nCOPY --link=maybe foo /tmp/', 'dockerfile parse error on line 2: expecting boolean value for flag --link, not: maybe')
  refuses('FROM x\nCMD --doit ["a"]', 'dockerfile parse error on line 2: unknown flag: --doit')
  refuses('FROM --plat=x y', 'dockerfile parse error on line 1: unknown flag: --plat')
})

test('flags only BuildKit honours are refused with the classic builder\'s message', () => {
  const msg = (f: string) => `the --${f} option requires BuildKit. Refer to https://docs.docker.com/go/buildkit/ to learn how to build images with BuildKit enabled`
  refuses('FROM x\nRUN --mount=type=cache,target=/c make', msg('mount'))
  refuses('FROM x\nRUN --network=none make', msg('network'))
  refuses('FROM x\nRUN --security=insecure make', msg('security'))
  refuses('FROM x\nCOPY --parents a /b/', msg('parents'))
  refuses('FROM x\nCOPY --exclude=*.md . /b/', msg('exclude'))
  refuses('FROM x\nADD --checksum=sha256:aa a /b', msg('checksum'))
})

test('unknown instructions name the line, with Docker\'s suggestion', () => {
  refuses('FROM x\nRUN a\nFOOBAR bar', 'dockerfile parse error on line 3: unknown instruction: FOOBAR')
  refuses('FROM x\nRUN a\nFOO bar', 'dockerfile parse error on line 3: unknown instruction: FOO (did you mean FROM?)')
  refuses('FROM x\nRUNN a', 'dockerfile parse error on line 2: unknown instruction: RUNN (did you mean RUN?)')
  refuses('FROM x\ncopyy a b', 'dockerfile parse error on line 2: unknown instruction: copyy (did you mean copy?)')
  refuses('FROM x\n\n# c\nRUN a \\\n  b\nBOGUSWORD', 'dockerfile parse error on line 6: unknown instruction: BOGUSWORD')
})

test('empty files, comment-only files and files without FROM', () => {
  refuses('', 'the Dockerfile (Dockerfile) cannot be empty')
  assert.throws(() => parseDockerfile('', 'sub/Dockerfile.dev'), /the Dockerfile \(sub\/Dockerfile.dev\) cannot be empty/)
  refuses('# only a comment\n\n', 'failed to parse Dockerfile: file with no instructions')
  refuses('   \n', 'failed to parse Dockerfile: file with no instructions')
  refuses('RUN echo hi', 'no build stage in current context')
  refuses('ARG A=1\nRUN echo', 'no build stage in current context')
  refuses('ARG A=1', 'No image was generated. Is your Dockerfile empty?')
  refuses(`FROM x\nRUN echo ${'a'.repeat(70_000)}\n`, 'failed to parse Dockerfile: dockerfile line greater than max allowed size of 65535')
  assert.equal(parseDockerfile(`FROM x\nRUN echo ${'a'.repeat(60_000)} \\\n ${'b'.repeat(60_000)}\n`).stages[0]!.instructions[0]!.args[0]!.length, 120_007)
})

test('argument counts and stage names as Docker checks them', () => {
  refuses('FROM x\nCOPY onlyone', 'dockerfile parse error on line 2: COPY requires at least two arguments, but only one was provided. Destination could not be determined')
  refuses('FROM x\nADD a', /ADD requires at least two arguments/)
  refuses('FROM x\nWORKDIR', 'dockerfile parse error on line 2: WORKDIR requires exactly one argument')
  refuses('FROM x\nUSER', 'dockerfile parse error on line 2: USER requires exactly one argument')
  refuses('FROM x\nSTOPSIGNAL', 'dockerfile parse error on line 2: STOPSIGNAL requires exactly one argument')
  refuses('FROM x\nMAINTAINER', 'dockerfile parse error on line 2: MAINTAINER requires exactly one argument')
  refuses('FROM x\nEXPOSE', 'dockerfile parse error on line 2: EXPOSE requires at least one argument')
  refuses('FROM x\nVOLUME', 'dockerfile parse error on line 2: VOLUME requires at least one argument')
  refuses('FROM x\nVOLUME [""]', 'dockerfile parse error on line 2: VOLUME specified can not be an empty string')
  refuses('FROM x\nARG', 'dockerfile parse error on line 2: ARG requires at least one argument')
  refuses('FROM x\nARG =1', 'dockerfile parse error on line 2: ARG names can not be blank')
  refuses('FROM x\nENV', 'dockerfile parse error on line 2: ENV requires at least one argument')
  refuses('FROM x\nENV =x', 'dockerfile parse error on line 2: ENV names can not be blank')
  refuses('FROM x\nENV onlykey', 'failed to parse Dockerfile: ENV must have two arguments')
  refuses('FROM x\nLABEL a=b c', `failed to parse Dockerfile: Syntax error - can't find = in "c". Must be of the form: name=value`)
  refuses('FROM x\nSHELL /bin/bash -c', 'dockerfile parse error on line 2: SHELL requires the arguments to be in JSON form')
  refuses('FROM x\nSHELL', 'dockerfile parse error on line 2: SHELL requires at least one argument')
  refuses('FROM a b', 'dockerfile parse error on line 1: FROM requires either one or three arguments')
  refuses('FROM a AS 1x', 'dockerfile parse error on line 1: invalid name for build stage: "1x", name can\'t start with a number or contain symbols')
  refuses('FROM a AS b\nFROM c AS B', 'b stage name already used')
  refuses('FROM', 'dockerfile parse error on line 1: FROM requires either one or three arguments')
})

test('ONBUILD keeps its trigger; chaining, FROM and MAINTAINER triggers are refused', () => {
  const [, on] = all('FROM x\nONBUILD RUN echo "hi there"\n')
  assert.equal(on!.keyword, 'ONBUILD')
  assert.equal(on!.trigger!.keyword, 'RUN')
  assert.deepEqual(on!.trigger!.args, ['echo "hi there"'])
  const [, copy] = all('FROM x\nonbuild copy --from=a x /y\n')
  assert.deepEqual(copy!.trigger!.flags, { from: 'a' })
  refuses('FROM x\nONBUILD ONBUILD RUN a', 'dockerfile parse error on line 2: Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed')
  refuses('FROM x\nONBUILD FROM y', 'dockerfile parse error on line 2: FROM isn\'t allowed as an ONBUILD trigger')
  refuses('FROM x\nonbuild maintainer me', 'dockerfile parse error on line 2: MAINTAINER isn\'t allowed as an ONBUILD trigger')
  refuses('FROM x\nONBUILD', 'dockerfile parse error on line 2: ONBUILD requires at least one argument')
})

test('HEALTHCHECK forms (Docker testfile health)', () => {
  const ins = all([
    'FROM debian',
    'HEALTHCHECK --interval=5s --timeout=3s --retries=3 \\', '  CMD /app/check.sh --quiet',
    'HEALTHCHECK   CMD   a b',
    'HEALTHCHECK --timeout=3s CMD ["foo"]',
    'HEALTHCHECK NONE',
  ].join('\n')).slice(1)
  assert.deepEqual(ins.map(dump), [
    'healthcheck ["--interval=5s" "--timeout=3s" "--retries=3"] "CMD" "/app/check.sh --quiet"',
    'healthcheck "CMD" "a b"',
    'healthcheck ["--timeout=3s"] "CMD" "foo"',
    'healthcheck "NONE"',
  ])
  refuses('FROM x\nHEALTHCHECK', 'dockerfile parse error on line 2: HEALTHCHECK requires at least one argument')
  refuses('FROM x\nHEALTHCHECK CMD', 'dockerfile parse error on line 2: Missing command after HEALTHCHECK CMD')
  refuses('FROM x\nHEALTHCHECK CONNECT TCP 7000', 'dockerfile parse error on line 2: Unknown type "CONNECT" in HEALTHCHECK (try CMD)')
  refuses('FROM x\nHEALTHCHECK NONE x', 'dockerfile parse error on line 2: HEALTHCHECK NONE takes no arguments')
  refuses('FROM x\nHEALTHCHECK --interval=1ns CMD a', 'dockerfile parse error on line 2: Interval "interval" cannot be less than 1ms')
})

test('parser directives: escape and syntax only at the top, once', () => {
  const df = parseDockerfile('# escape=`\nFROM windows\nRUN dir c:\\ `\n  /w\nCOPY a\\b c:\\d\n')
  assert.equal(df.escape, '`')
  assert.deepEqual(df.stages[0]!.instructions.map((i) => i.args), [['dir c:\\   /w'], ['a\\b', 'c:\\d']])
  const late = parseDockerfile('FROM x\n# escape=`\nRUN a `\nCMD b\n')
  assert.equal(late.escape, '\\')
  assert.deepEqual(late.stages[0]!.instructions.map((i) => i.keyword), ['RUN', 'CMD'])
  const afterComment = parseDockerfile('# a comment\n# escape=`\nFROM image\nENV GOPATH \\\n\\go\n')
  assert.equal(afterComment.escape, '\\')
  assert.deepEqual(afterComment.stages[0]!.instructions[0]!.pairs, [['GOPATH', '\\go']])
  assert.equal(parseDockerfile('# syntax=docker/dockerfile:1\n#escape = \\\nFROM x').escape, '\\')
  refuses('# escape=x\nFROM a', "failed to parse Dockerfile: invalid escape token 'x' does not match ` or \\")
  refuses('# escape=`\n# escape=\\\nFROM a', 'failed to parse Dockerfile: only one escape parser directive can be used')
})

test('heredocs are refused clearly; `<<` in quotes or exec form is not a heredoc', () => {
  refuses('FROM x\nRUN <<EOF\necho hi\nEOF', /^dockerfile parse error on line 2: heredocs .* are not supported/)
  refuses('FROM x\nCOPY <<-"END" /a\nx\nEND', /heredocs/)
  refuses('FROM x\nRUN cat 0<<EOF\nx\nEOF', /heredocs/)
  refuses('FROM x\nONBUILD RUN <<EOF\nx\nEOF', /heredocs/)
  const ok = all('FROM x\nRUN echo "a <<b"\nRUN ["cat", "<<EOF"]\nRUN echo a<<b\n')
  assert.equal(ok.length, 4)
})

test('RUN/CMD/ENTRYPOINT keep the shell form line as written, including $VAR', () => {
  const [, run, cmd, ep] = all('FROM x\nRUN   echo $HOME   "a  b"  \nCMD echo ${X:-y}\nENTRYPOINT ["/bin/app", "$X"]\n')
  assert.deepEqual(run!.args, ['echo $HOME   "a  b"'])
  assert.deepEqual(cmd!.args, ['echo ${X:-y}'])
  assert.deepEqual(ep!.args, ['/bin/app', '$X'])
  assert.equal(ep!.json, true)
})

// The example of the Dockerfile reference, "escape": a Windows path ending in a backslash.
test('Dockerfile reference: the escape directive example', () => {
  const windows = 'FROM microsoft/nanoserver\nCOPY testfile.txt c:\\\nRUN dir c:\\\n'
  const plain = parseDockerfile(windows).stages[0]!.instructions
  assert.deepEqual(plain.map((i) => [i.keyword, i.args]), [['COPY', ['testfile.txt', 'c:RUN', 'dir', 'c:']]])
  const escaped = parseDockerfile(`# escape=\`\n${windows}`).stages[0]!.instructions
  assert.deepEqual(escaped.map((i) => [i.keyword, i.args]), [['COPY', ['testfile.txt', 'c:\\']], ['RUN', ['dir c:\\']]])
})
