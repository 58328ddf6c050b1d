/** How every answer is framed: a page of a list, and an error. */

export interface ListPage<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  /** Pass as `starting_after` for the next page. */
  next_cursor: string | null;
}

export interface ApiErrorBody {
  error: { type: string; message: string; param?: string; code?: string };
}
