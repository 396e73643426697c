/**
 * The group info panel (from the conversation header): the title — renamed
 * in place by the owner or an admin —, the members with presence and roles,
 * each (but me) with "View profile" (ProfileDialog over the panel, where they
 * can be blocked) and a menu of what I may do to them, "Add people", and
 * "Leave group" after a confirmation. A group I left shows who was in it,
 * read-only.
 */
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useShallow } from 'zustand/react/shallow'
import type { ConversationMember } from '../../../shared/ipc'
import { useIntlLocale } from '../hooks/useLocale'
import { useNow } from '../hooks/useNow'
import { canChangeRole, canManage, canRemove, roleOf, successorOf, type Role } from '../lib/group-roles'
import { useConversations } from '../store/conversations'
import { selectMe, useSession } from '../store/session'
import { useUi } from '../store/ui'
import { selectPersonName, useUsers } from '../store/users'
import { actionErrorText, inWords } from './action-error'
import { AddPeopleDialog } from './AddPeopleDialog'
import { Avatar } from './Avatar'
import { ConfirmDialog } from './ConfirmDialog'
import { Dialog } from './Dialog'
import { GroupTitle } from './GroupTitle'
import { LogOutIcon, MoreIcon, UserIcon, UserPlusIcon } from './Icons'
import { Menu, type MenuItem } from './Menu'
import { presenceText } from './presence'
import { PresenceDot } from './PresenceDot'
import { ProfileDialog } from './ProfileDialog'
import { useConversationTitle } from './useConversationTitle'

const noMembers: ConversationMember[] = []

function RoleLabel({ role }: { role: Role }) {
  const { t } = useTranslation()
  if (role === 'member') return null
  return (
    <span className={`role role--${role}`} data-testid="member-role">
      {role === 'owner' ? t('groupInfo.owner') : t('groupInfo.admin')}
    </span>
  )
}

function MemberRow({
  conversationId,
  member,
  myRole,
  me,
  onError,
}: {
  conversationId: string
  member: ConversationMember
  myRole: Role | null
  me: string
  onError(text: string | null): void
}) {
  const { t } = useTranslation()
  const locale = useIntlLocale()
  const now = useNow(60_000)
  const user = useUsers((state) => state.byId[member.userId])
  const name = useUsers(selectPersonName(member.userId, t('common.unknownUser')))
  const [menu, setMenu] = useState<HTMLElement | null>(null)
  const [confirmRemove, setConfirmRemove] = useState<HTMLElement | null>(null)
  const [profile, setProfile] = useState<HTMLElement | null>(null)
  const presence = user === undefined || user.presenceHidden ? null : presenceText(t, user, now, locale)
  const isMe = member.userId === me

  const items: MenuItem[] = []
  if (!isMe && canChangeRole(myRole, member.role)) {
    const role = member.role === 'admin' ? 'member' : 'admin'
    items.push({
      id: role === 'admin' ? 'make-admin' : 'remove-admin',
      label: role === 'admin' ? t('groupInfo.makeAdmin') : t('groupInfo.removeAdmin'),
      onSelect: () => {
        onError(null)
        useConversations
          .getState()
          .setMemberRole(conversationId, member.userId, role)
          .catch((err: unknown) => onError(actionErrorText(t, err)))
      },
    })
  }
  if (!isMe && canRemove(myRole, member.role)) {
    items.push({ id: 'remove-member', label: t('groupInfo.remove'), danger: true, onSelect: () => setConfirmRemove(menu) })
  }

  return (
    <li className="member" data-testid="member" data-user-id={member.userId} data-role={member.role}>
      <span className="person__avatar">
        <Avatar id={member.userId} name={name} size={36} />
        {presence !== null && <PresenceDot online={user?.online ?? false} label={presence} />}
      </span>
      <span className="person__names">
        <bdi className="person__name" dir="auto">
          {name}
          {isMe && ` ${t('groupInfo.you')}`}
        </bdi>
        <span className="person__username">
          {user !== undefined && `@${user.username}`}
          {presence !== null && ` · ${presence}`}
        </span>
      </span>
      <RoleLabel role={member.role} />
      {!isMe && (
        <button
          type="button"
          className="icon-button icon-button--small"
          aria-label={t('groupInfo.viewProfile', { name })}
          title={t('groupInfo.viewProfile', { name })}
          data-testid="view-profile"
          onClick={(event) => setProfile(event.currentTarget)}
        >
          <UserIcon size={16} />
        </button>
      )}
      {items.length > 0 && (
        <button
          type="button"
          className="icon-button icon-button--small"
          aria-haspopup="menu"
          aria-expanded={menu !== null}
          aria-label={t('groupInfo.memberActions', { name })}
          title={t('groupInfo.memberActions', { name })}
          data-testid="member-actions"
          onClick={(event) => {
            const button = event.currentTarget
            setMenu((open) => (open === null ? button : null))
          }}
        >
          <MoreIcon size={16} />
        </button>
      )}
      {profile !== null && <ProfileDialog userId={member.userId} returnFocusTo={profile} onClose={() => setProfile(null)} />}
      {menu !== null && <Menu anchor={menu} label={t('groupInfo.memberActions', { name })} items={items} onClose={() => setMenu(null)} testId="member-menu" />}
      {confirmRemove !== null && (
        <ConfirmDialog
          title={t('groupInfo.removeTitle', { name })}
          confirmLabel={t('groupInfo.removeConfirm')}
          danger
          testId="remove-member-dialog"
          returnFocusTo={confirmRemove}
          onClose={() => setConfirmRemove(null)}
          onConfirm={() => useConversations.getState().removeMember(conversationId, member.userId).catch(inWords(t))}
        >
          <p>{t('groupInfo.removeBody', { name })}</p>
        </ConfirmDialog>
      )}
    </li>
  )
}

function LeaveButton({ conversationId, title, members, me }: { conversationId: string; title: string; members: readonly ConversationMember[]; me: string }) {
  const { t } = useTranslation()
  const [confirming, setConfirming] = useState<HTMLElement | null>(null)
  const owner = roleOf(members, me) === 'owner'
  const successor = owner ? successorOf(members, me) : null
  const successorName = useUsers((state) => (successor === null ? '' : selectPersonName(successor, t('common.unknownUser'))(state)))
  return (
    <>
      <button type="button" className="button button--danger group-info__leave" data-testid="leave-group" onClick={(event) => setConfirming(event.currentTarget)}>
        <LogOutIcon size={16} />
        {t('groupInfo.leave')}
      </button>
      {confirming !== null && (
        <ConfirmDialog
          title={t('groupInfo.leaveTitle', { title })}
          confirmLabel={t('groupInfo.leaveConfirm')}
          danger
          testId="leave-group-dialog"
          returnFocusTo={confirming}
          onClose={() => setConfirming(null)}
          onConfirm={() =>
            useConversations
              .getState()
              .leave(conversationId)
              .then(() => useUi.getState().setDialog(null), inWords(t))
          }
        >
          <p>{t('groupInfo.leaveBody')}</p>
          {owner && <p>{successor === null ? t('groupInfo.leaveOwnerAlone') : t('groupInfo.leaveOwner', { name: successorName })}</p>}
        </ConfirmDialog>
      )}
    </>
  )
}

export function GroupInfoDialog({ conversationId }: { conversationId: string }) {
  const { t } = useTranslation()
  const me = useSession(selectMe)
  const conversation = useConversations((state) => state.byId[conversationId])
  const members = useConversations(useShallow((state) => state.byId[conversationId]?.members ?? noMembers))
  const title = useConversationTitle(conversation)
  const [error, setError] = useState<string | null>(null)
  const [adding, setAdding] = useState<HTMLElement | null>(null)
  const left = conversation?.left ?? false
  const myRole = left ? null : roleOf(members, me)
  const manage = canManage(myRole)
  const close = () => useUi.getState().setDialog(null)
  useEffect(() => useUsers.getState().ensure(members.map((member) => member.userId)), [members])

  return (
    <Dialog title={t('groupInfo.title')} onClose={close} testId="group-info" className="dialog--info">
      <div className="dialog__body group-info">
        <GroupTitle conversationId={conversationId} title={title} canRename={manage} />
        {left && (
          <p className="notice" data-testid="group-left-notice">
            {t('composer.left')}
          </p>
        )}
        <section aria-labelledby="group-members">
          <div className="group-info__members-header">
            <h3 id="group-members">{t('presence.members', { count: members.length })}</h3>
            {manage && (
              <button type="button" className="button" data-testid="add-people" onClick={(event) => setAdding(event.currentTarget)}>
                <UserPlusIcon size={16} />
                {t('groupInfo.addPeople')}
              </button>
            )}
          </div>
          {error !== null && (
            <p className="form-error" role="alert" data-testid="group-error">
              {error}
            </p>
          )}
          <ul className="members" data-testid="members">
            {members.map((member) => (
              <MemberRow key={member.userId} conversationId={conversationId} member={member} myRole={myRole} me={me} onError={setError} />
            ))}
          </ul>
        </section>
        {!left && conversation !== undefined && <LeaveButton conversationId={conversationId} title={title} members={members} me={me} />}
      </div>
      {adding !== null && <AddPeopleDialog conversationId={conversationId} title={title} returnFocusTo={adding} onClose={() => setAdding(null)} />}
    </Dialog>
  )
}
