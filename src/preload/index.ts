// The preload exposes one narrow object to the page (filled in with the API client by the Desktop work).
import { contextBridge } from 'electron';

contextBridge.exposeInMainWorld('nightshift', { version: '0.1.0' });
