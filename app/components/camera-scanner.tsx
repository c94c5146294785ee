import { useCallback, useEffect, useRef, useState } from 'react'

/** The part of the browser's Barcode Detection API used here (Chrome on Android, Safari 17+ behind a flag). */
interface BarcodeDetectorLike {
  detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]>
}
type BarcodeDetectorConstructor = new (options: { formats: string[] }) => BarcodeDetectorLike

declare global {
  interface Window {
    BarcodeDetector?: BarcodeDetectorConstructor
  }
}

/** How often a frame is read, and how long the same code held in front of the camera counts as one scan. */
const SCAN_INTERVAL_MS = 200
const SAME_CODE_MS = 4000

/**
 * "Scan with camera": the rear camera and the browser's own QR detector, where both exist; each code
 * read is handed to `onCode` (the check-in form submits it). Without them nothing is shown, and the
 * code is typed. Rendered after hydration only, so the server's page and the first render agree.
 */
export function CameraScanner({ onCode, paused }: { onCode: (code: string) => void; paused: boolean }) {
  const [supported, setSupported] = useState(false)
  const [state, setState] = useState<'off' | 'starting' | 'on'>('off')
  const [problem, setProblem] = useState<string | null>(null)
  const videoRef = useRef<HTMLVideoElement>(null)
  const streamRef = useRef<MediaStream | null>(null)
  // Read by the scanning loop at each frame, without restarting it.
  const latest = useRef({ onCode, paused })
  latest.current = { onCode, paused }

  useEffect(() => {
    setSupported(typeof window.BarcodeDetector === 'function' && typeof navigator.mediaDevices?.getUserMedia === 'function')
  }, [])

  const stop = useCallback(() => {
    for (const track of streamRef.current?.getTracks() ?? []) track.stop()
    streamRef.current = null
    setState('off')
  }, [])
  // The camera goes off when the page is left.
  useEffect(() => stop, [stop])

  useEffect(() => {
    const Detector = window.BarcodeDetector
    if (state !== 'on' || !Detector) return
    const detector = new Detector({ formats: ['qr_code'] })
    let last = { code: '', at: 0 }
    let timer = 0
    let cancelled = false
    const scan = async () => {
      const video = videoRef.current
      if (video && video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && !latest.current.paused) {
        const [found] = await detector.detect(video).catch(() => [])
        const code = found?.rawValue.trim()
        const now = Date.now()
        if (code && !(code === last.code && now - last.at < SAME_CODE_MS)) {
          last = { code, at: now }
          latest.current.onCode(code)
        }
      }
      if (!cancelled) timer = window.setTimeout(scan, SCAN_INTERVAL_MS)
    }
    timer = window.setTimeout(scan, 0)
    return () => {
      cancelled = true
      window.clearTimeout(timer)
    }
  }, [state])

  async function start() {
    setState('starting')
    setProblem(null)
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false })
      streamRef.current = stream
      const video = videoRef.current!
      video.srcObject = stream
      await video.play()
      setState('on')
    } catch (error) {
      stop()
      setProblem(
        error instanceof DOMException && error.name === 'NotAllowedError'
          ? 'The camera was not allowed: type the code, or allow the camera in the browser’s settings.'
          : 'The camera could not be opened: type the code instead.',
      )
    }
  }

  if (!supported) return null
  return (
    <section className="check-in__camera" aria-label="Camera">
      {state === 'off' ? (
        <button type="button" className="button" onClick={start}>
          Scan with camera
        </button>
      ) : (
        <button type="button" className="button" onClick={stop}>
          Stop camera
        </button>
      )}
      {problem ? (
        <p className="errors" role="alert">
          {problem}
        </p>
      ) : null}
      <video
        ref={videoRef}
        className="check-in__video"
        hidden={state === 'off'}
        muted
        playsInline
        aria-label="Camera view: hold the ticket's QR code in front of it"
      />
    </section>
  )
}
