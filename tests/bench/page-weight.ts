import { gzipSync } from 'node:zlib'

const gzippedKb = (bytes: number) => +(bytes / 1024).toFixed(1)

async function gzippedBytes(origin: string, paths: string[]): Promise<number> {
  let total = 0
  for (const path of paths) total += gzipSync(Buffer.from(await (await fetch(new URL(path, origin))).arrayBuffer())).length
  return total
}

/** `import("./x.js")` with the files Vite preloads for it: `__vite__mapDeps([indexes])` into its `m.f` list. */
const dynamicImport = /import\("\.\/([^"]+\.js)"\)(?:\.then\([^)]*\))?,__vite__mapDeps\(\[([\d,]*)\]\)/g

/**
 * Gzipped bytes of a page's HTML and of the CSS and JavaScript it loads (stylesheets and module
 * preloads), and of what each of its lazy imports would add to that: the files Vite lists for the
 * import (`__vite__mapDeps`) that the page has not loaded already. The stage page has two: the inline
 * checks (`stage-validation`, on the first focus in the form) and the copilot (when it is opened).
 */
export async function pageWeight(url: string, headers: Record<string, string>) {
  const html = await (await fetch(url, { headers })).text()
  const origin = new URL(url).origin
  const assets = (pattern: RegExp) => [...new Set([...html.matchAll(pattern)].map((match) => match[1]!))]
  const css = assets(/<link rel="stylesheet" href="([^"]+\.css)"/g)
  const js = assets(/<link rel="modulepreload" href="([^"]+\.js)"/g)
  const loaded = new Set([...css, ...js])
  const lazy = new Map<string, Set<string>>()
  for (const path of js) {
    const source = await (await fetch(new URL(path, origin))).text()
    const deps = /m\.f=(\[[^\]]*\])/.exec(source)?.[1]
    if (!deps) continue
    const files = JSON.parse(deps) as string[]
    for (const [, module, indexes] of source.matchAll(dynamicImport)) {
      const adds = new Set(
        indexes!
          .split(',')
          .map((index) => `/${files[Number(index)]}`)
          .filter((file) => !loaded.has(file)),
      )
      adds.add(new URL(module!, new URL(path, origin)).pathname)
      lazy.set(module!, adds)
    }
  }
  // What the lazy imports `which` picks add together, gzipped.
  const weightOf = async (which: (module: string) => boolean) => {
    const files = [...lazy].filter(([module]) => which(module)).flatMap(([, adds]) => [...adds])
    return {
      jsKb: gzippedKb(await gzippedBytes(origin, [...new Set(files.filter((file) => file.endsWith('.js')))])),
      cssKb: gzippedKb(await gzippedBytes(origin, [...new Set(files.filter((file) => file.endsWith('.css')))])),
    }
  }
  const isInlineChecks = (module: string) => module.startsWith('stage-validation')
  return {
    htmlKb: gzippedKb(gzipSync(Buffer.from(html)).length),
    cssKb: gzippedKb(await gzippedBytes(origin, css)),
    jsKb: gzippedKb(await gzippedBytes(origin, js)),
    jsFiles: js.length,
    inlineChecks: await weightOf(isInlineChecks),
    copilot: await weightOf((module) => !isInlineChecks(module)),
  }
}
