// Docker's list order for networks and volumes: names sorted "naturally" (fvbommel/sortorder),
// so `net2` comes before `net10`; digit runs compare as numbers, bytes otherwise.
const isDigit = (c: number) => c >= 0x30 && c <= 0x39

/** sortorder.NaturalLess over UTF-8 bytes: digit runs compare as numbers, digits before others. */
export function naturalLess(a: string, b: string): boolean {
  const s1 = Buffer.from(a)
  const s2 = Buffer.from(b)
  let i = 0
  let j = 0
  while (i < s1.length && j < s2.length) {
    const c1 = s1[i]!
    const c2 = s2[j]!
    const d1 = isDigit(c1)
    if (d1 !== isDigit(c2)) return d1
    if (!d1) {
      if (c1 !== c2) return c1 < c2
      i++
      j++
      continue
    }
    while (i < s1.length && s1[i] === 0x30) i++
    while (j < s2.length && s2[j] === 0x30) j++
    const nz1 = i
    const nz2 = j
    while (i < s1.length && isDigit(s1[i]!)) i++
    while (j < s2.length && isDigit(s2[j]!)) j++
    if (i - nz1 !== j - nz2) return i - nz1 < j - nz2
    const cmp = Buffer.compare(s1.subarray(nz1, i), s2.subarray(nz2, j))
    if (cmp !== 0) return cmp < 0
    if (nz1 !== nz2) return nz1 < nz2
  }
  return s1.length < s2.length
}

export const byNaturalName = (x: { Name: string }, y: { Name: string }): number =>
  naturalLess(x.Name, y.Name) ? -1 : naturalLess(y.Name, x.Name) ? 1 : 0
