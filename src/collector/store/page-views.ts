/**
 * Which stored hits are calls of their endpoint: page views (GA4 `page_view`, UA `pageview`).
 * Other events (`scroll`, `file_download`, UA `event`, `timing`, ...) are stored as events of
 * their page and listed with the hits, but add nothing to the usage counts or rollups.
 */
export const PAGE_VIEW_EVENTS: readonly string[] = ['page_view', 'pageview'];

/** The same rule as a SQL condition on the `hits` table. */
export const IS_PAGE_VIEW_SQL = `event_name IN (${PAGE_VIEW_EVENTS.map((name) => `'${name}'`).join(', ')})`;

export function isPageView(eventName: string): boolean {
  return PAGE_VIEW_EVENTS.includes(eventName);
}
