import { gzipSync } from 'node:zlib'

/** Gzipped bytes of a page's HTML and of the CSS and JavaScript it loads (stylesheets and module preloads). */
export async function pageWeight(url: string, headers: Record<string, string>) {
  const html = await (await fetch(url, { headers })).text()
  const origin = new URL(url).origin
  const assets = (pattern: RegExp) => [...new Set([...html.matchAll(pattern)].map((match) => match[1]!))]
  const css = assets(/<link rel="stylesheet" href="([^"]+\.css)"/g)
  const js = assets(/<link rel="modulepreload" href="([^"]+\.js)"/g)
  const gz = async (paths: string[]) => {
    let total = 0
    for (const path of paths) total += gzipSync(Buffer.from(await (await fetch(new URL(path, origin))).arrayBuffer())).length
    return total
  }
  return {
    htmlKb: +(gzipSync(Buffer.from(html)).length / 1024).toFixed(1),
    cssKb: +((await gz(css)) / 1024).toFixed(1),
    jsKb: +((await gz(js)) / 1024).toFixed(1),
    jsFiles: js.length,
  }
}
