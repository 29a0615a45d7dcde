// Bundle src/ with esbuild and minify with terser into one liveinsight-tracker.js,
// which Django serves as a static file.
import { build } from 'esbuild'
import { writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { minify } from 'terser'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const out = resolve(root, '..', 'django_app', 'dashboard', 'static', 'liveinsight-tracker.js')

const bundle = await build({
  entryPoints: [resolve(root, 'src', 'index.js')],
  bundle: true,
  format: 'iife',
  target: ['es2019'],
  write: false,
})
const { code } = await minify(bundle.outputFiles[0].text, {
  ecma: 2019,
  toplevel: true,
  compress: { passes: 3, unsafe: true, unsafe_arrows: true, pure_getters: true },
  mangle: { toplevel: true },
})
writeFileSync(out, code)
console.log(`built ${out}`)
