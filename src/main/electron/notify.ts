// The desktop notification at the end (or pause) of a campaign; clicking it brings the window up on the
// study's morning summary. Pure choices here, Electron calls in app.ts, so the stub-electron test covers both.
import type { ApiEvent } from '../../shared/api.js';

export interface CampaignNotice {
  title: string;
  body: string;
  /** Renderer route the click opens: the study page, scrolled to its summary. */
  route: string;
}

export function summaryRoute(study: string): string {
  return `#/study/${encodeURIComponent(study)}/summary`;
}

export function campaignNotice(e: ApiEvent): CampaignNotice | null {
  if (e.event !== 'study' || e.payload.state === 'running') return null;
  const { study, state, reason } = e.payload;
  return {
    title: `Campaign ${study} ${state === 'finished' ? 'finished' : 'paused'}`,
    body: `${reason ?? ''}${reason ? '. ' : ''}Click for the summary.`,
    route: summaryRoute(study),
  };
}

/** Script that moves the page to `route` (a hash change: the app's own router, no navigation). */
export function routeScript(route: string): string {
  return `location.hash = ${JSON.stringify(route)}`;
}
