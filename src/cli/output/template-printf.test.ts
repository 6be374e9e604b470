import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { sprint, sprintf, sprintln } from './template-printf.js'
import { formatG, formatValue, quoteGo } from './template-values.js'

// Expected strings are what Go's fmt prints for the same call.
const cases: [format: string, args: unknown[], want: string][] = [
  ['%s|%v|%d', ['a', 'b', 7], 'a|b|7'],
  ['%5s|%-5s|%.2s', ['ab', 'ab', 'abc'], '   ab|ab   |ab'],
  ['%05d|%+d|% d|%-4d|', [42, 3, 3, 7], '00042|+3| 3|7   |'],
  ['%x|%X|%o|%b|%#x|%#o', [255, 255, 8, 5, 255, 8], 'ff|FF|10|101|0xff|010'],
  ['%x|%X', ['hi', 'hi'], '6869|6869'],
  ['%c|%U|%q', [65, 0x1f600, 97], "A|U+1F600|'a'"],
  ['%q', ['tab\there "q" é \x01'], '"tab\\there \\"q\\" é \\x01"'],
  ['%+q', ['é'], '"\\u00e9"'],
  ['%t|%v', [true, false], 'true|false'],
  ['%f|%.2f|%8.3f|%-8.1f|', [1.5, 3.14159, 2.5, 2.25], '1.500000|3.14|   2.500|2.2     |'],
  ['%e|%E|%.2e', [1234.5678, 0.000123, 1e21], '1.234568e+03|1.230000E-04|1.00e+21'],
  ['%g|%g|%g|%.3g|%G', [100000, 1e6, 0.0001, 3.14159, 1e-7], '100000|1e+06|0.0001|3.14|1E-07'],
  ['%v', [[1, 'a', null]], '[1 a <nil>]'],
  ['%v', [{ b: 1, a: [true] }], 'map[a:[true] b:1]'],
  ['%d', [[1, 2]], '[1 2]'],
  ['%s', [null], '%!s(<nil>)'],
  ['%d|%d', ['x', 1.5], '%!d(string=x)|%!d(float64=1.5)'],
  ['%t', [1], '%!t(int=1)'],
  ['%s %s', ['a'], 'a %!s(MISSING)'],
  ['%s', ['a', 1, 'b'], 'a%!(EXTRA int=1, string=b)'],
  ['100%%', [], '100%'],
  ['trailing %', [], 'trailing %!(NOVERB)'],
  ['%*d|%-*d|', [4, 1, 3, 2], '   1|2  |'],
  ['%z', [1], '%!z(int=1)'],
  ['%T %T %T %T', [1, 'a', [1], null], 'int string []interface {} <nil>'],
  ['%6.2v|%v', [3.14159, 0.1], '   3.1|0.1'],
]

describe('sprintf', () => {
  for (const [format, args, want] of cases) {
    it(`${format} ${JSON.stringify(args)}`, () => assert.equal(sprintf(format, args), want))
  }
})

describe('sprint and sprintln', () => {
  it('adds spaces only between two non-strings', () => assert.equal(sprint([1, 2, 'a', 'b', 3, true]), '1 2ab3 true'))
  it('println always separates and ends the line', () => assert.equal(sprintln(['a', 'b', 1]), 'a b 1\n'))
})

describe('formatValue', () => {
  const values: [unknown, string][] = [
    [12345, '12345'], [-7, '-7'], [1e21, '1000000000000000000000'], [0.5, '0.5'], [1234567.5, '1.2345675e+06'],
    [123456.5, '123456.5'], [0.00001, '1e-05'], [0.0001, '0.0001'], [null, '<nil>'], ['s', 's'],
    [[], '[]'], [{}, 'map[]'], [{ z: 1, a: { b: 'c' } }, 'map[a:map[b:c] z:1]'], [NaN, 'NaN'], [-Infinity, '-Inf'],
  ]
  for (const [v, want] of values) it(`${JSON.stringify(v)} → ${want}`, () => assert.equal(formatValue(v), want))
})

describe('formatG', () => {
  it('uses the shortest digits', () => assert.equal(formatG(0.1 + 0.2, -1), '0.30000000000000004'))
  it('drops trailing zeros at a precision', () => assert.equal(formatG(1.5, 5), '1.5'))
  it('keeps integers in %f form when they fit the precision', () => assert.equal(formatG(100, 3), '100'))
  it('switches to %e past the precision', () => assert.equal(formatG(1234, 3), '1.23e+03'))
})

describe('quoteGo', () => {
  it('escapes like strconv.Quote', () => assert.equal(quoteGo('a\n\u2028\x7f😀'), '"a\\n\\u2028\\x7f😀"'))
})

describe('rounding', () => {
  const ties: [string, unknown[], string][] = [
    ['%.1f %.1f %.0f %.0f %.0f', [2.25, 2.35, 0.5, 1.5, 2.5], '2.2 2.4 0 2 2'],
    ['%.0e %.1e %.2g', [9.5, 1.25, 0.125], '1e+01 1.2e+00 0.12'],
    ['%.2f %.3f', [1.005, 2.0005], '1.00 2.001'],
  ]
  for (const [format, args, want] of ties) it(format, () => assert.equal(sprintf(format, args), want))
})
