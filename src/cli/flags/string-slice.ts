// pflag's StringSlice flags (`--subnet a,b --subnet c`): every value is one CSV record, read with
// Go's encoding/csv, and the records are concatenated. An empty value adds nothing.

/** One CSV record: commas separate fields, double quotes wrap a field ("" is a quote). */
export function csvFields(value: string): string[] {
  if (value === '') return []
  const fields: string[] = []
  let i = 0
  for (;;) {
    let field = ''
    if (value[i] === '"') {
      i++
      for (;;) {
        const q = value.indexOf('"', i)
        if (q < 0) throw new Error(`parse error on line 1, column ${value.length + 1}: extraneous or missing " in quoted-field`)
        field += value.slice(i, q)
        i = q + 1
        if (value[i] === '"') {
          field += '"'
          i++
          continue
        }
        break
      }
      if (i < value.length && value[i] !== ',') throw new Error(`parse error on line 1, column ${i + 1}: extraneous or missing " in quoted-field`)
    } else {
      const comma = value.indexOf(',', i)
      const end = comma < 0 ? value.length : comma
      field = value.slice(i, end)
      const quote = field.indexOf('"')
      if (quote >= 0) throw new Error(`parse error on line 1, column ${i + quote + 1}: bare " in non-quoted-field`)
      i = end
    }
    fields.push(field)
    if (i >= value.length) return fields
    i++ // the comma
    if (i === value.length) {
      fields.push('')
      return fields
    }
  }
}

/** Every value of a repeated StringSlice flag, in order. */
export const stringSlice = (values: readonly string[]): string[] => values.flatMap(csvFields)

/** A flag `check` for StringSlice flags: the CSV error is pflag's reason. */
export const checkCsv = (value: string): void => void csvFields(value)
