/** The green/grey dot, with its meaning as the accessible name and the hover tooltip. */
export function PresenceDot({ online, label }: { online: boolean; label: string }) {
  return (
    <span
      className={online ? 'presence presence--online' : 'presence'}
      data-testid="presence"
      data-online={online ? 'true' : 'false'}
      role="img"
      aria-label={label}
      title={label}
    />
  )
}
