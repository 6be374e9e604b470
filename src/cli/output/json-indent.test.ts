import assert from 'node:assert/strict'
import { test } from 'node:test'
import { indentJson } from './json-indent.js'

test('indents like Go json.Indent with four spaces, keeping raw tokens', () => {
  const raw = '[{"Id":"a","Args":[],"Config":{},"N":1e21,"S":"x\\"y\\u003c","L":[1,{"k":null}]}\n]'
  assert.equal(indentJson(raw), `[
    {
        "Id": "a",
        "Args": [],
        "Config": {},
        "N": 1e21,
        "S": "x\\"y\\u003c",
        "L": [
            1,
            {
                "k": null
            }
        ]
    }
]`)
})
