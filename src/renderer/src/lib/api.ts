// The renderer's one way to the engine. In the desktop app the preload exposes `window.nightshift`
// (Electron IPC); in a browser (`nightshift serve`) it is HTTP for calls and a WebSocket for events.
// Views call `api.call` and `api.onEvent` and never learn which transport is underneath.
import type { ApiError, ApiEvent, ApiMethod, ApiRequest, ApiResponse, ApiResult, DesktopBridge } from '../../../shared/api.js';

export class ApiCallError extends Error {
  constructor(
    readonly method: string,
    readonly error: ApiError | { code: string; message: string },
  ) {
    super(error.message);
    this.name = 'ApiCallError';
  }
}

export interface ApiClient {
  call<M extends ApiMethod>(method: M, request: ApiRequest<M>): Promise<ApiResponse<M>>;
  onEvent(listener: (e: ApiEvent) => void): () => void;
  /** Native dialogs, only in the desktop app. */
  readonly desktop: Pick<DesktopBridge, 'pickFile' | 'saveExport' | 'saveReportPdf'> | null;
}

function unwrap<M extends ApiMethod>(method: M, r: ApiResult<M>): ApiResponse<M> {
  if (!r.ok) throw new ApiCallError(method, r.error);
  return r.result;
}

function desktopClient(bridge: DesktopBridge): ApiClient {
  return {
    call: async (method, request) => unwrap(method, await bridge.invoke(method, request)),
    onEvent: (l) => bridge.onEvent(l),
    desktop: { pickFile: (k) => bridge.pickFile(k), saveExport: (s, f) => bridge.saveExport(s, f), saveReportPdf: (s) => bridge.saveReportPdf(s) },
  };
}

function httpClient(): ApiClient {
  // The first page load carries ?token=; the server also sets it as a cookie. Drop it from the address bar
  // so it does not end up in screenshots or shared links.
  const params = new URLSearchParams(location.search);
  const token = params.get('token');
  if (token) {
    params.delete('token');
    const rest = params.toString();
    history.replaceState(null, '', location.pathname + (rest ? `?${rest}` : '') + location.hash);
  }
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const listeners = new Set<(e: ApiEvent) => void>();
  let socket: WebSocket | null = null;
  const connect = () => {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    socket = new WebSocket(`${proto}//${location.host}/api/events${token ? `?token=${encodeURIComponent(token)}` : ''}`);
    socket.onmessage = (m) => {
      const e = JSON.parse(String(m.data)) as ApiEvent;
      for (const l of listeners) l(e);
    };
    // The server may restart (or the laptop sleep): reconnect; views also refresh on a timer meanwhile.
    socket.onclose = () => setTimeout(connect, 2000);
  };
  return {
    async call(method, request) {
      const res = await fetch(`/api/${method}`, { method: 'POST', headers, body: JSON.stringify(request), credentials: 'same-origin' });
      let body: unknown;
      try {
        body = await res.json();
      } catch {
        throw new ApiCallError(method, { code: 'transport', message: `${method}: HTTP ${res.status}` });
      }
      const r = body as ApiResult<typeof method> | { ok: false; error: { code: string; message: string } };
      if (!r.ok) throw new ApiCallError(method, r.error);
      return r.result;
    },
    onEvent(l) {
      if (!socket) connect();
      listeners.add(l);
      return () => listeners.delete(l);
    },
    desktop: null,
  };
}

const bridge = (globalThis as { nightshift?: DesktopBridge }).nightshift;
export const api: ApiClient = bridge && typeof bridge.invoke === 'function' ? desktopClient(bridge) : httpClient();
