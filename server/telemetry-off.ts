/*
 * CopilotKit reports usage to a third party unless told not to. Imported first by every entry point,
 * before any CopilotKit module reads the variable; the npm scripts set it too.
 */
process.env.COPILOTKIT_TELEMETRY_DISABLED = 'true'
