/** Minutes after local midnight (quiet hours) as an `<input type="time">` value ("07:30") and back. */
export function minutesToTime(minutes: number): string {
  const clamped = Math.min(1_439, Math.max(0, Math.round(minutes)))
  return `${String(Math.floor(clamped / 60)).padStart(2, '0')}:${String(clamped % 60).padStart(2, '0')}`
}

/** Null for anything that is not HH:MM within a day (an emptied field). */
export function timeToMinutes(value: string): number | null {
  const match = /^(\d{1,2}):(\d{2})(?::\d{2})?$/.exec(value)
  if (match === null) return null
  const hours = Number(match[1])
  const minutes = Number(match[2])
  if (hours > 23 || minutes > 59) return null
  return hours * 60 + minutes
}
