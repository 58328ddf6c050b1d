import { useState } from 'react';
import type { ListPage } from '../../api/contract';
import { useLoaded, type Loaded } from '../../shared/backend';

/**
 * Next and Previous over a cursor-paged list: the backend pages forward only,
 * so the cursors that led to the current page are remembered, and a change
 * of `key` (other filters) starts again at the first page.
 */
export function useCursorPages<T>(load: (startingAfter: string | undefined) => Promise<ListPage<T>>, key: string) {
  const [pages, setPages] = useState<{ key: string; cursors: Array<string | undefined> }>({ key, cursors: [undefined] });
  const cursors = pages.key === key ? pages.cursors : [undefined];
  const current = cursors[cursors.length - 1];
  const { loaded, reload } = useLoaded(() => load(current), `${key}|${cursors.length}|${current ?? ''}`);
  const nextCursor = loaded.state === 'ready' && loaded.data.has_more ? loaded.data.next_cursor : null;
  return {
    loaded: loaded as Loaded<ListPage<T>>,
    reload,
    page: cursors.length,
    next: nextCursor ? () => setPages({ key, cursors: [...cursors, nextCursor] }) : null,
    previous: cursors.length > 1 ? () => setPages({ key, cursors: cursors.slice(0, -1) }) : null,
  };
}
