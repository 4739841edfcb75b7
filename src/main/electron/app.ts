// The desktop shell: one secure window over the renderer, the engine hosted in this process behind the
// API router. Closing the window while a campaign runs never kills it silently: the user chooses between
// keeping it running in the tray and stopping it.
import { app, dialog, ipcMain, Menu, nativeImage, Notification, Tray, type BrowserWindow } from 'electron';
import { ApiRouter } from '../api/router.js';
import { resolveDataPaths } from '../engine/paths.js';
import { registerIpc } from './ipc.js';
import { campaignNotice, routeScript } from './notify.js';
import { createMainWindow, isAppUrl } from './window.js';

export { secureWebPreferences } from './window.js';

export interface DesktopApp {
  router: ApiRouter;
  window: () => BrowserWindow | null;
}

export async function startDesktopApp(): Promise<DesktopApp | null> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }
  await app.whenReady();
  const paths = resolveDataPaths(undefined);
  const router = new ApiRouter({ db: paths.db, artifacts: paths.artifacts });
  let win: BrowserWindow | null = null;
  let tray: Tray | null = null;
  let quitting = false;
  const outMain = import.meta.dirname;
  const devUrl = process.env.ELECTRON_RENDERER_URL;

  registerIpc(ipcMain, router, (e) => isAppUrl(e.senderFrame?.url ?? '', devUrl), () => win);

  const show = () => {
    if (!win || win.isDestroyed()) win = open();
    win.show();
    win.focus();
  };
  router.subscribe((e) => {
    const notice = campaignNotice(e);
    if (!notice || !Notification.isSupported()) return;
    const n = new Notification({ title: notice.title, body: notice.body });
    n.on('click', () => {
      show();
      void win?.webContents.executeJavaScript(routeScript(notice.route));
    });
    n.show();
  });
  const quit = async () => {
    quitting = true;
    await router.close('the app quit');
    app.quit();
  };
  const toTray = () => {
    if (!tray) {
      tray = new Tray(nativeImage.createEmpty());
      tray.setToolTip('Nightshift: campaigns running');
      tray.setContextMenu(Menu.buildFromTemplate([{ label: 'Show Nightshift', click: show }, { label: 'Stop campaigns and quit', click: () => void quit() }]));
      tray.on('click', show);
    }
    win?.hide();
  };

  function open(): BrowserWindow {
    const w = createMainWindow(outMain);
    w.on('close', (e) => {
      const running = router.activeCampaigns();
      if (quitting || running.length === 0) return;
      e.preventDefault();
      const choice = dialog.showMessageBoxSync(w, {
        type: 'question',
        buttons: ['Keep running in the tray', 'Stop campaigns and quit', 'Cancel'],
        defaultId: 0,
        cancelId: 2,
        message: `${running.length === 1 ? `Campaign ${running[0]} is` : `${running.length} campaigns are`} running.`,
        detail: 'Stopped trials run again when you resume the study.',
      });
      if (choice === 0) toTray();
      else if (choice === 1) void quit();
    });
    return w;
  }

  app.on('second-instance', show);
  app.on('window-all-closed', () => {
    if (router.activeCampaigns().length === 0) void quit();
  });
  app.on('before-quit', (e) => {
    if (quitting) return;
    e.preventDefault();
    void quit();
  });
  win = open();
  return { router, window: () => win };
}
