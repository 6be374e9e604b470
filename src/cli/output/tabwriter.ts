// Go's text/tabwriter as docker configures it (minwidth 10, tabwidth 1, padding 3, pad ' ',
// no flags): cells are tab-terminated; a column is as wide as its widest cell plus the padding,
// at least minwidth; the last cell of a line is not padded. Columns are aligned per block of
// consecutive lines that have that column, as Go does.

export interface TabOptions {
  minWidth: number
  padding: number
}

export const DOCKER_TABLE: TabOptions = { minWidth: 10, padding: 3 }

const width = (s: string) => [...s].length

export function tabwrite(text: string, opts: TabOptions = DOCKER_TABLE): string {
  const trailingNewline = text.endsWith('\n')
  const lines = (trailingNewline ? text.slice(0, -1) : text).split('\n').map((l) => l.split('\t'))
  const widths: number[][] = lines.map((cells) => cells.map(() => 0))
  formatColumn(lines, widths, 0, 0, lines.length, opts)
  const out = lines.map((cells, li) => cells.map((c, ci) => (ci < cells.length - 1 ? c.padEnd(c.length + widths[li]![ci]! - width(c)) : c)).join(''))
  return out.join('\n') + (trailingNewline ? '\n' : '')
}

/** Go's recursive block formatting: column `col` for lines [start, end) that have a cell there. */
function formatColumn(lines: string[][], widths: number[][], col: number, start: number, end: number, opts: TabOptions): void {
  let i = start
  while (i < end) {
    if (lines[i]!.length - 1 <= col) {
      i++
      continue
    }
    const blockStart = i
    let w = 0
    while (i < end && lines[i]!.length - 1 > col) {
      w = Math.max(w, width(lines[i]![col]!) + opts.padding)
      i++
    }
    w = Math.max(w, opts.minWidth)
    for (let j = blockStart; j < i; j++) widths[j]![col] = w
    formatColumn(lines, widths, col + 1, blockStart, i, opts)
  }
}
