// Go's json.Indent over raw bytes: re-indents the daemon's JSON without re-encoding it, so
// numbers, escapes and key order stay exactly as the daemon sent them (docker inspect's output).

export function indentJson(src: string, indent = '    '): string {
  let out = ''
  let depth = 0
  let needIndent = false
  const newline = () => '\n' + indent.repeat(depth)
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') continue
    if (needIndent && c !== ']' && c !== '}') {
      needIndent = false
      depth++
      out += newline()
    }
    if (c === '"') {
      let j = i + 1
      while (j < src.length && src[j] !== '"') j += src[j] === '\\' ? 2 : 1
      out += src.slice(i, j + 1)
      i = j
      continue
    }
    switch (c) {
      case '{':
      case '[':
        out += c
        needIndent = true
        break
      case ',':
        out += c + newline()
        break
      case ':':
        out += ': '
        break
      case '}':
      case ']':
        if (needIndent) needIndent = false
        else {
          depth--
          out += newline()
        }
        out += c
        break
      default:
        out += c
    }
  }
  return out
}
