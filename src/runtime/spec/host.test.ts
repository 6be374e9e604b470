import { test } from 'node:test'
import assert from 'node:assert/strict'
import { KNOWN_CAPS } from './capabilities.js'
import { hostDevices, loadDefaultSeccomp, parseCapBnd, parseLimits, splitDev } from './host.js'

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units     
Max cpu time              unlimited            unlimited            seconds   
Max stack size            8388608              unlimited            bytes     
Max core file size        0                    unlimited            bytes     
Max processes             96362                96362                processes 
Max open files            20000                20000                files     
Max locked memory         8388608              8388608              bytes     
Max nice priority         0                    0                    
Max realtime timeout      unlimited            unlimited            us        
`

test('parseLimits keys hard limits by Docker ulimit name', () => {
  assert.deepEqual(parseLimits(LIMITS), {
    cpu: 'unlimited', stack: 'unlimited', core: 'unlimited', nproc: 96362, nofile: 20000, memlock: 8388608, nice: 0, rttime: 'unlimited',
  })
})

test('parseCapBnd reads the bounding mask', () => {
  const caps = parseCapBnd('Name:\tx\nCapInh:\t0000000000000000\nCapBnd:\t000001fffeffffff\n')
  assert.equal(caps.length, KNOWN_CAPS.length - 1)
  assert.ok(!caps.includes('CAP_SYS_RESOURCE'))
})

test('splitDev matches glibc for small and large numbers', () => {
  assert.deepEqual(splitDev(0x0103), { major: 1, minor: 3 })
  assert.deepEqual(splitDev((259 << 8) | 5), { major: 259, minor: 5 })
  // major 4095+1 and minor 0x12345 use the high bits
  const dev = (BigInt(4096 & 0xfffff000) << 32n) | (BigInt(0x12345 & 0xffffff00) << 12n) | (BigInt(4096 & 0xfff) << 8n) | BigInt(0x12345 & 0xff)
  assert.deepEqual(splitDev(Number(dev)), { major: 4096, minor: 0x12345 })
})

test('hostDevices lists /dev/null as c 1:3 and skips pts', async () => {
  const devs = await hostDevices()
  assert.deepEqual(devs.find((d) => d.path === '/dev/null'), { path: '/dev/null', type: 'c', major: 1, minor: 3, fileMode: 0o666, uid: 0, gid: 0 })
  assert.ok(!devs.some((d) => d.path.startsWith('/dev/pts/')))
})

test('the installed default profile loads', async () => {
  const p = (await loadDefaultSeccomp()) as { defaultAction: string }
  assert.equal(typeof p.defaultAction, 'string')
})
