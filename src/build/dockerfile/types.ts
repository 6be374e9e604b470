// The parsed form of a Dockerfile, shared by the parser (build/dockerfile/) and the builder
// (build/). The parser keeps words unexpanded: variables are expanded by the builder step by
// step, because ARG and ENV change what they mean as the file goes on.

export interface Instruction {
  /** Upper-case keyword: RUN, COPY, … (ONBUILD's trigger is in `trigger`). */
  keyword: string
  /**
   * The arguments. Exec (JSON) form: the array elements. Shell form: one element, the rest of
   * the line after flags (RUN/CMD/ENTRYPOINT/SHELL-less forms), or the whitespace-split words
   * for instructions that take words (COPY, ADD, EXPOSE, VOLUME, ARG, LABEL and ENV pairs …).
   */
  args: string[]
  /** True when written in exec form: `["a", "b"]`. */
  json: boolean
  /** `--from=x`, `--chown=…`, `--chmod=…`, `--interval=…` … by name without dashes. */
  flags: Record<string, string>
  /** ENV and LABEL: key/value pairs in order (both `K=V …` and the legacy `K V` form). */
  pairs?: Array<[string, string]>
  /** ONBUILD: the instruction it carries. */
  trigger?: Instruction
  /** The instruction as written (continuations joined), for history `created_by` and cache keys. */
  original: string
  /** 1-based line where the instruction starts, for error messages. */
  line: number
}

export interface Stage {
  /** `FROM image AS name`, lower-cased; undefined when not named. */
  name?: string
  /** The FROM image word, unexpanded (`${BASE}:1`, `scratch`, `busybox@sha256:…`). */
  base: string
  /** `FROM --platform=…` */
  platform?: string
  /** The FROM instruction itself. */
  from: Instruction
  /** Everything after FROM up to the next FROM. */
  instructions: Instruction[]
}

export interface Dockerfile {
  /** The escape character (`\` or from `# escape=` directive). */
  escape: string
  /** ARG instructions before the first FROM: usable in FROM lines. */
  globalArgs: Instruction[]
  stages: Stage[]
  /**
   * Lines Docker's builder prints to the build output before the first step (empty continuation
   * lines), each without its newline; absent when there are none.
   */
  warnings?: string[]
}
