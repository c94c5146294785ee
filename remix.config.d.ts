// The type of remix.config.js for vite.config.ts (the project does not type-check JavaScript: with
// `allowJs`, tsx would also try `.ts` twins of packages' `.js` files and load sources they do not ship).
declare const config: import('@remix-run/dev').VitePluginConfig
export default config
