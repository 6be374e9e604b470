// Validates our JSON responses against Docker's published API description (Swagger 2.0),
// loaded read-only from <repo>/../shared/fixtures/docker-api/v<version>.yaml (override the
// directory with BERTH_DOCKER_API_DIR). A small validator for the subset Docker's file uses:
// $ref, allOf, object properties/required/additionalProperties, arrays, primitive types,
// enums and x-nullable. Each mismatch is reported with its JSON path ($.State.Pid).
//
// Null: Go encodes nil slices, maps and pointers as null, and Docker's file rarely says so.
// By default null is accepted for arrays and objects unless the schema says x-nullable: false,
// and for primitives only with x-nullable: true. `strictNull` requires x-nullable everywhere.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

export interface Schema {
  $ref?: string
  type?: 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object' | 'file'
  properties?: Record<string, Schema>
  additionalProperties?: Schema | boolean
  required?: string[]
  items?: Schema
  allOf?: Schema[]
  enum?: unknown[]
  'x-nullable'?: boolean
}

interface Operation {
  responses?: Record<string, { schema?: Schema; headers?: Record<string, unknown> }>
}

export interface Spec {
  version: string
  paths: Record<string, Record<string, Operation>>
  definitions: Record<string, Schema>
}

export interface SchemaMismatch {
  path: string
  message: string
}

export interface ValidateOptions {
  strictNull?: boolean
}

const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
export const apiFixturesDir = (): string =>
  process.env.BERTH_DOCKER_API_DIR ?? join(repoRoot, '..', 'shared', 'fixtures', 'docker-api')

const cache = new Map<string, Spec>()

export function loadSpec(version = '1.47'): Spec {
  let spec = cache.get(version)
  if (!spec) {
    const file = join(apiFixturesDir(), `v${version}.yaml`)
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch (e) {
      throw new Error(`Docker API description v${version} not found at ${file} (set BERTH_DOCKER_API_DIR): ${(e as Error).message}`)
    }
    const doc = parse(text) as Omit<Spec, 'version'>
    spec = { version, paths: doc.paths, definitions: doc.definitions }
    cache.set(version, spec)
  }
  return spec
}

/** The response schema of an operation; null when that status is documented without a body. */
export function responseSchema(spec: Spec, method: string, pathTemplate: string, status: number): Schema | null {
  const template = pathTemplate.replace(/\{(\w+)\*\}/g, '{$1}') // our greedy {name*} is Docker's {name}
  const op = spec.paths[template]?.[method.toLowerCase()]
  if (!op) throw new Error(`v${spec.version} has no operation ${method.toUpperCase()} ${template}`)
  const resp = op.responses?.[String(status)] ?? op.responses?.default
  if (!resp) throw new Error(`v${spec.version} ${method.toUpperCase()} ${template} does not document status ${status}`)
  return resp.schema ?? null
}

/** Names of the headers documented for a response (e.g. Api-Version on /_ping). */
export function responseHeaders(spec: Spec, method: string, pathTemplate: string, status: number): string[] {
  const op = spec.paths[pathTemplate.replace(/\{(\w+)\*\}/g, '{$1}')]?.[method.toLowerCase()]
  return Object.keys(op?.responses?.[String(status)]?.headers ?? {})
}

/** Mismatches between `body` and the documented response; empty when it conforms. */
export function validateResponse(
  method: string,
  pathTemplate: string,
  status: number,
  body: unknown,
  version = '1.47',
  opts: ValidateOptions = {},
): SchemaMismatch[] {
  const spec = loadSpec(version)
  const schema = responseSchema(spec, method, pathTemplate, status)
  if (schema === null) {
    return body === undefined || body === '' ? [] : [{ path: '$', message: `status ${status} has no body, got ${kindOf(body)}` }]
  }
  return validate(spec, schema, body, opts)
}

export function validate(spec: Spec, schema: Schema, value: unknown, opts: ValidateOptions = {}): SchemaMismatch[] {
  const out: SchemaMismatch[] = []
  check(spec, schema, value, '$', opts, out)
  return out
}

function resolve(spec: Spec, schema: Schema): Schema {
  let s = schema
  for (let depth = 0; s.$ref; depth++) {
    const m = /^#\/definitions\/(.+)$/.exec(s.$ref)
    const target = m ? spec.definitions[m[1]] : undefined
    if (!target || depth > 32) throw new Error(`unresolvable $ref ${s.$ref}`)
    // x-nullable written beside a $ref applies to the reference
    s = s['x-nullable'] === undefined ? target : { ...target, 'x-nullable': s['x-nullable'] }
  }
  return s
}

function kindOf(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'array'
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number'
  return typeof v
}

const childPath = (path: string, key: string) => (/^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`)

function isNullAllowed(s: Schema, opts: ValidateOptions): boolean {
  if (s['x-nullable'] !== undefined) return s['x-nullable']
  if (opts.strictNull) return false
  const structured = s.type === 'array' || s.type === 'object' || s.properties !== undefined || s.allOf !== undefined
  return structured || s.type === undefined
}

function check(spec: Spec, raw: Schema, value: unknown, path: string, opts: ValidateOptions, out: SchemaMismatch[]): void {
  const s = resolve(spec, raw)
  if (value === null) {
    if (!isNullAllowed(s, opts)) out.push({ path, message: `expected ${s.type ?? 'a value'}, got null` })
    return
  }
  for (const part of s.allOf ?? []) check(spec, part, value, path, opts, out)
  if (s.enum && !s.enum.includes(value)) {
    out.push({ path, message: `expected one of ${JSON.stringify(s.enum)}, got ${JSON.stringify(value)}` })
  }
  const type = s.type ?? (s.properties || s.additionalProperties !== undefined ? 'object' : undefined)
  switch (type) {
    case undefined:
    case 'file':
      return
    case 'string':
    case 'boolean':
      if (typeof value !== type) out.push({ path, message: `expected ${type}, got ${kindOf(value)}` })
      return
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) out.push({ path, message: `expected integer, got ${kindOf(value)}` })
      return
    case 'number':
      if (typeof value !== 'number') out.push({ path, message: `expected number, got ${kindOf(value)}` })
      return
    case 'array':
      if (!Array.isArray(value)) return void out.push({ path, message: `expected array, got ${kindOf(value)}` })
      if (s.items) value.forEach((item, i) => check(spec, s.items!, item, `${path}[${i}]`, opts, out))
      return
    case 'object':
      if (typeof value !== 'object' || Array.isArray(value)) return void out.push({ path, message: `expected object, got ${kindOf(value)}` })
      checkObject(spec, s, value as Record<string, unknown>, path, opts, out)
  }
}

function checkObject(spec: Spec, s: Schema, value: Record<string, unknown>, path: string, opts: ValidateOptions, out: SchemaMismatch[]) {
  for (const key of s.required ?? []) {
    if (!(key in value)) out.push({ path: childPath(path, key), message: 'required property is missing' })
  }
  for (const [key, v] of Object.entries(value)) {
    const prop = s.properties?.[key]
    if (prop) check(spec, prop, v, childPath(path, key), opts, out)
    else if (typeof s.additionalProperties === 'object') check(spec, s.additionalProperties, v, childPath(path, key), opts, out)
    else if (s.additionalProperties === false) out.push({ path: childPath(path, key), message: 'property is not allowed' })
  }
}

/** Formats mismatches one per line, for assertion messages. */
export const formatMismatches = (ms: SchemaMismatch[]): string => ms.map((m) => `${m.path}: ${m.message}`).join('\n')
