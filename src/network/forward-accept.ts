// Living next to another engine's firewall: Docker sets the iptables FORWARD policy to DROP, and a
// drop in any table's forward hook wins over berth's own accept. Then each berth bridge gets two
// ACCEPT rules there — its containers' traffic out, and replies or published-port traffic in —
// tagged so that only rules berth added are ever removed. Nothing is added while the policy is ACCEPT.
// ip6tables gets the same for the bridges of --ipv6 networks (Docker sets its policy to DROP too).
import { run } from '../sys/exec.js'

const TAG = 'berth'

const specs = (bridge: string) => [
  ['-i', bridge, '-m', 'comment', '--comment', TAG, '-j', 'ACCEPT'],
  ['-o', bridge, '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED,DNAT', '-m', 'comment', '--comment', TAG, '-j', 'ACCEPT'],
]

/** `-A FORWARD <spec>` lines as iptables -S prints them, without the chain word. */
const key = (words: readonly string[]) => words.join(' ')

export async function syncForwardAccepts(tool: 'iptables' | 'ip6tables', bridges: readonly string[]): Promise<void> {
  const listed = await run(tool, ['-w', '-S', 'FORWARD']).catch(() => undefined)
  if (listed?.code !== 0) return // no iptables here: nothing to live next to
  const lines = listed.stdout.split('\n')
  const drops = lines.includes('-P FORWARD DROP')
  const ours = lines.filter((l) => l.startsWith('-A FORWARD ') && l.includes(`--comment ${TAG} `)).map((l) => l.slice('-A FORWARD '.length))
  const wanted = drops ? bridges.flatMap(specs) : []
  const wantedKeys = new Set(wanted.map(key))
  for (const rule of ours) if (!wantedKeys.has(rule)) await run(tool, ['-w', '-D', 'FORWARD', ...rule.split(' ')])
  const have = new Set(ours)
  for (const spec of wanted) if (!have.has(key(spec))) await run(tool, ['-w', '-I', 'FORWARD', '1', ...spec])
}
