import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { BerthError } from '../../lib/errors.js'
import { compile } from './template.js'

// A container as `docker inspect` returns it, trimmed to what the cases below touch.
const container = {
  Id: '3f2a9c1b7d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8',
  Name: '/web',
  Args: ['-g', 'daemon off;'],
  State: { Status: 'running', Running: true, Paused: false, Pid: 12345, ExitCode: 0, Health: null },
  Config: {
    Env: ['PATH=/usr/bin', 'LANG=C'],
    Labels: { 'com.example.b': 'two', 'com.example.a': 'one' },
    Cmd: null,
  },
  Mounts: [{ Type: 'volume', Name: 'data', Destination: '/data', RW: true }],
  NetworkSettings: { Networks: { bridge: { IPAddress: '172.17.0.2' } } },
  SizeRw: 1234567,
  Ratio: 0.25,
}

const render = (src: string, data: unknown = container): string => compile(src)(data)

const cases: [name: string, src: string, want: string, data?: unknown][] = [
  // text, fields, dot, $
  ['plain text', 'hello', 'hello'],
  ['empty template', '', ''],
  ['field', '{{.Name}}', '/web'],
  ['nested field', '{{.State.Status}}', 'running'],
  ['pid prints as an integer', '{{.State.Pid}}', '12345'],
  ['large integer stays plain', '{{.SizeRw}}', '1234567'],
  ['float uses %v', '{{.Ratio}}', '0.25'],
  ['bool', '{{.State.Running}}', 'true'],
  ['missing key', '{{.Nope}}', '<no value>'],
  ['missing key chain', '{{.Nope.Deeper}}', '<no value>'],
  ['null field', '{{.State.Health}}', '<no value>'],
  ['dot on a string', '{{.}}', 'x', 'x'],
  ['dollar is the root', '{{with .State}}{{$.Name}}{{end}}', '/web'],
  ['slice prints like Go', '{{.Args}}', '[-g daemon off;]'],
  ['map prints sorted', '{{.Config.Labels}}', 'map[com.example.a:one com.example.b:two]'],
  ['nested map with nil', '{{.}}', 'map[a:<nil> b:[1 x]]', { b: [1, 'x'], a: null }],
  ['text around actions', 'name={{.Name}} pid={{.State.Pid}}\n', 'name=/web pid=12345\n'],
  // trim markers and comments
  ['trim both sides', 'a  {{- .Name -}}  \n b', 'a/webb'],
  ['trim left only', 'a \n{{- "x"}} b', 'ax b'],
  ['minus number is not a trim', '{{-3}}', '-3'],
  ['comment', 'a{{/* hidden */}}b', 'ab'],
  ['trimmed comment', 'a \n {{- /* hidden */ -}} \n b', 'ab'],
  // literals
  ['string escapes', '{{"a\\tb\\u00e9\\x41"}}', 'a\tbéA'],
  ['raw string', '{{`a\\n`}}', 'a\\n'],
  ['numbers', '{{1}} {{-2}} {{1.5}} {{0x1F}} {{1e3}}', '1 -2 1.5 31 1000'],
  ['char constant is a number', "{{'a'}}", '97'],
  ['bool literals', '{{true}} {{false}}', 'true false'],
  // pipelines and calls
  ['pipeline into printf', '{{.Name | printf "%s!"}}', '/web!'],
  ['multi-stage pipeline', '{{.Name | upper | printf "[%s]"}}', '[/WEB]'],
  ['parenthesised argument', '{{printf "%s:%d" (upper .Name) (len .Args)}}', '/WEB:2'],
  ['nested parentheses', '{{len (index (index .Mounts 0) "Name")}}', '4'],
  ['field of a parenthesised value', '{{(index .Mounts 0).Destination}}', '/data'],
  // variables
  ['declare prints nothing', '{{$x := .Name}}{{$x}}', '/web'],
  ['assign', '{{$x := 1}}{{$x = 2}}{{$x}}', '2'],
  ['variable field', '{{$s := .State}}{{$s.Status}}', 'running'],
  ['variable assigned in range is visible after', '{{$n := 0}}{{range .Args}}{{$n = .}}{{end}}{{$n}}', 'daemon off;'],
  // if / with
  ['if true', '{{if .State.Running}}up{{else}}down{{end}}', 'up'],
  ['if false', '{{if .State.Paused}}up{{else}}down{{end}}', 'down'],
  ['else if', '{{if .State.Paused}}p{{else if .State.Running}}r{{else}}x{{end}}', 'r'],
  ['if on missing is false', '{{if .Nope}}y{{else}}n{{end}}', 'n'],
  ['empty list is false', '{{if .}}y{{else}}n{{end}}', 'n', []],
  ['empty map is false', '{{if .}}y{{else}}n{{end}}', 'n', {}],
  ['zero is false', '{{if .State.ExitCode}}y{{else}}n{{end}}', 'n'],
  ['empty string is false', '{{if ""}}y{{else}}n{{end}}', 'n'],
  ['with sets dot', '{{with .State}}{{.Status}}{{end}}', 'running'],
  ['with else', '{{with .State.Health}}{{.Status}}{{else}}no health{{end}}', 'no health'],
  ['with declares', '{{with $m := index .Mounts 0}}{{$m.Name}}{{end}}', 'data'],
  ['else with', '{{with .Nope}}a{{else with .Name}}{{.}}{{end}}', '/web'],
  // range
  ['range with println', '{{range .Config.Env}}{{println .}}{{end}}', 'PATH=/usr/bin\nLANG=C\n'],
  ['range index and value', '{{range $i, $v := .Args}}{{$i}}:{{$v}};{{end}}', '0:-g;1:daemon off;;'],
  ['range one variable gets the element', '{{range $v := .Args}}{{$v}},{{end}}', '-g,daemon off;,'],
  ['range map sorted', '{{range $k, $v := .Config.Labels}}{{$k}}={{$v}};{{end}}', 'com.example.a=one;com.example.b=two;'],
  ['range map values as dot', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', '172.17.0.2'],
  ['range else on empty', '{{range .Config.Cmd}}x{{else}}none{{end}}', 'none'],
  ['range break', '{{range .}}{{if eq . 3}}{{break}}{{end}}{{.}}{{end}}', '12', [1, 2, 3, 4]],
  ['range continue', '{{range .}}{{if eq . 2}}{{continue}}{{end}}{{.}}{{end}}', '134', [1, 2, 3, 4]],
  ['range over int', '{{range 3}}{{.}}{{end}}', '012'],
  ['range of mounts', '{{range .Mounts}}{{.Name}} -> {{.Destination}}{{end}}', 'data -> /data'],
  // builtins
  ['len', '{{len .Args}}', '2'],
  ['len of string counts bytes', '{{len "é"}}', '2'],
  ['len of map', '{{len .Config.Labels}}', '2'],
  ['index map', '{{index .Config.Labels "com.example.a"}}', 'one'],
  ['index missing map key', '{{index .Config.Labels "zz"}}', '<no value>'],
  ['index slice', '{{index .Args 1}}', 'daemon off;'],
  ['index multi-key', '{{index .NetworkSettings.Networks "bridge" "IPAddress"}}', '172.17.0.2'],
  ['slice', '{{slice .Id 0 12}}', '3f2a9c1b7d4e'],
  ['slice list', '{{slice .Args 1}}', '[daemon off;]'],
  ['and returns the deciding value', '{{and 1 0 2}} {{and 1 2}}', '0 2'],
  ['or default', '{{or .Nope "default"}}', 'default'],
  ['or short-circuits', '{{or 1 (index .Nope "x")}}', '1'],
  ['not', '{{not .State.Running}} {{not ""}}', 'false true'],
  ['eq', '{{eq .State.Status "running"}} {{eq 1 2}}', 'true false'],
  ['eq with several', '{{eq .State.Status "exited" "running"}}', 'true'],
  ['eq with nil', '{{eq .Nope nil}} {{eq .Name nil}}', 'true false'],
  ['ne', '{{ne .State.Pid 0}}', 'true'],
  ['ordering', '{{lt 1 2}} {{le 2 2}} {{gt "b" "a"}} {{ge 1 2}}', 'true true true false'],
  ['print', '{{print 1 2 "a" "b" 3}}', '1 2ab3'],
  ['println', '{{println "a" 1}}', 'a 1\n'],
  ['print of nil', '{{print .Nope}}', '<nil>'],
  ['html', '{{html "<a href=\'x\'>&</a>"}}', '&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;'],
  ['urlquery', '{{urlquery "a b&c/é"}}', 'a+b%26c%2F%C3%A9'],
  ['js', '{{js "it\'s <b>"}}', 'it\\\'s \\u003Cb\\u003E'],
  // printf verbs
  ['printf %s %d', '{{printf "%s-%d" .Name .State.Pid}}', '/web-12345'],
  ['printf widths', '{{printf "|%5s|%-5s|%05d|" "ab" "cd" 42}}', '|   ab|cd   |00042|'],
  ['printf floats', '{{printf "%.2f %f %e %g" 3.14159 1.5 1234.5678 0.000012}}', '3.14 1.500000 1.234568e+03 1.2e-05'],
  ['printf %v %q %t %x', '{{printf "%v %q %t %x %X" .Args "a\\"b" true 255 "hi"}}', '[-g daemon off;] "a\\"b" true ff 6869'],
  ['printf %%', '{{printf "100%%"}}', '100%'],
  ['printf wrong verb', '{{printf "%d" "x"}}', '%!d(string=x)'],
  ['printf missing arg', '{{printf "%s %s" "a"}}', 'a %!s(MISSING)'],
  ['printf extra arg', '{{printf "%s" "a" 1}}', 'a%!(EXTRA int=1)'],
  ['printf %v of map', '{{printf "%v" .Config.Labels}}', 'map[com.example.a:one com.example.b:two]'],
  ['printf %+d and %x negative', '{{printf "%+d %x" 5 -255}}', '+5 -ff'],
  ['float %v switches to an exponent at 1e6, as Go %g does', '{{.}} {{printf "%v" .}}', '1.2345675e+06 1.2345675e+06', 1234567.5],
  ['small float %v', '{{.}}', '1e-05', 0.00001],
  // docker functions
  ['json of a list', '{{json .Mounts}}', '[{"Type":"volume","Name":"data","Destination":"/data","RW":true}]'],
  ['json keeps key order', '{{json .Config.Labels}}', '{"com.example.b":"two","com.example.a":"one"}'],
  ['json is not HTML-escaped', '{{json .}}', '"<a&b>"', '<a&b>'],
  ['json of missing is null', '{{json .Nope}}', 'null'],
  ['json of a string with newline', '{{json .}}', '"a\\nb"', 'a\nb'],
  ['join', '{{join .Args ","}}', '-g,daemon off;'],
  ['split', '{{split "a,b,c" ","}}', '[a b c]'],
  ['split then index', '{{index (split .Name "/") 1}}', 'web'],
  ['lower upper', '{{lower "ABC"}} {{upper .Name}}', 'abc /WEB'],
  ['title', '{{title "hello wide-world"}}', 'Hello Wide-World'],
  ['pad', '[{{pad "x" 2 1}}][{{pad "" 2 1}}]', '[  x ][]'],
  ['truncate', '{{truncate .Id 12}} {{truncate "ab" 5}}', '3f2a9c1b7d4e ab'],
  ['trimmed leading slash', '{{slice .Name 1}}', 'web'],
  // define / template / block
  ['define and template', '{{define "t"}}[{{.}}]{{end}}{{template "t" .Name}}', '[/web]'],
  ['block', '{{block "b" .State.Status}}<{{.}}>{{end}}', '<running>'],
  ['template without data', '{{define "t"}}{{.}}{{end}}{{template "t"}}', '<no value>'],
  // multi-line actions
  ['newlines inside actions', '{{if\n .State.Running\n}}up{{end}}', 'up'],
]

describe('compile', () => {
  for (const [name, src, want, data] of cases) {
    it(name, () => assert.equal(render(src, data === undefined ? container : data), want))
  }
  it('has enough cases to mean something', () => assert.ok(cases.length >= 60))
  it('renders many rows with one compiled template', () => {
    const row = compile('{{.ID}}\t{{.Names}}')
    assert.deepEqual([{ ID: 'a', Names: 'x' }, { ID: 'b', Names: 'y' }].map(row), ['a\tx', 'b\ty'])
  })
})

const parseErrors: [src: string, want: string][] = [
  ['{{foo .}}', 'template parsing error: template: :1: function "foo" not defined'],
  ['{{if .A}}x', 'template parsing error: template: :1: unexpected EOF'],
  ['{{end}}', 'template parsing error: template: :1: unexpected {{end}}'],
  ['{{else}}', 'template parsing error: template: :1: unexpected {{else}}'],
  ['{{.A', 'template parsing error: template: :1: unclosed action'],
  ['{{$x}}', 'template parsing error: template: :1: undefined variable "$x"'],
  ['{{}}', 'template parsing error: template: :1: missing value for command'],
  ['{{if}}{{end}}', 'template parsing error: template: :1: missing value for if'],
  ['{{break}}', 'template parsing error: template: :1: {{break}} outside {{range}}'],
  ['{{"abc}}', 'template parsing error: template: :1: unterminated quoted string'],
  ['a\n{{/* x }}', 'template parsing error: template: :2: unclosed comment'],
  ['{{(.A}}', 'template parsing error: template: :1: unclosed left paren'],
  ['{{.A | "x"}}', 'template parsing error: template: :1: non executable command in pipeline stage 2'],
  ['{{$a, $b := .}}', 'template parsing error: template: :1: too many declarations in command'],
  ['line\n\n{{nope}}', 'template parsing error: template: :3: function "nope" not defined'],
]

describe('compile parse errors', () => {
  for (const [src, want] of parseErrors) {
    it(src, () => {
      assert.throws(() => compile(src), (e: unknown) => {
        assert.ok(e instanceof BerthError)
        assert.equal(e.kind, 'invalid')
        assert.equal(e.message, want)
        return true
      })
    })
  }
  it('variables end with their block', () => {
    assert.throws(() => compile('{{if 1}}{{$x := 1}}{{end}}{{$x}}'), /undefined variable "\$x"/)
  })
})

const execErrors: [src: string, want: string, data?: unknown][] = [
  ['{{.State.Health.Status}}', 'template: :1:2: executing "" at <.State.Health.Status>: nil pointer evaluating interface {}.Status'],
  ['{{.Name.First}}', 'template: :1:2: executing "" at <.Name.First>: can\'t evaluate field First in type string'],
  ['{{index .Args 5}}', 'template: :1:2: executing "" at <index .Args 5>: error calling index: index out of range: 5'],
  ['{{len .State.Pid}}', 'template: :1:2: executing "" at <len .State.Pid>: error calling len: len of type int'],
  ['{{eq .Name 1}}', 'template: :1:2: executing "" at <eq .Name 1>: error calling eq: incompatible types for comparison'],
  ['{{lt true false}}', 'template: :1:2: executing "" at <lt true false>: error calling lt: invalid type for comparison'],
  ['{{upper}}', 'template: :1:2: executing "" at <upper>: wrong number of args for upper: want 1 got 0'],
  ['{{upper .State.Pid}}', 'template: :1:8: executing "" at <.State.Pid>: wrong type for value; expected string; got int'],
  ['{{join .Mounts ","}}', 'template: :1:7: executing "" at <.Mounts>: wrong type for value; expected []string; got []interface {}'],
  ['{{range .Name}}{{end}}', 'template: :1:8: executing "" at <.Name>: range can\'t iterate over /web'],
  ['{{nil}}', 'template: :1:2: executing "" at <nil>: nil is not a command'],
  ['{{.Name 1}}', 'template: :1:2: executing "" at <.Name>: Name is not a method but has arguments'],
  ['{{template "nope"}}', 'template: :1:11: executing "" at <{{template "nope"}}>: no such template "nope"'],
  ['x\n  {{.A.B.C}}', 'template: :2:4: executing "" at <.A.B.C>: nil pointer evaluating interface {}.C', { A: { B: null } }],
]

describe('compile execution errors', () => {
  for (const [src, want, data] of execErrors) {
    it(src, () => {
      assert.throws(() => render(src, data === undefined ? container : data), (e: unknown) => {
        assert.ok(e instanceof BerthError)
        assert.equal(e.kind, 'invalid')
        assert.equal(e.message, want)
        return true
      })
    })
  }
  it('missingkey=error reports the key, as docker inspect does on raw JSON', () => {
    assert.throws(() => compile('{{.Nope}}', { missingKey: 'error' })(container), /map has no entry for key "Nope"/)
  })
})
