// Electron main entry. Kept thin: window and lifecycle live in ./electron, everything else in the engine.
import { startDesktopApp } from './electron/app.js';

startDesktopApp();
