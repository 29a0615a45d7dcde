// Print the tracker's raw, gzip and brotli sizes; exit 1 over the budget.
import { readFileSync } from 'node:fs'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const BUDGET = 1500 // bytes, minified + gzip
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const code = readFileSync(resolve(root, '..', 'django_app', 'dashboard', 'static', 'liveinsight-tracker.js'))
const gzip = gzipSync(code, { level: 9 }).length
const brotli = brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length
console.log(`liveinsight-tracker.js: raw ${code.length} B, gzip ${gzip} B, brotli ${brotli} B (budget ${BUDGET} B gzip)`)
if (gzip > BUDGET) {
  console.error(`over budget by ${gzip - BUDGET} B`)
  process.exit(1)
}
