import assert from 'node:assert/strict'
import { test } from 'node:test'
import { goSyntaxError, isJsonContentType, parseJsonBody } from './request-body.js'

test('isJsonContentType', () => {
  assert.equal(isJsonContentType('application/json'), true)
  assert.equal(isJsonContentType('application/json; charset=utf-8'), true)
  assert.equal(isJsonContentType('Application/JSON'), true)
  assert.equal(isJsonContentType('application/x-tar'), false)
  assert.equal(isJsonContentType(undefined), false)
})

test('parseJsonBody', () => {
  assert.equal(parseJsonBody(Buffer.alloc(0)), undefined)
  assert.deepEqual(parseJsonBody(Buffer.from('{"Image":"busybox","Cmd":["true"]}')), { Image: 'busybox', Cmd: ['true'] })
  assert.throws(() => parseJsonBody(Buffer.from('x')), { message: "invalid JSON: invalid character 'x' looking for beginning of value" })
  assert.throws(() => parseJsonBody(Buffer.from('{"a":1} {}')), { message: 'unexpected content after JSON' })
  assert.throws(() => parseJsonBody(Buffer.from('  \n')), { message: 'invalid JSON: got EOF while reading request body' })
})

test('Go encoding/json syntax messages', () => {
  const cases: Array<[string, string | undefined]> = [
    ['{"a": [1, 2.5e-3, true, false, null, "x\\n\\u00e9"]}', undefined],
    ['{a:1}', "invalid character 'a' looking for beginning of object key string"],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a":1 "b":2}', `invalid character '"' after object key:value pair`],
    ['[1 2]', "invalid character '2' after array element"],
    ['{"a":', 'unexpected EOF'],
    ['"abc', 'unexpected EOF'],
    ['tru', 'unexpected EOF'],
    ['trux', "invalid character 'x' in literal true (expecting 'e')"],
    ['nul', 'unexpected EOF'],
    ['-x', "invalid character 'x' in numeric literal"],
    ['1.x', "invalid character 'x' after decimal point in numeric literal"],
    ['1ex', "invalid character 'x' in exponent of numeric literal"],
    ['"\\q"', "invalid character 'q' in string escape code"],
    ['"\\u12g4"', "invalid character 'g' in \\u hexadecimal character escape"],
    ['"a\nb"', "invalid character '\\n' in string literal"],
    ["'a'", "invalid character '\\'' looking for beginning of value"],
    ['{"a":1}x', 'unexpected content after JSON'],
  ]
  for (const [input, want] of cases) assert.equal(goSyntaxError(input), want, input)
})
