// validate_json.mjs: JSON reports against src/report/report.schema.json
// with ajv (JSON Schema draft 2020-12, strict mode), and the schema itself
// must reject a document that breaks it, so the check can fail.
// Usage: node validate_json.mjs <node dir> <schema.json> <report.json>...
// (<node dir> holds node_modules from `npm ci`, tests/report/npm_ci.sh)
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const [nodeDir, schemaPath, ...reports] = process.argv.slice(2);
if (!reports.length) {
  console.error('usage: validate_json.mjs <node dir> <schema> <report.json>...');
  process.exit(2);
}
const require = createRequire(join(nodeDir, 'package.json'));
const Ajv2020 = require('ajv/dist/2020').default;

const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')));
let pass = 0, fail = 0;
const ok = () => pass++;
const bad = (msg) => { fail++; console.log(`FAIL: ${msg}`); };

for (const path of reports) {
  const doc = JSON.parse(readFileSync(path, 'utf8'));
  if (validate(doc)) ok();
  else bad(`${path}: ${ajv.errorsText(validate.errors, { separator: '\n  ' })}`);

  // broken copies the schema must refuse
  const broken = [
    ['an unknown top-level field', (d) => { d.extra = 1; }],
    ['a finding without its id', (d) => { if (d.findings.length) delete d.findings[0].id; else d.findings.push({}); }],
    ['a bad severity', (d) => { d.findings_summary.by_severity.error = -1; }],
    ['another schema version', (d) => { d.schema_version = 2; }],
    ['a rule index that is no number', (d) => { d.rules[0].index = 'x'; }],
    ['a bbox of three numbers', (d) => {
      d.findings.push({ ...(d.findings[0] || {}), bbox: [1, 2, 3] });
    }],
  ];
  for (const [what, change] of broken) {
    const copy = structuredClone(doc);
    change(copy);
    if (!validate(copy)) ok(); else bad(`${path}: the schema accepts ${what}`);
  }
}
console.log(`${pass} passed, ${fail} failed`);
process.exit(fail ? 1 : 0);
