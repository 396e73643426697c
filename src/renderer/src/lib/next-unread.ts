/**
 * Alt+Shift+↑/↓: the nearest conversation above or below the open one, in
 * the list's order, that has unread messages. No wrapping, like Alt+↑/↓:
 * at the end of the list nothing happens. With nothing open, ↓ finds the
 * first from the top and ↑ the first from the bottom.
 */
export function nextUnread(ids: readonly string[], current: string | null, direction: 1 | -1, hasUnread: (id: string) => boolean): string | null {
  const at = current === null ? -1 : ids.indexOf(current)
  const from = at === -1 ? (direction === 1 ? 0 : ids.length - 1) : at + direction
  for (let index = from; index >= 0 && index < ids.length; index += direction) {
    const id = ids[index] as string
    if (id !== current && hasUnread(id)) return id
  }
  return null
}
