import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** Servers still running when the test process ends (a test that timed out) end with it. */
const running = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

export interface ServerProcess {
  child: ChildProcess
  url: string
  /** Every JSON log line so far, parsed. */
  logs: Record<string, unknown>[]
  /** What the process wrote to stderr so far (an uncaught exception lands here). */
  stderr: () => string
  exited: Promise<number | null>
}

/**
 * Starts the server as `npm start` does (the compiled `build/http.js`), or as `npm run dev` does (the
 * TypeScript sources through tsx) when `NODE_ENV` is development, and waits until it listens (or exits).
 */
export function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const entry = env.NODE_ENV === 'development' ? ['--import', 'tsx', 'server/http.ts'] : ['--enable-source-maps', 'build/http.js']
  const child = spawn(process.execPath, entry, {
    cwd: root,
    env: { PATH: process.env.PATH, NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const logs: Record<string, unknown>[] = []
  let stderr = ''
  running.add(child)
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      running.delete(child)
      resolve(code)
    }),
  )
  return new Promise((resolve, reject) => {
    let buffered = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString()
      const lines = buffered.split('\n')
      buffered = lines.pop() ?? ''
      for (const line of lines) {
        // The server logs JSON; Vite (in development) may print its own lines.
        if (!line.startsWith('{')) continue
        const entry = JSON.parse(line) as Record<string, unknown>
        logs.push(entry)
        if (typeof entry.msg === 'string' && entry.msg.startsWith('listening on')) {
          resolve({ child, url: `http://127.0.0.1:${entry.port}`, logs, stderr: () => stderr, exited })
        }
      }
    })
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    void exited.then((code) => reject(Object.assign(new Error(`server exited with ${code}: ${stderr}`), { code, stderr })))
  })
}

export async function stopServerProcess(server: ServerProcess): Promise<number | null> {
  server.child.kill('SIGTERM')
  return server.exited
}
