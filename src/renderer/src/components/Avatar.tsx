/** Initials on a colour derived from the id; decorative (the name is always written next to it). */
import { memo } from 'react'
import { AVATAR_TEXT, avatarColour } from '../lib/avatar-colour'
import { hueOf, initialsOf } from '../lib/names'

export const Avatar = memo(function Avatar({ id, name, size = 40 }: { id: string; name: string; size?: number }) {
  return (
    <span className="avatar" aria-hidden="true" style={{ width: size, height: size, fontSize: size * 0.4, background: avatarColour(hueOf(id)), color: AVATAR_TEXT }}>
      {initialsOf(name)}
    </span>
  )
})
