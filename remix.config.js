/**
 * Remix's options. vite.config.ts hands them to Remix's Vite plugin, which does the build: the classic
 * compiler cannot parse the import attributes in CopilotKit's UI packages (docs/decisions/001).
 * Route files follow the flat-routes convention (app/routes.ts).
 *
 * @type {import('@remix-run/dev').VitePluginConfig}
 */
export default {
  appDirectory: 'app',
  buildDirectory: 'build',
  serverModuleFormat: 'esm',
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_singleFetch: true,
    v3_lazyRouteDiscovery: true,
    v3_routeConfig: true,
  },
}
