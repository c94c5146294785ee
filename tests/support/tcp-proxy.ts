import { type AddressInfo, connect, createServer, type Socket } from 'node:net'

/**
 * A TCP proxy in front of Postgres that a test can take down and bring back: down, it drops every
 * open connection and refuses new ones, as a stopped or failing-over database does. `onClientData`
 * sees each chunk the app writes to Postgres, as it arrives.
 */
export async function startTcpProxy(target: { host: string; port: number }, { onClientData }: { onClientData?: (chunk: Buffer) => void } = {}) {
  const sockets = new Set<Socket>()
  const track = (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  }
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host)
    track(client)
    track(upstream)
    if (onClientData) client.on('data', onClientData)
    client.pipe(upstream).pipe(client)
    client.on('error', () => upstream.destroy())
    upstream.on('error', () => client.destroy())
  })
  const listen = (port: number) => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  await listen(0)
  const { port } = server.address() as AddressInfo
  return {
    port,
    async down() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      for (const socket of sockets) socket.destroy()
      await closed
    },
    up: () => listen(port),
    close() {
      for (const socket of sockets) socket.destroy()
      return new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()))
    },
  }
}
