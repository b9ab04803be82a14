// How a conversation's history is read: a page at a time, newest first (`messages:list` with a cursor).

/** How many messages one page of a conversation holds, as the window asks for them. */
export const HISTORY_PAGE = 100;
