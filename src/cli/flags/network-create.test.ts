import assert from 'node:assert/strict'
import { test } from 'node:test'
import { networkCreateBody, networkCreateFlags, parseNetworkCreate } from './network-create.js'
import { parseFlags } from './parser.js'

const body = (argv: string[]) => networkCreateBody(parseNetworkCreate(parseFlags(argv, networkCreateFlags)))

// Both bodies as docker 28.2.2 sent them (JSON text, so the key order is checked too).
test('network create body: defaults', () => {
  assert.equal(JSON.stringify(body(['foo'])),
    '{"Driver":"bridge","Scope":"","IPAM":{"Driver":"default","Options":{},"Config":[]},"Internal":false,"Attachable":false,' +
    '"Ingress":false,"ConfigOnly":false,"ConfigFrom":null,"Options":{},"Labels":{},"Name":"foo"}')
})

test('network create body: every flag', () => {
  const argv = ['-d', 'macvlan', '--subnet', '10.1.0.0/16', '--subnet', '10.2.0.0/16,fd00::/64', '--gateway', '10.2.0.1',
    '--ip-range', '10.1.1.0/24', '--aux-address', 'a=10.1.0.5', '--aux-address', 'b=fd00::5', '--internal', '--attachable',
    '--label', 'x=1', '--label', 'y', '-o', 'com.k=v', '--ipam-driver', 'foo', '--ipam-opt', 'q=r', '--ipv6', '--ipv4=false',
    '--scope', 'local', '--config-from', 'base', '--config-only', '--ingress', 'n2']
  assert.equal(JSON.stringify(body(argv)),
    '{"Driver":"macvlan","Scope":"local","EnableIPv4":false,"EnableIPv6":true,"IPAM":{"Driver":"foo","Options":{"q":"r"},' +
    '"Config":[{"Subnet":"10.1.0.0/16","IPRange":"10.1.1.0/24","AuxiliaryAddresses":{"a":"10.1.0.5"}},' +
    '{"Subnet":"10.2.0.0/16","Gateway":"10.2.0.1"},{"Subnet":"fd00::/64","AuxiliaryAddresses":{"b":"fd00::5"}}]},' +
    '"Internal":true,"Attachable":true,"Ingress":true,"ConfigOnly":true,"ConfigFrom":{"Network":"base"},' +
    '"Options":{"com.k":"v"},"Labels":{"x":"1","y":""},"Name":"n2"}')
})

test('--ipv4/--ipv6 are sent only when given', () => {
  assert.equal(body(['--ipv6=false', 'n']).EnableIPv6, false)
  assert.equal('EnableIPv4' in body(['--ipv6=false', 'n']), false)
})

test('labels are checked at flag time', () => {
  assert.throws(() => parseFlags(['--label', '=x', 'n'], networkCreateFlags), /invalid argument "=x" for "--label" flag: invalid label '=x': empty name/)
  assert.throws(() => parseFlags(['--label', 'a b=c', 'n'], networkCreateFlags), /label 'a b' contains whitespaces/)
})
