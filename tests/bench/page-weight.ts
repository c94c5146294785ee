import { gzipSync } from 'node:zlib'

const gzippedKb = (bytes: number) => +(bytes / 1024).toFixed(1)

async function gzippedBytes(origin: string, paths: string[]): Promise<number> {
  let total = 0
  for (const path of paths) total += gzipSync(Buffer.from(await (await fetch(new URL(path, origin))).arrayBuffer())).length
  return total
}

/**
 * Gzipped bytes of a page's HTML and of the CSS and JavaScript it loads (stylesheets and module
 * preloads), and of what its lazy imports would add (the copilot): the files Vite lists for a module's
 * dynamic imports (`__vite__mapDeps`) that the page has not loaded already.
 */
export async function pageWeight(url: string, headers: Record<string, string>) {
  const html = await (await fetch(url, { headers })).text()
  const origin = new URL(url).origin
  const assets = (pattern: RegExp) => [...new Set([...html.matchAll(pattern)].map((match) => match[1]!))]
  const css = assets(/<link rel="stylesheet" href="([^"]+\.css)"/g)
  const js = assets(/<link rel="modulepreload" href="([^"]+\.js)"/g)
  const loaded = new Set([...css, ...js])
  const lazy = new Set<string>()
  for (const path of js) {
    const source = await (await fetch(new URL(path, origin))).text()
    const deps = /m\.f=(\[[^\]]*\])/.exec(source)?.[1]
    if (!deps) continue
    for (const dep of JSON.parse(deps) as string[]) if (!loaded.has(`/${dep}`)) lazy.add(`/${dep}`)
  }
  const lazyFiles = [...lazy]
  return {
    htmlKb: gzippedKb(gzipSync(Buffer.from(html)).length),
    cssKb: gzippedKb(await gzippedBytes(origin, css)),
    jsKb: gzippedKb(await gzippedBytes(origin, js)),
    jsFiles: js.length,
    lazyJsKb: gzippedKb(await gzippedBytes(origin, lazyFiles.filter((file) => file.endsWith('.js')))),
    lazyCssKb: gzippedKb(await gzippedBytes(origin, lazyFiles.filter((file) => file.endsWith('.css')))),
  }
}
